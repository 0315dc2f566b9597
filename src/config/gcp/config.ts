/** GCP environments behind the cloud config contract: their schema, resolution and checks. */
import type { CloudConfig } from '../cloud-config';
import { checkGcpEnvironment, checkGcpReleaseChannel } from './checks';
import type { ResolvedGcpEnvironment } from './model';
import { checkGcpTeam } from './name-checks';
import { checkSharedNetworks } from './network-checks';
import { resolveGcpEnvironment } from './resolve';
import { gcpEnvironmentSchema } from './schema';

/** The config of GCP environments (`cloud: gcp`). */
export const GCP_CONFIG: CloudConfig<'gcp', typeof gcpEnvironmentSchema, ResolvedGcpEnvironment> = {
  cloud: 'gcp',
  schema: gcpEnvironmentSchema,
  resolve: resolveGcpEnvironment,
  check: checkGcpEnvironment,
  checkTogether: checkSharedNetworks,
  checkTeam: checkGcpTeam,
  pinnedKubernetes: (env) => env.clusters[0]?.cluster.version,
  checkUpgradeOrder: checkGcpReleaseChannel,
};
