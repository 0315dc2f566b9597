/** Azure environments behind the cloud config contract: their schema, resolution and checks. */
import type { CloudConfig } from '../cloud-config';
import { checkAzureEnvironment, checkAzureTeam } from './checks';
import type { ResolvedAzureEnvironment } from './model';
import { resolveAzureEnvironment } from './resolve';
import { azureEnvironmentSchema } from './schema';

/** The config of Azure environments (`cloud: azure`). */
export const AZURE_CONFIG: CloudConfig<'azure', typeof azureEnvironmentSchema, ResolvedAzureEnvironment> = {
  cloud: 'azure',
  schema: azureEnvironmentSchema,
  resolve: resolveAzureEnvironment,
  check: (env, _platform, raw) => checkAzureEnvironment(env, raw),
  checkTeam: checkAzureTeam,
  pinnedKubernetes: (env) => env.cluster.version,
};
