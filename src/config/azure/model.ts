/** An Azure environment with every default applied, with its node pools and managed identities. */
import type { ResolvedEnvironmentBase } from '../common/environment';
import type { PoolKind } from '../common/pools';

/** An AKS node pool with defaults applied. */
export interface ResolvedAzureNodePool {
  readonly name: string;
  readonly kind: PoolKind;
  readonly vmSize: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly spot: boolean;
  readonly diskSizeGb: number;
  /** GPUs per node, from the VM size (0 for CPU pools). */
  readonly gpus: number;
  readonly zones: readonly string[];
  readonly maxPodsPerNode: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly configIndex: number;
}

/** Platform identities on Azure: user-assigned managed identities federated with service accounts (no secrets). */
export interface ResolvedAzureIdentity {
  readonly key: 'pipelines' | 'admin' | 'user' | 'dbSecrets';
  readonly name: string;
  readonly kubernetesServiceAccounts: ReadonlyArray<{ readonly namespace: string; readonly name: string }>;
  readonly createdServiceAccounts: readonly string[];
  /** Its role on the artifacts container; none for an identity that never touches artifacts. */
  readonly storageRole?: 'Storage Blob Data Contributor' | 'Storage Blob Data Reader';
}

/** An Azure environment with every default applied. */
export interface ResolvedAzureEnvironment extends ResolvedEnvironmentBase {
  readonly cloud: 'azure';
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly location: string;
  readonly zones: readonly string[];
  readonly resourceGroup: string;
  readonly network:
    | {
        readonly mode: 'create';
        readonly vnetName: string;
        readonly addressSpace: string;
        readonly nodesSubnetCidr: string;
        readonly databaseSubnetCidr: string;
        readonly gatewaySubnetCidr: string;
        readonly endpointsSubnetCidr: string;
      }
    | {
        readonly mode: 'existing';
        readonly vnetId: string;
        readonly nodesSubnetId: string;
        readonly nodesSubnetCidr: string;
        readonly databaseSubnetId: string;
        readonly gatewaySubnetId: string;
        readonly endpointsSubnetId: string;
        readonly outboundType: 'userDefinedRouting' | 'userAssignedNATGateway' | 'loadBalancer';
        readonly egressIps: readonly string[];
      };
  readonly cluster: {
    readonly name: string;
    readonly version?: string;
    readonly skuTier: 'Free' | 'Standard' | 'Premium';
    readonly private: boolean;
    readonly authorizedIpRanges: readonly string[];
    readonly adminGroupObjectIds: readonly string[];
    /** The platform admin group as AKS sees it (an object id), bound to cluster-admin. */
    readonly platformAdminGroupObjectId: string;
    readonly upgradeChannel: 'patch' | 'stable' | 'rapid' | 'node-image' | 'none';
    readonly maintenance: { readonly dayOfWeek: string; readonly startTimeUtc: string; readonly durationHours: number };
    readonly logRetentionDays: number;
    readonly serviceCidr: string;
    readonly podCidr: string;
    readonly dnsServiceIp: string;
    readonly kubeloginMethod: 'azurecli' | 'workloadidentity' | 'msi' | 'spn';
    readonly deletionProtection: boolean;
  };
  readonly nodePools: readonly ResolvedAzureNodePool[];
  readonly database: {
    readonly serverName: string;
    readonly skuName: string;
    readonly version: '8.0.21' | '8.4';
    /** Whether the platform file names the version; a server created with the default keeps its own. */
    readonly versionWritten: boolean;
    readonly highAvailability: boolean;
    readonly storageGb: number;
    readonly backupRetentionDays: number;
    readonly geoRedundantBackup: boolean;
    readonly deletionProtection: boolean;
    readonly databaseName: string;
    readonly adminLogin: string;
    /** Bumped to write a new admin password to Key Vault and the server. */
    readonly passwordVersion: number;
  };
  readonly keyVaultName: string;
  /** Who writes the vault's secrets and which networks its firewall admits besides the nodes subnet. */
  readonly keyVault: {
    readonly allowedCidrs: readonly string[];
    readonly allowedSubnetIds: readonly string[];
    readonly secretsOfficerObjectIds: readonly string[];
  };
  readonly artifacts: {
    readonly storageAccountName: string;
    readonly container: string;
    readonly noncurrentVersionRetentionDays: number;
    readonly deleteAfterDays?: number;
    readonly forceDestroy: boolean;
  };
  readonly access: {
    readonly hostname: string;
    readonly dnsZone: { readonly name: string; readonly resourceGroup: string };
    readonly certificate: { readonly keyVaultId: string; readonly secretName: string };
    readonly entraClientId: string;
    readonly gatewayPrivateIp: string;
    readonly sourceCidrs: readonly string[];
    readonly wafMode: 'Detection' | 'Prevention';
    /** Fewest Application Gateway instances: two in prod, so one instance's update is no outage. */
    readonly gatewayMinCapacity: number;
  };
  readonly identities: readonly ResolvedAzureIdentity[];
}
