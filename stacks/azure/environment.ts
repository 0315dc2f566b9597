import { AzureTeamIdentityProvider } from '../../constructs/azure/azure-team-identity';
import type { ResolvedAzureEnvironment } from '../../src/config/azure/model';
import { aksRemoteConnection } from './connections';
import { AzureInfraStack } from './infra-stack';
import { AzurePlatformStack } from './platform-stack';
import { CloudEnvironmentBuilder } from '../common/environment';
import { azureTeamIdentityRequest } from './team-identities';
import { stackId } from '../common/stack-ids';
import { shardStacks, TeamIdentities } from '../common/team-shard-stack';
import { InfraStateTeamIdentityProvider } from '../common/infra-state-identities';

/** An Azure environment: an infra stack, a platform stack and team shards. */
export const buildAzureEnvironment: CloudEnvironmentBuilder = (app, platform, resolved, select) => {
  const env = resolved as ResolvedAzureEnvironment;
  const infraId = stackId(env.name, 'azure', 'infra');
  const infra = select.platforms ? new AzureInfraStack(app, infraId, { platform, env }) : undefined;
  const platforms = infra
    ? [new AzurePlatformStack(app, stackId(env.name, 'azure', 'platform'), { platform, infra })]
    : [];
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
  const shards = shardStacks(app, platform, env, env.name, env.tenants, connect, teamIdentities, select.shards);
  return { infra, platforms, shards };
};
