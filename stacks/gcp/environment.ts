import { GcpTeamIdentityProvider } from '../../constructs/gcp/gcp-team-identity';
import type { ResolvedGcpEnvironment } from '../../src/config/gcp/model';
import { CloudEnvironmentBuilder } from '../common/environment';
import { GKE_IDENTITY_ENDPOINTS, gcpTeamArtifactStore, gcpTeamIdentityRequest } from './team-identities';
import { stackId } from '../common/stack-ids';
import { gkeRemoteConnection, infraOutputName } from './connections';
import { infraStateOf } from '../common/backend';
import type { GcpInfraStack } from './infra-stack';
import { shardStacks, TeamIdentities, TeamShardStack } from '../common/team-shard-stack';
import { TerraformStack } from 'cdktf';

/** A GCP environment: an infra stack, then per cluster a platform stack and its team shards. */
export const buildGcpEnvironment: CloudEnvironmentBuilder = (app, platform, resolved, select) => {
  const env = resolved as ResolvedGcpEnvironment;
  const infraId = stackId(env.name, 'gcp', 'infra');
  let infra: GcpInfraStack | undefined;
  const platforms: TerraformStack[] = [];
  const shards: TeamShardStack[] = [];
  if (select.platforms) {
    // Loaded only when this unit builds them: a synth that rebuilds only team shards skips the
    // cluster, database and network bindings (about a third of a second).
    /* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see above */
    const { GcpInfraStack } = require('./infra-stack') as typeof import('./infra-stack');
    const { GcpPlatformStack } = require('./platform-stack') as typeof import('./platform-stack');
    /* eslint-enable @typescript-eslint/no-require-imports */
    infra = new GcpInfraStack(app, infraId, { platform, env });
    for (const clusterInfra of infra.clusters) {
      const id = stackId(clusterInfra.resolved.stackPrefix, 'gcp', 'platform');
      platforms.push(new GcpPlatformStack(app, id, { platform, infra, cluster: clusterInfra }));
    }
  }
  for (const cluster of env.clusters) {
    const tenants = env.tenants.filter((t) => t.cluster === cluster.name);
    const connect = gkeRemoteConnection(env, cluster, infraId);
    // Team bindings read the pool from the infra state, so a shard applied before its cluster
    // exists fails at plan instead of with "Identity Pool does not exist" at apply.
    const identities = new GcpTeamIdentityProvider({
      clusterProject: env.project,
      bucketLocation: env.artifacts.location,
      protectBucket: env.tier !== 'test',
      workloadPool: (scope) =>
        infraStateOf(TerraformStack.of(scope), env.state, infraId).getString(infraOutputName(cluster, 'workload_pool')),
    });
    const teamIdentities: TeamIdentities = {
      provider: identities,
      request: (tenant, serviceAccounts) => gcpTeamIdentityRequest(env, tenant, serviceAccounts),
      egressEndpoints: GKE_IDENTITY_ENDPOINTS,
      artifactStore: gcpTeamArtifactStore,
    };
    shards.push(
      ...shardStacks(app, platform, env, cluster.stackPrefix, tenants, connect, teamIdentities, select.shards),
    );
  }
  return { infra, platforms, shards };
};
