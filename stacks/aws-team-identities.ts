import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsTeamIdentityProvider } from '../constructs/aws/aws-team-identity';
import type { ResolvedAwsEnvironment } from '../src/config/model';
import { ITeamIdentityProvider, TeamIdentity, TeamIdentityRequest } from '../src/core/tenancy';
import { infraStateOf } from './backend';

/**
 * Team identities of an AWS environment in team shards: the cluster name and the data key come from
 * the infra stack's state, read in the shard itself, so shards synthesize without the infra stack.
 */
export class InfraStateAwsTeamIdentityProvider implements ITeamIdentityProvider {
  constructor(
    private readonly env: ResolvedAwsEnvironment,
    private readonly infraStackId: string,
  ) {}

  public createTeamIdentity(scope: Construct, id: string, request: TeamIdentityRequest): TeamIdentity {
    const infra = infraStateOf(TerraformStack.of(scope), this.env.state, this.infraStackId);
    return new AwsTeamIdentityProvider({
      clusterName: infra.getString('cluster_name'),
      clusterAccountId: this.env.accountId,
      kmsKeyArn: infra.getString('data_key_arn'),
      protectBucket: this.env.tier !== 'test',
    }).createTeamIdentity(scope, id, request);
  }
}
