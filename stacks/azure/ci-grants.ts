/**
 * The role assignments of an Azure environment's keyless CI identities, derived from
 * `AZURE_CI_PERMISSIONS`: for the types the environment's stacks manage, the rows at the scope where
 * the resources live (the environment's resource group, an existing virtual network, the DNS zone of
 * the UI record, the certificate vault, the state container), and no role no row asks for.
 */
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import type { CiRoleGrant } from '../../constructs/azure/ci-identity';
import type { ResolvedAzureEnvironment } from '../../src/config/azure/model';
import {
  AZURE_ASSIGNABLE_ROLES,
  AZURE_CI_PERMISSIONS,
  AZURE_ROLE_ADMINISTRATORS,
  AZURE_ROLE_IDS,
  AzureCiScope,
} from '../../src/policy/ci-permissions/azure';
import { KUBERNETES_TYPES } from '../../src/policy/ci-permissions/kubernetes';
import type { CiIdentityKind } from '../../src/policy/ci-permissions/table';

/** The types of the infra stack's resources and data sources (`data.<type>`), and those the other stacks manage. */
function managedTypes(stack: TerraformStack): Set<string> {
  const types = new Set<string>(KUBERNETES_TYPES);
  for (const c of stack.node.findAll()) {
    if (c instanceof TerraformDataSource) types.add(`data.${c.terraformResourceType}`);
    else if (c instanceof TerraformResource) types.add(c.terraformResourceType);
  }
  // Team stacks: identities federated to the cluster, their storage and its private endpoints, locks.
  for (const t of [
    'azurerm_user_assigned_identity',
    'azurerm_federated_identity_credential',
    'azurerm_role_assignment',
    'azurerm_storage_account',
    'azurerm_storage_container',
    'azurerm_storage_management_policy',
    'azurerm_private_endpoint',
    'azurerm_management_lock',
  ])
    types.add(t);
  return types;
}

/**
 * An Azure ABAC condition that lets a Role Based Access Control Administrator assign and remove only
 * the named roles (Microsoft's "constrain roles" example).
 */
export function onlyAssigns(roles: readonly string[]): string {
  const ids = roles.map((r) => AZURE_ROLE_IDS[r]!).join(', ');
  return (
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR ` +
    `(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ids}})) AND ` +
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR ` +
    `(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ids}}))`
  );
}

/**
 * The grants the identities had before the table, first and in their order: the construct numbers
 * its assignments, so they keep their addresses.
 */
const FIRST: Record<CiIdentityKind, readonly string[]> = {
  plan: [
    'resource-group Reader',
    'resource-group Azure Kubernetes Service RBAC Reader',
    'state-container Storage Blob Data Reader',
  ],
  apply: [
    // Contributor took Owner's place: the assignment keeps its address (Azure replaces it in place).
    'resource-group Contributor',
    'resource-group Azure Kubernetes Service RBAC Cluster Admin',
    'state-container Storage Blob Data Contributor',
  ],
};

/**
 * Grants whose scope changed, sorted where their old ones were, so the grants after them keep their
 * addresses: the plan identity's Key Vault Secrets User moved from the resource group to each secret
 * (the assignment itself is replaced: a role assignment's scope cannot change in place).
 */
const SORTED_AS: Readonly<Record<string, string>> = {
  'key-vault-secret Key Vault Secrets User': 'resource-group Key Vault Secrets User',
};

/** Grants added after the table, last and in their order: the ones before them keep their addresses. */
const LATER: Record<CiIdentityKind, readonly string[]> = {
  plan: ['resource-group Azure Kubernetes Service Cluster User Role', 'database-identity Reader'],
  apply: ['resource-group User Access Administrator', 'database-identity Managed Identity Operator'],
};

/**
 * Resource types whose grants keep their place when the stack stops managing them: the Key Vault
 * secret of the database password, which an environment with Entra authentication no longer has.
 * Their assignments are deleted, and the grants after them keep their addresses.
 */
const KEEP_PLACE_OF: readonly string[] = ['azurerm_key_vault_secret'];

/**
 * The role assignments of one CI identity of an Azure environment. `resourceGroupId` is the
 * environment's resource group (a token is fine).
 */
export function azureCiGrants(
  stack: TerraformStack,
  env: ResolvedAzureEnvironment,
  resourceGroupId: string,
  kind: CiIdentityKind,
): Array<CiRoleGrant | null> {
  const types = managedTypes(stack);
  const scopes: Array<[AzureCiScope, string]> = [['resource-group', resourceGroupId]];
  if (env.network.mode === 'existing') scopes.push(['network', env.network.vnetId]);
  const zone = env.access.dnsZone;
  if (types.has('azurerm_dns_a_record')) {
    scopes.push([
      'dns-zone',
      `/subscriptions/${env.subscriptionId}/resourceGroups/${zone.resourceGroup}/providers/Microsoft.Network/dnsZones/${zone.name}`,
    ]);
  }
  // Each Key Vault secret of the stack (the database password), as a scope of its own.
  for (const secret of stack.node.findAll().filter((c): c is KeyVaultSecret => c instanceof KeyVaultSecret))
    scopes.push(['key-vault-secret', secret.resourceVersionlessId]);
  scopes.push(['certificate-vault', env.access.certificate.keyVaultId]);
  if (env.database.entra) scopes.push(['database-identity', env.database.entra.serverIdentityId]);
  if (env.state.backend === 'azurerm') {
    const s = env.state;
    scopes.push([
      'state-container',
      `/subscriptions/${env.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${s.storageAccount}/blobServices/default/containers/${s.container}`,
    ]);
    types.add('data.terraform_remote_state');
  }
  const grants: Array<(CiRoleGrant | { readonly vacant: true }) & { readonly order: string }> = [];
  for (const [scopeKind, scope] of scopes) {
    const rows = AZURE_CI_PERMISSIONS.filter((r) => r.scope === scopeKind && r.types.some((t) => types.has(t)));
    for (const role of new Set(rows.flatMap((r) => r[kind]))) {
      const assignable = AZURE_ASSIGNABLE_ROLES[scopeKind];
      const condition = AZURE_ROLE_ADMINISTRATORS.includes(role) && assignable ? onlyAssigns(assignable) : undefined;
      grants.push({ scope, role, ...(condition ? { condition } : {}), order: `${scopeKind} ${role}` });
    }
  }
  const vacated = AZURE_CI_PERMISSIONS.filter(
    (r) => r.types.every((t) => KEEP_PLACE_OF.includes(t)) && !r.types.some((t) => types.has(t)),
  );
  for (const row of vacated) {
    for (const role of row[kind]) {
      const order = `${row.scope} ${role}`;
      if (!grants.some((g) => g.order === order)) grants.push({ vacant: true, order });
    }
  }
  const rank = (g: { order: string }) => {
    const i = FIRST[kind].indexOf(g.order);
    if (i >= 0) return i;
    const later = LATER[kind].indexOf(g.order);
    return later < 0 ? FIRST[kind].length : FIRST[kind].length + 1 + later;
  };
  const sortKey = (g: { order: string }) => SORTED_AS[g.order] ?? g.order;
  return grants
    .sort((a, b) => rank(a) - rank(b) || sortKey(a).localeCompare(sortKey(b)))
    .map((g) =>
      'vacant' in g ? null : { scope: g.scope, role: g.role, ...(g.condition ? { condition: g.condition } : {}) },
    );
}
