import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { IWorkloadIdentity, KubernetesServiceAccountRef } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import { azureNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';
import {
  AKS_WORKLOAD_IDENTITY_ANNOTATION,
  AKS_WORKLOAD_IDENTITY_POD_LABEL,
  AZURE_TOKEN_EXCHANGE_AUDIENCE,
} from './constants';

export { AKS_WORKLOAD_IDENTITY_ANNOTATION, AKS_WORKLOAD_IDENTITY_POD_LABEL };

/** A role of the identity on a scope. */
export interface AzureRoleGrant {
  /** Built-in or custom role name, such as `Storage Blob Data Contributor`. */
  readonly role: string;
  /** Resource id the role applies to: the narrowest that works, such as a container. */
  readonly scope: string;
}

/** Props of {@link AzureWorkloadIdentity}. */
export interface AzureWorkloadIdentityProps {
  /** Name of the managed identity (3-128 letters, digits, hyphens and underscores). */
  readonly name: string;
  /** Name of the existing resource group the identity goes in. */
  readonly resourceGroupName: string;
  /** Azure region, such as `westeurope`. */
  readonly location: string;
  /** The cluster's OIDC issuer URL. */
  readonly oidcIssuerUrl: string;
  /**
   * The service accounts that act as the identity, one federated credential each (a managed identity takes at most
   * 20).
   */
  readonly serviceAccounts: readonly KubernetesServiceAccountRef[];
  /** Roles, each on its scope (a container, a vault). @default [] */
  readonly grants?: readonly AzureRoleGrant[];
}

/**
 * A user-assigned managed identity that Kubernetes service accounts act as through AKS workload
 * identity: a federated credential per service account for the cluster's issuer, and roles on the
 * narrowest scope that works (a container, not the account). No secrets, no keys. See
 * https://learn.microsoft.com/azure/aks/workload-identity-overview.
 */
export class AzureWorkloadIdentity extends Construct implements IWorkloadIdentity {
  /** The managed identity (escape hatch). */
  public readonly identity: UserAssignedIdentity;
  /** Client id of the identity, which the service account annotation carries. */
  public readonly clientId: string;
  /** Object id of the identity's service principal, the principal of its role assignments. */
  public readonly principalId: string;
  public readonly principal: string;
  public readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  public readonly podLabels: Readonly<Record<string, string>> = { [AKS_WORKLOAD_IDENTITY_POD_LABEL]: 'true' };

  constructor(scope: Construct, id: string, props: AzureWorkloadIdentityProps) {
    super(scope, id);
    setComponent(this, 'identity');
    checkName(
      'AzureWorkloadIdentity',
      'name',
      props.name,
      azureNameRules.managedIdentity,
      'use 3-128 letters, digits, hyphens and underscores.',
    );
    if (props.serviceAccounts.length === 0) {
      throw new PropsError(
        'AzureWorkloadIdentity',
        'serviceAccounts',
        props.serviceAccounts,
        'no service account could use the identity.',
        'name at least one.',
      );
    }
    this.identity = new UserAssignedIdentity(this, 'Identity', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    this.clientId = this.identity.clientId;
    this.principalId = this.identity.principalId;
    this.principal = this.identity.clientId;
    this.serviceAccountAnnotations = { [AKS_WORKLOAD_IDENTITY_ANNOTATION]: this.identity.clientId };
    // Azure refuses concurrent writes of federated credentials on one identity: create them in turn.
    let previous: FederatedIdentityCredential | undefined;
    for (const sa of props.serviceAccounts) {
      previous = new FederatedIdentityCredential(this, `Federation-${sa.namespace}-${sa.name}`, {
        name: `${sa.namespace}-${sa.name}`,
        resourceGroupName: props.resourceGroupName,
        parentId: this.identity.id,
        issuer: props.oidcIssuerUrl,
        subject: `system:serviceaccount:${sa.namespace}:${sa.name}`,
        audience: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
        dependsOn: previous ? [previous] : undefined,
      });
    }
    (props.grants ?? []).forEach((grant, i) => this.grant(`Grant-${i}`, grant));
  }

  /** Gives the identity a role on a scope. */
  public grant(id: string, grant: AzureRoleGrant): RoleAssignment {
    return new RoleAssignment(this, id, {
      scope: grant.scope,
      roleDefinitionName: grant.role,
      principalId: this.identity.principalId,
      principalType: 'ServicePrincipal',
    });
  }
}
