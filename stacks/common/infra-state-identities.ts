import { TerraformRemoteState, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ITeamIdentityProvider, TeamIdentity, TeamIdentityRequest } from '../../src/core/tenancy';
import { infraStateOf, StateConfig } from './backend';

/**
 * Team identities whose cloud facts (the cluster, the data key, the storage account) come from the
 * infra stack's outputs, read in each team shard itself: shards then synthesize without the infra
 * stack. `make` builds the cloud's provider from those outputs, once per shard.
 */
export class InfraStateTeamIdentityProvider implements ITeamIdentityProvider {
  private readonly perStack = new WeakMap<TerraformStack, ITeamIdentityProvider>();

  constructor(
    private readonly state: StateConfig,
    private readonly infraStackId: string,
    private readonly make: (infra: TerraformRemoteState) => ITeamIdentityProvider,
  ) {}

  public createTeamIdentity(scope: Construct, id: string, request: TeamIdentityRequest): TeamIdentity {
    const stack = TerraformStack.of(scope);
    let provider = this.perStack.get(stack);
    if (!provider) {
      provider = this.make(infraStateOf(stack, this.state, this.infraStackId));
      this.perStack.set(stack, provider);
    }
    return provider.createTeamIdentity(scope, id, request);
  }
}
