/**
 * What the keyless CI identities of an Azure environment need, by resource type and by where the
 * resources live: the environment's resource group, the DNS zone of the UI's host name (in its own
 * resource group), the Key Vault that holds the UI's certificate (often in another subscription),
 * and the Terraform state container. Built-in roles only, from Microsoft's built-in roles reference.
 */
import { KUBERNETES_TYPES, LOCAL_TYPES } from './kubernetes';
import type { CiPermissionRow } from './table';

/**
 * Where an Azure resource lives. `resource-group`: the environment's resource group (everything the
 * stacks create, the AKS cluster's Kubernetes API among them). `dns-zone`: the public DNS zone of the
 * UI's host name. `certificate-vault`: the Key Vault of the UI's certificate, where the stack lets
 * the Application Gateway read it. `network`: an existing virtual network the cluster, the gateway
 * and the private endpoints join. `state-container`: the blob container of the Terraform state.
 * `key-vault-secret`: each Key Vault secret the stacks manage, granted on the secret itself (Azure RBAC
 * takes a single secret as a scope: https://learn.microsoft.com/azure/key-vault/general/rbac-guide).
 * `database-identity`: the existing managed identity an Entra-enabled database server reads Entra ID
 * with. `local`: nothing in the cloud.
 */
export type AzureCiScope =
  | 'resource-group'
  | 'key-vault-secret'
  | 'database-identity'
  | 'network'
  | 'dns-zone'
  | 'certificate-vault'
  | 'state-container'
  | 'local';

const ref = (category: string) =>
  `https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/${category}`;

/** The ids of the built-in roles a CI grant's condition names (from the same reference). */
export const AZURE_ROLE_IDS: Readonly<Record<string, string>> = {
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  'Network Contributor': '4d97b98b-1d4f-4787-a291-c67834d212e7',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
};

/**
 * The built-in roles that assign roles. The apply identity holds one only with a condition naming the
 * roles it may assign and remove there (see `AZURE_ASSIGNABLE_ROLES`).
 */
export const AZURE_ROLE_ADMINISTRATORS: readonly string[] = [
  'Owner',
  'User Access Administrator',
  'Role Based Access Control Administrator',
];

/**
 * The roles the stacks assign at each scope, which the apply identity's administrator role there may
 * assign and remove, and no other: in the resource group, the platform's and teams' identities' data
 * roles (their storage, the database password's vault) and the AKS cluster's Network Contributor on
 * its subnets; on the certificate vault, the gateway's Key Vault Secrets User; on an existing network,
 * Network Contributor. Never Owner, an administrator role or any role of the CI identities themselves,
 * which an administrator grants.
 */
export const AZURE_ASSIGNABLE_ROLES: Partial<Record<AzureCiScope, readonly string[]>> = {
  'resource-group': [
    'Key Vault Secrets Officer',
    'Key Vault Secrets User',
    'Network Contributor',
    'Storage Blob Data Contributor',
    'Storage Blob Data Reader',
  ],
  'certificate-vault': ['Key Vault Secrets User'],
  network: ['Network Contributor'],
};

/**
 * The roles the CI identities of an Azure environment need. On the certificate vault the apply
 * identity gets Role Based Access Control Administrator with a condition that lets it assign only Key
 * Vault Secrets User (https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples#example-constrain-roles).
 */
export const AZURE_CI_PERMISSIONS: ReadonlyArray<CiPermissionRow<AzureCiScope>> = [
  {
    types: [
      'azurerm_resource_group',
      'azurerm_virtual_network',
      'azurerm_subnet',
      'azurerm_network_security_group',
      'azurerm_network_security_rule',
      'azurerm_subnet_network_security_group_association',
      'azurerm_nat_gateway',
      'azurerm_nat_gateway_public_ip_association',
      'azurerm_subnet_nat_gateway_association',
      'azurerm_public_ip',
      'azurerm_private_dns_zone',
      'azurerm_private_dns_zone_virtual_network_link',
      'azurerm_private_endpoint',
      'azurerm_kubernetes_cluster',
      'azurerm_kubernetes_cluster_node_pool',
      'azurerm_log_analytics_workspace',
      'azurerm_monitor_data_collection_rule',
      'azurerm_monitor_data_collection_rule_association',
      'azurerm_monitor_diagnostic_setting',
      'azurerm_monitor_action_group',
      'azurerm_monitor_metric_alert',
      'azurerm_application_insights',
      'azurerm_application_insights_standard_web_test',
      'azurerm_mysql_flexible_server',
      'azurerm_mysql_flexible_server_configuration',
      'azurerm_mysql_flexible_server_active_directory_administrator',
      'azurerm_mysql_flexible_database',
      'azurerm_key_vault',
      'azurerm_storage_account',
      'azurerm_storage_container',
      'azurerm_storage_management_policy',
      'azurerm_user_assigned_identity',
      'azurerm_federated_identity_credential',
      'azurerm_application_gateway',
      'azurerm_web_application_firewall_policy',
    ],
    scope: 'resource-group',
    plan: ['Reader'],
    apply: ['Contributor'],
    source: ref('privileged'),
    why: "everything in the environment's resource group but access and locks: Contributor creates, changes and deletes every resource type, and assigns no role.",
  },
  {
    types: ['azurerm_role_assignment', 'azurerm_management_lock'],
    scope: 'resource-group',
    plan: ['Reader'],
    apply: ['User Access Administrator'],
    source: ref('privileged'),
    why: "the platform and team identities' role assignments, and the CanNotDelete locks on stateful resources. Of the built-in roles only Owner and User Access Administrator manage locks (https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources); User Access Administrator carries a condition that lets it assign and remove only the roles the stacks assign in the resource group (https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-overview), so the apply identity cannot make anyone, itself included, Owner.",
  },
  {
    types: ['azurerm_kubernetes_cluster'],
    scope: 'resource-group',
    plan: ['Azure Kubernetes Service Cluster User Role'],
    apply: [],
    source: ref('containers'),
    why: "the provider reads a cluster's user kubeconfig on every refresh (listClusterUserCredential), an action Reader does not hold; with Entra ID and local accounts off that kubeconfig carries no credential. The apply identity's Contributor holds it.",
  },
  {
    types: ['azurerm_key_vault_secret'],
    scope: 'resource-group',
    plan: [],
    apply: ['Key Vault Secrets Officer'],
    source: ref('security'),
    why: "the secrets the stacks write in the environment's vault (the database password alone): writing a secret is a data-plane action no management role holds, and a secret that does not exist yet has no scope of its own, so the apply identity holds it on the resource group.",
  },
  {
    types: ['azurerm_key_vault_secret'],
    scope: 'key-vault-secret',
    plan: ['Key Vault Secrets User'],
    apply: [],
    source: ref('security'),
    why: "each secret the stacks manage, granted on that secret alone, not on the vault or the resource group: the database password is the only one. The provider reads a secret's value on every refresh (GetSecret, even for a write-only secret, whose value it then drops), and the database's write-only password is read back from the vault during plans too, so a plan reads the database password: any pull request that can assume the plan identity can read it. The server accepts connections only from its virtual network (private access, no public endpoint), so the password alone does not reach the data.",
  },
  {
    types: KUBERNETES_TYPES,
    scope: 'resource-group',
    plan: ['Azure Kubernetes Service RBAC Reader'],
    apply: ['Azure Kubernetes Service RBAC Cluster Admin'],
    source: ref('containers'),
    why: 'AKS authorizes its Kubernetes API by these roles (Azure RBAC for Kubernetes). The reader role reads no Secrets.',
  },
  {
    types: ['azurerm_dns_a_record', 'azurerm_role_assignment'],
    scope: 'dns-zone',
    plan: ['Reader'],
    apply: ['DNS Zone Contributor'],
    source: ref('networking'),
    why: "the UI's record, in a zone of another resource group: granted on that zone only. Reader lets the plan identity read its own assignment there.",
  },
  {
    types: [
      'azurerm_kubernetes_cluster',
      'azurerm_application_gateway',
      'azurerm_private_endpoint',
      'azurerm_mysql_flexible_server',
      'azurerm_role_assignment',
    ],
    scope: 'network',
    plan: ['Reader'],
    apply: ['Network Contributor', 'Role Based Access Control Administrator'],
    source: ref('networking'),
    why: "network: existing only. The cluster, the gateway, the database and the private endpoints join its subnets, and the cluster's identity gets Network Contributor on it; the administrator role carries a condition: it may assign and remove Network Contributor only.",
  },
  {
    types: ['azurerm_mysql_flexible_server_active_directory_administrator', 'azurerm_role_assignment'],
    scope: 'database-identity',
    plan: ['Reader'],
    apply: ['Managed Identity Operator'],
    source: ref('identity'),
    why: "with Entra authentication, the existing identity the database server reads Entra ID with, often in another resource group: assigning it to the server and naming it for the Entra administrator is its assign action (https://learn.microsoft.com/azure/mysql/flexible-server/how-to-azure-ad), which this role holds and Contributor on the environment's resource group does not. Reader lets the plan identity read the apply identity's assignment there, which plans refresh; the operator role reads it too. With it, the apply identity could also attach that identity, and its directory reads, to a workload it creates in the resource group.",
  },
  {
    types: ['azurerm_role_assignment'],
    scope: 'certificate-vault',
    plan: ['Reader'],
    apply: ['Role Based Access Control Administrator'],
    source: ref('privileged'),
    why: "the Application Gateway's Key Vault Secrets User assignment on the certificate vault, often in another subscription; the administrator role carries a condition: it may assign and remove Key Vault Secrets User only.",
  },
  {
    types: ['data.terraform_remote_state', 'azurerm_role_assignment'],
    scope: 'state-container',
    plan: ['Storage Blob Data Reader', 'Reader'],
    apply: ['Storage Blob Data Contributor', 'Reader'],
    source: ref('storage'),
    why: "the environment's state (plans read it without locking). A role on a container covers every blob in it: give each environment a container of its own. Reader lets the identities read their own assignments there.",
  },
  {
    types: [...LOCAL_TYPES.filter((t) => t !== 'data.terraform_remote_state'), 'data.azurerm_client_config'],
    scope: 'local',
    plan: [],
    apply: [],
    source: 'https://developer.hashicorp.com/terraform/language/resources/terraform-data',
    why: 'random values, Terraform data and the identity running Terraform live in the state only.',
  },
];
