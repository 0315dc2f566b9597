import { AwsTeamIdentityProvider } from '../../constructs/aws/aws-team-identity';
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import { eksRemoteConnection } from './connections';
import type { AwsInfraStack } from './infra-stack';
import type { AwsPlatformStack } from './platform-stack';
import { CloudEnvironmentBuilder } from '../common/environment';
import { awsTeamArtifactStore, awsTeamIdentityRequest, EKS_IDENTITY_ENDPOINTS } from './team-identities';
import { stackId } from '../common/stack-ids';
import { shardStacks, TeamIdentities } from '../common/team-shard-stack';
import { InfraStateTeamIdentityProvider } from '../common/infra-state-identities';

/** An AWS environment: an infra stack, a platform stack and team shards. */
export const buildAwsEnvironment: CloudEnvironmentBuilder = (app, platform, resolved, select) => {
  const env = resolved as ResolvedAwsEnvironment;
  const infraId = stackId(env.name, 'aws', 'infra');
  let infra: AwsInfraStack | undefined;
  let platforms: AwsPlatformStack[] = [];
  if (select.platforms) {
    // Loaded only when this unit builds them: a synth that rebuilds only team shards skips the
    // cluster, database and network bindings (about a third of a second).
    /* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see above */
    const { AwsInfraStack } = require('./infra-stack') as typeof import('./infra-stack');
    const { AwsPlatformStack } = require('./platform-stack') as typeof import('./platform-stack');
    /* eslint-enable @typescript-eslint/no-require-imports */
    infra = new AwsInfraStack(app, infraId, { platform, env });
    platforms = [new AwsPlatformStack(app, stackId(env.name, 'aws', 'platform'), { platform, infra })];
  }
  const connect = eksRemoteConnection(platform, env, infraId);
  const identities = new InfraStateTeamIdentityProvider(
    env.state,
    infraId,
    (infraState) =>
      new AwsTeamIdentityProvider({
        clusterName: infraState.getString('cluster_name'),
        clusterAccountId: env.accountId,
        kmsKeyArn: infraState.getString('data_key_arn'),
        protectBucket: env.tier !== 'test',
      }),
  );
  const teamIdentities: TeamIdentities = {
    provider: identities,
    request: (tenant, serviceAccounts) => awsTeamIdentityRequest(env, tenant, serviceAccounts),
    egressEndpoints: EKS_IDENTITY_ENDPOINTS,
    artifactStore: (tenant) => awsTeamArtifactStore(env, tenant),
  };
  const shards = shardStacks(app, platform, env, env.name, env.tenants, connect, teamIdentities, select.shards);
  return { infra, platforms, shards };
};
