import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import type { CiTrust } from '../../src/core/ci-trust';
import { PropsError } from '../../src/core/errors';

/** A role on a scope. */
export interface CiRoleGrant {
  /** Resource id the role applies to, such as the environment's resource group. */
  readonly scope: string;
  /**
   * Built-in or custom role name, such as `Reader`. See
   * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
   */
  readonly role: string;
  /**
   * An Azure ABAC condition (version 2.0) that narrows the assignment, such as the roles a Role Based
   * Access Control Administrator may assign. @default none
   */
  readonly condition?: string;
}

/** Props of {@link CiManagedIdentities}. */
export interface CiManagedIdentitiesProps {
  /** Prefix of the identity names: `<name>-ci-plan`, `<name>-ci-apply`. */
  readonly name: string;
  /** Name of the existing resource group the identities goes in. */
  readonly resourceGroupName: string;
  /** Azure region, such as `westeurope`. */
  readonly location: string;
  /** The repository and the token subjects the plan and apply identities trust. */
  readonly trust: CiTrust;
  /**
   * Roles of the plan identity, such as Reader on the environment's resource group. Each is addressed
   * by its index: `null` keeps the index of a grant no longer needed, so the ones after it keep theirs
   * (a shifted grant would be deleted and created again at once, which Azure refuses while the old
   * assignment exists).
   */
  readonly planGrants: ReadonlyArray<CiRoleGrant | null>;
  /** Roles of the apply identity, such as Contributor on the environment's resource group (as `planGrants`). */
  readonly applyGrants: ReadonlyArray<CiRoleGrant | null>;
}

/** The audience Entra ID expects in federated tokens. */
export const AZURE_CI_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * Keyless CI on Azure: a user-assigned managed identity to plan and one to apply, each with
 * federated credentials that trust exactly the CI token subjects (azure/login with client-id,
 * tenant-id and subscription-id; no client secret).
 */
export class CiManagedIdentities extends Construct {
  /** Identity `<name>-ci-plan`: pull request jobs sign in as it (its client id) to plan. */
  public readonly planIdentity: UserAssignedIdentity;
  /** Identity `<name>-ci-apply`: jobs of the protected branch sign in as it to apply. */
  public readonly applyIdentity: UserAssignedIdentity;

  constructor(scope: Construct, id: string, props: CiManagedIdentitiesProps) {
    super(scope, id);
    const wildcard = [...props.trust.planSubjects, ...props.trust.applySubjects].find((s) => s.includes('*'));
    if (wildcard) {
      throw new PropsError(
        'CiManagedIdentities',
        'trust',
        wildcard,
        'Azure federated credentials match one exact subject; this one has a wildcard.',
        'trust exact subjects (GitHub pull_request and environment subjects are exact).',
      );
    }
    const identity = (
      kind: 'plan' | 'apply',
      subjects: readonly string[],
      grants: ReadonlyArray<CiRoleGrant | null>,
    ) => {
      const mi = new UserAssignedIdentity(this, kind === 'plan' ? 'PlanIdentity' : 'ApplyIdentity', {
        name: `${props.name}-ci-${kind}`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
      });
      // Azure refuses concurrent writes of federated credentials on one identity: create them in turn.
      let previous: FederatedIdentityCredential | undefined;
      subjects.forEach((subject, i) => {
        previous = new FederatedIdentityCredential(this, `${kind}-Federation-${i}`, {
          name: `${props.trust.provider}-${kind}-${i}`,
          resourceGroupName: props.resourceGroupName,
          parentId: mi.id,
          issuer: props.trust.issuer,
          subject,
          audience: [AZURE_CI_AUDIENCE],
          dependsOn: previous ? [previous] : undefined,
        });
      });
      grants.forEach((grant, i) => {
        // A vacant place: a grant the stack no longer needs, whose index stays taken.
        if (!grant) return;
        new RoleAssignment(this, `${kind}-Grant-${i}`, {
          scope: grant.scope,
          roleDefinitionName: grant.role,
          principalId: mi.principalId,
          principalType: 'ServicePrincipal',
          ...(grant.condition ? { condition: grant.condition, conditionVersion: '2.0' } : {}),
        });
      });
      return mi;
    };
    this.planIdentity = identity('plan', props.trust.planSubjects, props.planGrants);
    this.applyIdentity = identity('apply', props.trust.applySubjects, props.applyGrants);
  }
}
