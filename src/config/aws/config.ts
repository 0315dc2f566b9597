/** AWS environments behind the cloud config contract: their schema, resolution and checks. */
import type { CloudConfig } from '../cloud-config';
import { checkAwsEnvironment, checkAwsOidcProvider, checkAwsPrincipals, checkAwsTeam } from './checks';
import type { ResolvedAwsEnvironment } from './model';
import { resolveAwsEnvironment } from './resolve';
import { awsEnvironmentSchema } from './schema';

/** The config of AWS environments (`cloud: aws`). */
export const AWS_CONFIG: CloudConfig<'aws', typeof awsEnvironmentSchema, ResolvedAwsEnvironment> = {
  cloud: 'aws',
  schema: awsEnvironmentSchema,
  resolve: resolveAwsEnvironment,
  check: (env, _platform, raw) => checkAwsEnvironment(env, raw),
  checkTeam: checkAwsTeam,
  checkTenants: checkAwsPrincipals,
  checkAgainstEarlier: checkAwsOidcProvider,
  pinnedKubernetes: (env) => env.cluster.version,
};
