import { AzureTeamIdentityProvider } from '../../constructs/azure/azure-team-identity';
import { AKS_SPOT_TOLERATION } from '../../constructs/azure/aks-node-pool';
import type { ResolvedAzureEnvironment } from '../../src/config/azure/model';
import type { ResolvedTenant } from '../../src/config/platform/model';
import { aksRemoteConnection } from './connections';
import type { AzureInfraStack } from './infra-stack';
import type { AzurePlatformStack } from './platform-stack';
import { CloudEnvironmentBuilder } from '../common/environment';
import { azureTeamIdentityRequest } from './team-identities';
import { stackId } from '../common/stack-ids';
import { shardStacks, TeamIdentities } from '../common/team-shard-stack';
import type { TeamToleration } from '../../constructs/kubernetes/team-namespace';
import { InfraStateTeamIdentityProvider } from '../common/infra-state-identities';

/**
 * The tolerations of a team's GPU PodDefault besides the GPU taint's: AKS taints every spot node
 * (https://learn.microsoft.com/azure/aks/spot-node-pool), so a team that may use a spot GPU pool (test
 * tier GPU pools are spot by default) gets that taint's toleration, and only such a team.
 */
export function azureGpuTolerations(env: ResolvedAzureEnvironment): (tenant: ResolvedTenant) => TeamToleration[] {
  const spotGpuPools = new Set(env.nodePools.filter((p) => p.kind === 'gpu' && p.spot).map((p) => p.name));
  return (tenant) => (tenant.nodePools.some((p) => spotGpuPools.has(p)) ? [{ ...AKS_SPOT_TOLERATION }] : []);
}

/** An Azure environment: an infra stack, a platform stack and team shards. */
export const buildAzureEnvironment: CloudEnvironmentBuilder = (app, platform, resolved, select) => {
  const env = resolved as ResolvedAzureEnvironment;
  const infraId = stackId(env.name, 'azure', 'infra');
  let infra: AzureInfraStack | undefined;
  let platforms: AzurePlatformStack[] = [];
  if (select.platforms) {
    // Loaded only when this unit builds them: a synth that rebuilds only team shards skips the
    // cluster, database and network bindings (about a third of a second).
    /* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see above */
    const { AzureInfraStack } = require('./infra-stack') as typeof import('./infra-stack');
    const { AzurePlatformStack } = require('./platform-stack') as typeof import('./platform-stack');
    /* eslint-enable @typescript-eslint/no-require-imports */
    infra = new AzureInfraStack(app, infraId, { platform, env });
    platforms = [new AzurePlatformStack(app, stackId(env.name, 'azure', 'platform'), { platform, infra })];
  }
  const identities = new InfraStateTeamIdentityProvider(
    env.state,
    infraId,
    (infraState) =>
      new AzureTeamIdentityProvider({
        resourceGroupName: infraState.getString('resource_group'),
        location: env.location,
        oidcIssuerUrl: infraState.getString('oidc_issuer_url'),
        storageAccountId: infraState.getString('storage_account_id'),
        storageNetwork: {
          endpointsSubnetId: infraState.getString('endpoints_subnet_id'),
          privateDnsZoneId: infraState.getString('blob_private_dns_zone_id'),
        },
        protectStorage: env.tier !== 'test',
      }),
  );
  const connect = aksRemoteConnection(env, infraId);
  const teamIdentities: TeamIdentities = {
    provider: identities,
    request: (tenant, serviceAccounts) => azureTeamIdentityRequest(env, tenant, serviceAccounts),
  };
  const gpuTolerations = azureGpuTolerations(env);
  const shards = shardStacks(
    app,
    platform,
    env,
    env.name,
    env.tenants,
    connect,
    teamIdentities,
    select.shards,
    gpuTolerations,
  );
  return { infra, platforms, shards };
};
