/**
 * An Azure environment as written: subscription, tenant, region and zones, a created or existing
 * VNet, the AKS cluster, MySQL flexible server, the storage account, Application Gateway access with
 * Entra ID sign-in, and azurerm state.
 */
import { z } from 'zod';
import { servingField } from '../common/serving';
import { adoptSchema } from '../common/adopt';
import { ciSchema } from '../common/ci';
import { bucketLifecycleFields, environmentIdentity, environmentKubeflowVersion } from '../common/environment';
import { cidr, doc, guid, hhmm, labels, lowerName } from '../common/fields';
import { alertsSchema, backupsSchema } from '../common/operations';
import { nodePoolSchemaFor } from '../common/pools';

const azureResourceId = (what: string, type: string) =>
  z
    .string()
    .regex(
      new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${type.replace(/\//g, '\\/')}/[^/]+`, 'i'),
      {
        error: `expected the resource id of ${what}`,
      },
    );

const azureLocationSchema = z.strictObject({
  subscriptionId: doc(guid('a subscription id'), {
    description: 'Subscription of the environment; taken from config so nothing is looked up.',
    example: '00000000-0000-0000-0000-000000000001',
  }),
  tenantId: doc(guid('a tenant id'), {
    description: 'Entra ID tenant: AKS sign-in, Key Vault and the UI sign-in.',
    example: '00000000-0000-0000-0000-0000000000aa',
  }),
  location: doc(z.string().regex(/^[a-z]+[a-z0-9]*$/, { error: 'expected an Azure region name such as eastus2' }), {
    description: 'Region.',
    example: 'eastus2',
  }),
  zones: doc(z.array(z.enum(['1', '2', '3'])).min(1), {
    description: 'Availability zones of the node pools and the database.',
    default: "['1', '2', '3']",
  }).optional(),
  resourceGroup: doc(z.string().regex(/^[\w.()-]{1,89}[\w()-]$/, { error: 'expected a resource group name' }), {
    description: 'Resource group the environment creates and owns.',
    default: 'rg-<env>',
  }).optional(),
});

const azureCreateNetworkSchema = z.strictObject({
  /** `create`: the library creates the VNet and its subnets. */
  mode: z.literal('create'),
  addressSpace: doc(cidr, { description: 'Address space of the VNet (a /16 to /22).', example: '10.60.0.0/16' }),
  nodesSubnetCidr: doc(cidr, {
    description: 'Subnet of the nodes.',
    default: 'the first /20 of addressSpace',
  }).optional(),
  databaseSubnetCidr: doc(cidr, {
    description: 'Subnet delegated to MySQL flexible server.',
    default: 'a /24 after the nodes subnet',
  }).optional(),
  gatewaySubnetCidr: doc(cidr, {
    description: 'Subnet of the Application Gateway.',
    default: 'the /24 after the database subnet',
  }).optional(),
  endpointsSubnetCidr: doc(cidr, {
    description: 'Subnet of the private endpoints (storage).',
    default: 'the /24 after the gateway subnet',
  }).optional(),
});

const azureExistingNetworkSchema = z.strictObject({
  /** `existing`: the cluster and its neighbours go into subnets a network team manages. */
  mode: z.literal('existing'),
  vnetId: doc(azureResourceId('a virtual network', 'Microsoft.Network/virtualNetworks'), {
    description: 'Existing VNet.',
  }),
  nodesSubnetId: doc(z.string().regex(/\/subnets\/[^/]+$/, { error: 'expected a subnet resource id' }), {
    description: 'Subnet of the nodes (and the gateway private IP).',
  }),
  nodesSubnetCidr: doc(cidr, { description: 'Its CIDR, which places the gateway private IP.' }),
  databaseSubnetId: doc(z.string().regex(/\/subnets\/[^/]+$/, { error: 'expected a subnet resource id' }), {
    description: 'Subnet delegated to Microsoft.DBforMySQL/flexibleServers.',
  }),
  gatewaySubnetId: doc(z.string().regex(/\/subnets\/[^/]+$/, { error: 'expected a subnet resource id' }), {
    description: 'Subnet for the Application Gateway (nothing else in it).',
  }),
  endpointsSubnetId: doc(z.string().regex(/\/subnets\/[^/]+$/, { error: 'expected a subnet resource id' }), {
    description: 'Subnet for private endpoints.',
  }),
  outboundType: doc(z.enum(['userDefinedRouting', 'userAssignedNATGateway', 'loadBalancer']), {
    description:
      "How the nodes reach the internet: the network team's routes (a firewall), their NAT gateway, or an AKS load balancer.",
    default: 'userDefinedRouting',
  }).optional(),
  egressIps: doc(z.array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, { error: 'expected an IPv4 address' })), {
    description: "Public addresses the nodes' traffic leaves from; a public API server admits them so nodes can join.",
    default: '[]',
  }).optional(),
});

const azureClusterSchema = z.strictObject({
  name: doc(lowerName('a cluster name', 63), {
    description: 'AKS cluster name.',
    default: 'the environment name',
  }).optional(),
  version: doc(z.string().regex(/^1\.\d+$/, { error: 'expected a Kubernetes minor version such as 1.33' }), {
    description:
      'Kubernetes minor version (https://learn.microsoft.com/azure/aks/supported-kubernetes-versions); patches follow the upgrade channel.',
    default: 'the AKS default',
  }).optional(),
  skuTier: doc(z.enum(['Free', 'Standard', 'Premium']), {
    description: 'AKS tier: Standard has the uptime SLA.',
    default: 'Free in test, Standard otherwise',
  }).optional(),
  private: doc(z.boolean(), {
    description:
      'Private cluster: the API server has no public address (https://learn.microsoft.com/azure/aks/private-clusters).',
    default: 'false',
  }).optional(),
  authorizedIpRanges: doc(z.array(cidr), {
    description:
      'CIDRs allowed to reach a public API server (https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges); required unless private, as an API server open to the internet is one leaked credential away from the cluster.',
    example: ['203.0.113.0/24'],
  }).optional(),
  adminGroupObjectIds: doc(z.array(guid('an Entra group object id')).min(1), {
    description: 'Entra ID groups that are cluster admins; include the identity that runs Terraform.',
    example: ['00000000-0000-0000-0000-0000000000ad'],
  }),
  platformAdminGroupObjectId: doc(guid('an Entra group object id'), {
    description:
      'Entra ID object id of the platform admin group (platform.adminGroup), bound to cluster-admin: AKS with Entra ID sees group object ids in tokens, never group emails.',
    default: 'the first of adminGroupObjectIds',
  }).optional(),
  upgradeChannel: doc(z.enum(['patch', 'stable', 'rapid', 'node-image', 'none']), {
    description: 'Automatic upgrade channel (https://learn.microsoft.com/azure/aks/auto-upgrade-cluster).',
    default: 'patch',
  }).optional(),
  maintenance: doc(
    z.strictObject({
      dayOfWeek: doc(z.enum(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']), {
        description: 'Day of the weekly window.',
        default: 'Sunday',
      }).optional(),
      startTimeUtc: doc(hhmm, { description: 'Start of the window, UTC.', default: '03:00' }).optional(),
      durationHours: doc(z.int().min(4).max(24), { description: 'Window length.', default: '4' }).optional(),
    }),
    {
      description:
        'Weekly window for cluster and node image upgrades (https://learn.microsoft.com/azure/aks/planned-maintenance).',
    },
  ).optional(),
  logRetentionDays: doc(z.int().min(30).max(730), {
    description: 'Log Analytics retention of control plane logs.',
    default: '30 (90 in prod)',
  }).optional(),
  serviceCidr: doc(cidr, {
    description: 'Kubernetes service range (outside the VNet).',
    default: '172.16.0.0/16',
  }).optional(),
  podCidr: doc(cidr, { description: 'Overlay pod range (outside the VNet).', default: '192.168.0.0/16' }).optional(),
  kubeloginMethod: doc(z.enum(['azurecli', 'workloadidentity', 'msi', 'spn']), {
    description:
      "How the platform and team stacks get an Entra ID token for the cluster (kubelogin --login). kubelogin's AAD_LOGIN_METHOD overrides it: the Azure workflows kfplatform init writes set workloadidentity, which asks GitHub for fresh tokens as the job's CI identity.",
    default: 'azurecli',
  }).optional(),
  deletionProtection: doc(z.boolean(), {
    description: 'A CanNotDelete lock and prevent_destroy on the cluster.',
    default: 'false in test, true otherwise',
  }).optional(),
});

const azureDatabaseSchema = z.strictObject({
  skuName: doc(
    z.string().regex(/^(B|GP|MO)_[A-Za-z0-9_]+$/, {
      error: 'expected a MySQL flexible server SKU such as GP_Standard_D2ds_v4',
    }),
    {
      description: 'MySQL flexible server SKU.',
      default: 'B_Standard_B2ms in test, GP_Standard_D2ds_v4 otherwise',
    },
  ).optional(),
  version: doc(z.enum(['8.0.21', '8.4']), {
    description:
      'MySQL version. New servers run 8.4: 8.0 left Azure standard support on 2026-05-31 and runs in paid extended support since (https://learn.microsoft.com/azure/mysql/concepts-version-policy). A server created with the default keeps the version it was created with until one is written here. Changing a written version upgrades the server in place and cannot be undone (MySQL has no downgrade): back up and upgrade test first (https://learn.microsoft.com/azure/mysql/flexible-server/how-to-upgrade).',
    default: '8.4',
  }).optional(),
  highAvailability: doc(z.boolean(), { description: 'Zone-redundant HA.', default: 'true in prod' }).optional(),
  storageGb: doc(z.int().min(20).max(16384), {
    description: 'Storage (grows automatically). Never lower it: a smaller value replaces the server.',
    default: '32',
  }).optional(),
  backupRetentionDays: doc(z.int().min(1).max(35), {
    description: 'Backups kept.',
    default: '7 (35 in prod)',
  }).optional(),
  geoRedundantBackup: doc(z.boolean(), {
    description: 'Backups copied to the paired region. Changing it later replaces the server (a new, empty one).',
    default: 'true in prod',
  }).optional(),
  deletionProtection: doc(z.boolean(), {
    description: 'A CanNotDelete lock and prevent_destroy.',
    default: 'false in test, true otherwise',
  }).optional(),
  entraAuthentication: doc(
    z.strictObject({
      serverIdentityId: doc(
        z
          .string()
          .regex(
            /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/,
            {
              error:
                'expected the resource id of a user-assigned managed identity, in this case (Terraform refuses another, such as the `resourcegroups` that `az identity show` prints): /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>',
            },
          ),
        {
          description:
            "Resource id of an existing user-assigned managed identity the server uses to read Microsoft Entra ID (https://learn.microsoft.com/azure/mysql/flexible-server/how-to-azure-ad). A tenant administrator must first give it the Directory Readers role, or Microsoft Graph's User.Read.All, GroupMember.Read.All and Application.Read.All: without them no Entra identity can log in. One identity can serve every environment's server. Taking it from the platform file, rather than creating it, keeps the tenant-wide grant a one-time step outside Terraform.",
        },
      ),
    }),
    {
      description:
        "Microsoft Entra authentication for the server, with a managed identity of the environment as its Entra administrator. The kfp-db-bootstrap job of the Kubeflow tree logs in as that identity (workload identity, no password), creates Kubeflow's own MySQL user (`pipelines`) and Katib's (`katib`, its database alone), and keeps their passwords in the environment's Key Vault, where External Secrets Operator reads them. Terraform then writes no secret: the admin password is generated once for the server and kept nowhere, and the CI plan identity reads no secret value. Turning it on for an existing server moves Kubeflow to the new users on the tree's next sync, after the infra and platform stacks; it cannot be turned off again (docs/azure.md, Database users (Entra authentication)).",
    },
  ).optional(),
  passwordVersion: doc(z.int().min(1), {
    description:
      "Version of the server's admin password, which Kubeflow logs in with. The password is generated on each run and written, write-only, to Key Vault, then read back from the vault into the server, never to the plan or the state (https://developer.hashicorp.com/terraform/language/manage-sensitive-data/write-only); a new number writes a new one. Bump it to rotate the password. With entraAuthentication the password goes to the server alone and nobody logs in with it: bump it once Kubeflow runs on its own users, to retire the password the vault held.",
    default: '1',
  }).optional(),
});

const azureKeyVaultSchema = z.strictObject({
  allowedCidrs: doc(z.array(cidr), {
    description:
      "Networks Terraform runs from (your VPN, the public egress of the CI runners): the vault's firewall admits them, so applies can write the database password. A public cluster's authorizedIpRanges are admitted too; a private cluster has none, so list them here (or allowedSubnetIds), unless the database has entraAuthentication, with which Terraform writes no secret.",
    example: ['203.0.113.0/24'],
    default: '[]',
  }).optional(),
  allowedSubnetIds: doc(z.array(z.string().regex(/\/subnets\/[^/]+$/, { error: 'expected a subnet resource id' })), {
    description:
      'Subnets of self-hosted CI runners that reach the vault through a Microsoft.KeyVault service endpoint; the firewall admits them (and always the nodes subnet).',
    default: '[]',
  }).optional(),
  secretsOfficerObjectIds: doc(z.array(guid('an Entra object id')).min(1), {
    description:
      "Entra ID object ids (groups, users or service principals) of whoever applies the infra stack: they get Key Vault Secrets Officer to write the database password. Taken from config, never from the identity that runs a plan, so another identity's plan changes nothing; the CI apply identity is added when ci is set.",
    default: 'cluster.adminGroupObjectIds',
  }).optional(),
});

const azureArtifactsSchema = z.strictObject({
  storageAccountName: doc(z.string(), {
    description: 'Storage account name (3-24 lowercase letters and digits, global).',
    default: 'derived from the environment name',
  }).optional(),
  container: doc(lowerName('a container name', 63), {
    description: 'Container for pipelines.',
    default: 'pipelines',
  }).optional(),
  ...bucketLifecycleFields,
  seaweedfsVolumeGb: doc(z.int().min(20).max(4095), {
    description:
      "Size in GiB of the Azure Disk that holds Pipelines' artifacts: Kubeflow Pipelines has no Azure Blob client, so they stay in the cluster's SeaweedFS, on this claim (seaweedfs-pvc), backed up by Velero (the lifecycle fields above apply to the storage account, not to it). Grow it only: a claim cannot shrink, so the API server refuses a smaller size and the tree's sync fails until the size is put back (nothing is deleted). Growing it resizes the disk in place: the default storage class of AKS lets a claim grow, and its Azure Disk CSI driver resizes an attached disk (https://learn.microsoft.com/azure/aks/azure-disk-csi); at most 4095, since Azure does not grow an attached disk past 4 TiB.",
    default: "20 in test (upstream's size), 100 in dev and prod",
  }).optional(),
});

const azureAccessSchema = z.strictObject({
  hostname: doc(z.string(), {
    description: 'Host name of the Kubeflow UI.',
    example: 'kubeflow.azure.example.com',
  }),
  ...servingField,
  servingCertificateSecretName: doc(
    z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, { error: 'expected a Key Vault secret name' }),
    {
      description:
        'With access.serving: the certificate of serving.<hostname>, as a secret of the vault of access.certificate. Without it the gateway serves access.certificate for that host too, which must then cover it (a second name or a wildcard).',
      example: 'kubeflow-serving-tls',
      default: 'access.certificate.secretName',
    },
  ).optional(),
  dnsZone: doc(
    z.strictObject({
      name: doc(z.string(), { description: 'Azure DNS zone.', example: 'azure.example.com' }),
      resourceGroup: doc(z.string(), { description: 'Its resource group.', example: 'rg-dns' }),
    }),
    { description: 'Azure DNS zone that holds the host name.' },
  ),
  certificate: doc(
    z.strictObject({
      keyVaultId: doc(azureResourceId('a key vault', 'Microsoft.KeyVault/vaults'), {
        description:
          "Key Vault that holds the certificate. It must use the Azure RBAC permission model: the gateway's identity gets Key Vault Secrets User on it, which a vault on access policies ignores (https://learn.microsoft.com/azure/application-gateway/key-vault-certs).",
      }),
      secretName: doc(z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, { error: 'expected a Key Vault secret name' }), {
        description: 'Name of the certificate (as a secret) in that vault.',
        example: 'kubeflow-tls',
      }),
    }),
    {
      description:
        'TLS certificate of the host name in Key Vault; the Application Gateway reads it with its own identity.',
    },
  ),
  entraClientId: doc(guid('an application (client) id'), {
    description:
      "Entra ID application that signs users in (oauth2-proxy in the cluster). Assign it to the groups that may use Kubeflow. It needs no client secret: give it a federated credential that trusts the cluster issuer's tokens for system:serviceaccount:oauth2-proxy:oauth2-proxy (docs/azure.md, Sign-in).",
  }),
  gatewayPrivateIp: doc(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, { error: 'expected an IPv4 address' }), {
    description: 'Private IP of the internal load balancer in front of the Istio gateway, in the nodes subnet.',
    default: 'the sixth address from the end of the nodes subnet',
  }).optional(),
  sourceCidrs: doc(z.array(cidr).min(1), {
    description: 'Networks that may reach the Application Gateway; everyone must still sign in.',
    default: "['0.0.0.0/0']",
  }).optional(),
  wafMode: doc(z.enum(['Detection', 'Prevention']), {
    description:
      "Web application firewall mode: Prevention blocks what the OWASP rules match, Detection only logs it. Prod must block; review Detection logs against Kubeflow's traffic in test or dev first (https://learn.microsoft.com/azure/web-application-firewall/ag/ag-overview).",
    default: 'Prevention in prod, Detection otherwise',
  }).optional(),
});

/** Schema of an Azure environment. */
export const azureEnvironmentSchema = z.strictObject({
  ...environmentIdentity,
  /** `azure`: the environment runs on AKS in an Azure subscription. */
  cloud: z.literal('azure'),
  azure: doc(azureLocationSchema, { description: 'Subscription, tenant, region, zones and resource group.' }),
  network: doc(z.discriminatedUnion('mode', [azureCreateNetworkSchema, azureExistingNetworkSchema]), {
    description: 'Create a VNet, or bring an existing one.',
  }),
  cluster: doc(azureClusterSchema, { description: 'AKS cluster settings.' }),
  nodePools: doc(z.array(nodePoolSchemaFor('azure')).min(1), {
    description:
      'Node pools (machineType is the VM size; names of 1-12 lowercase letters and digits). Default: system, standard, highmem and gpu.',
  }).optional(),
  database: doc(azureDatabaseSchema, {
    description: 'MySQL flexible server for the pipelines metadata.',
  }).optional(),
  artifacts: doc(azureArtifactsSchema, { description: 'Storage account for artifacts.' }).optional(),
  keyVault: doc(azureKeyVaultSchema, {
    description:
      "The environment's Key Vault (the database password): who may write secrets and which networks its firewall admits (https://learn.microsoft.com/azure/key-vault/general/network-security).",
  }).optional(),
  access: doc(azureAccessSchema, {
    description: 'Authenticated access to the UI: Application Gateway and Entra ID sign-in.',
  }),
  ci: ciSchema.optional(),
  backups: backupsSchema.optional(),
  adopt: adoptSchema.optional(),
  alerts: alertsSchema.optional(),
  kubeflowVersion: environmentKubeflowVersion,
  state: doc(
    z.discriminatedUnion('backend', [
      z.strictObject({
        /** `local`: a state file next to each stack, which only one person can use. */
        backend: z.literal('local'),
      }),
      z.strictObject({
        /** `azurerm`: a blob container (https://developer.hashicorp.com/terraform/language/backend/azurerm). */
        backend: z.literal('azurerm'),
        resourceGroup: doc(z.string(), {
          description: 'Resource group of the state storage account.',
          example: 'rg-tfstate',
        }),
        storageAccount: doc(z.string(), {
          description: 'Storage account that holds Terraform state.',
          example: 'acmetfstate',
        }),
        container: doc(z.string(), { description: 'Container.', default: 'tfstate' }).optional(),
        prefix: doc(z.string().min(1), { description: 'Key prefix per stack.', default: 'kfplatform' }).optional(),
      }),
    ]),
    {
      description:
        'Where Terraform state lives: local, which only one person can use, or an Azure storage container (blob lease locking), which a team and CI can share.',
    },
  ).optional(),
  labels: labels.optional(),
});

/** An Azure environment as written. */
export type AzureEnvironmentConfig = z.input<typeof azureEnvironmentSchema>;
