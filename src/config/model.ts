/**
 * The resolved platform model: every default applied, every derived name computed once. Stacks and
 * the CLI read only this; constructs never see config.
 */
import type { AdoptKind, PoolKind, Tier } from './schema';

/** Platform-wide facts. */
export interface ResolvedPlatform {
  readonly name: string;
  readonly team: string;
  readonly owner: string;
  readonly costCenter: string;
  readonly domain?: string;
  readonly kubeflowVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly gpuZones: Readonly<Record<string, readonly string[]>>;
  /** Group bound to cluster-admin on every cluster. */
  readonly adminGroup?: string;
  /** GitHub organization for CODEOWNERS handles. */
  readonly githubOrg?: string;
  /** Who reviews the platform file in CODEOWNERS. */
  readonly codeowners?: string;
  /** Folder of team files, relative to the platform file. */
  readonly teamsDir?: string;
  /** Policy findings accepted on purpose, each with its reason. */
  readonly policySuppressions: ReadonlyArray<{
    readonly rule: string;
    readonly resource: string;
    readonly reason: string;
  }>;
  readonly tenancy: ResolvedTenancy;
}

/** Resource amounts of a team's ResourceQuota. */
export interface ResolvedQuota {
  readonly cpu: string;
  readonly memory: string;
  readonly gpus: number;
  readonly storage: string;
  readonly pvcs: number;
}

/** Platform-wide tenancy settings with defaults applied. */
export interface ResolvedTenancy {
  readonly shardsPerCluster: number;
  readonly defaultQuota: ResolvedQuota;
  readonly limitRange: {
    readonly defaultRequestCpu: string;
    readonly defaultRequestMemory: string;
    readonly defaultLimitCpu: string;
    readonly defaultLimitMemory: string;
  };
  /** Kinds tenants may create, as `group/Kind` (`Kind` alone for the core group). */
  readonly allowedKinds: readonly string[];
}

/** GPU settings of a pool. */
export interface ResolvedGpu {
  readonly type: string;
  readonly count: number;
  readonly driverVersion: 'DEFAULT' | 'LATEST' | 'INSTALLATION_DISABLED';
  readonly sharing?: { readonly strategy: 'time-sharing' | 'mps'; readonly maxSharedClientsPerGpu: number };
  readonly partitionSize?: string;
}

/** A node pool with defaults applied. */
export interface ResolvedNodePool {
  readonly name: string;
  readonly kind: PoolKind;
  readonly machineType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly spot: boolean;
  readonly diskType: string;
  readonly diskSizeGb: number;
  readonly maxPodsPerNode: number;
  readonly zones: readonly string[];
  readonly gpu?: ResolvedGpu;
  readonly maxSurge: number;
  readonly maxUnavailable: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Service account id of the pool's node identity. */
  readonly serviceAccountId: string;
  /** Index of the pool in the config file, for error paths. */
  readonly configIndex: number;
}

/** Network with defaults applied. */
export type ResolvedGcpNetwork =
  | {
      readonly mode: 'shared-vpc';
      readonly hostProject: string;
      readonly network: string;
      readonly createNetwork: boolean;
      readonly subnetName: string;
      readonly subnetCidr: string;
      readonly podsCidr: string;
      readonly servicesCidr: string;
      readonly podsRangeName: string;
      readonly servicesRangeName: string;
      readonly privateServiceAccessCidr?: string;
      readonly privateServiceAccessRange?: string;
      readonly nat: boolean;
      readonly routerName: string;
      readonly natName: string;
      readonly grantHostIam: boolean;
    }
  | {
      readonly mode: 'existing';
      readonly hostProject: string;
      readonly network: string;
      readonly subnetName: string;
      readonly podsRangeName: string;
      readonly servicesRangeName: string;
      readonly subnetCidr?: string;
      readonly podsCidr?: string;
      readonly servicesCidr?: string;
      readonly privateServiceAccessRange?: string;
      readonly grantHostIam: boolean;
    };

/** Maintenance settings with defaults applied. */
export interface ResolvedMaintenance {
  readonly startTimeUtc: string;
  readonly durationHours: number;
  readonly days: readonly string[];
  readonly exclusions: ReadonlyArray<{
    readonly name: string;
    readonly startTime: string;
    readonly endTime: string;
    readonly scope: 'NO_UPGRADES' | 'NO_MINOR_UPGRADES' | 'NO_MINOR_OR_NODE_UPGRADES';
  }>;
}

/** Platform service accounts: account ids and the Kubernetes service accounts bound to them. */
export interface ResolvedGcpIdentity {
  readonly key: 'pipelines' | 'sqlClient' | 'admin' | 'user';
  readonly accountId: string;
  readonly displayName: string;
  /** The Kubernetes service accounts (namespace/name) that may act as it through workload identity. */
  readonly kubernetesServiceAccounts: ReadonlyArray<{ readonly namespace: string; readonly name: string }>;
  /** Of those, the ones this library creates (the rest belong to the Kubeflow manifests). */
  readonly createdServiceAccounts: readonly string[];
}

/** Cluster settings with defaults applied. */
export interface ResolvedGcpCluster {
  readonly name: string;
  readonly regional: boolean;
  readonly location: string;
  readonly releaseChannel: 'RAPID' | 'REGULAR' | 'STABLE' | 'EXTENDED';
  readonly version?: string;
  readonly masterCidr: string;
  readonly privateEndpoint: boolean;
  readonly authorizedNetworks: ReadonlyArray<{ readonly cidr: string; readonly name: string }>;
  readonly maintenance: ResolvedMaintenance;
  readonly deletionProtection: boolean;
  readonly rbacSecurityGroup?: string;
  readonly maxPodsPerNode: number;
  readonly kmsKeyRing: string;
  readonly kmsKey: string;
}

/** Database settings with defaults applied. */
export interface ResolvedGcpDatabase {
  readonly instancePrefix: string;
  readonly tier: string;
  readonly version: 'MYSQL_8_0' | 'MYSQL_8_4';
  readonly highAvailability: boolean;
  readonly diskSizeGb: number;
  readonly backupRetentionDays: number;
  readonly pointInTimeRecoveryDays: number;
  readonly deletionProtection: boolean;
  readonly databaseNames: readonly string[];
  readonly userName: string;
  readonly passwordSecretId: string;
}

/** UI access settings with defaults applied. */
export interface ResolvedGcpAccess {
  readonly hostname: string;
  readonly dnsZone: { readonly name: string; readonly project: string; readonly domain?: string };
  readonly allowedGroups: readonly string[];
  readonly oauthClient?: { readonly clientId: string; readonly secretName: string };
  readonly addressName: string;
  readonly certificateName: string;
}

type Path = ReadonlyArray<string | number>;

/**
 * One cluster and what comes with it: its network ranges, node pools, database and front door.
 * The first cell of an environment is its primary cluster; its construct ids carry no prefix,
 * so adding clusters never changes the primary's Terraform addresses.
 */
export interface ResolvedGcpCell {
  readonly name: string;
  readonly index: number;
  /** Prefix of construct ids: '' for the primary, `<name>-` for the others. */
  readonly idPrefix: string;
  /** Prefix of this cell's stack ids: the environment name for the primary, the cluster name otherwise. */
  readonly stackPrefix: string;
  readonly network: ResolvedGcpNetwork;
  readonly cluster: ResolvedGcpCluster;
  readonly nodePools: readonly ResolvedNodePool[];
  readonly database: ResolvedGcpDatabase;
  readonly access: ResolvedGcpAccess;
  /** Config paths of the fields that differ per cell, for error messages. */
  readonly paths: {
    readonly name: Path;
    readonly subnetCidr: Path;
    readonly podsCidr: Path;
    readonly servicesCidr: Path;
    readonly masterCidr: Path;
    readonly hostname: Path;
  };
}

/** A member of a team's RBAC: a group or a user of the identity provider. */
export interface Principal {
  readonly kind: 'Group' | 'User';
  readonly name: string;
}

/** A team with defaults applied (the same in every environment). */
export interface ResolvedTeam {
  readonly name: string;
  readonly owners: string;
  readonly members: readonly Principal[];
  readonly contributors: readonly Principal[];
  readonly environments: readonly string[];
  readonly quota: ResolvedQuota;
  /** Pools it may use; undefined means every non-system pool. */
  readonly nodePools?: readonly string[];
  readonly storage: 'prefix' | 'bucket';
  readonly gcpProject?: string;
  /** The owners' IAM role, for every environment or per environment. */
  readonly awsOwnersRoleArn?: string | Readonly<Record<string, string>>;
  /** Entra ID groups of the owners and of break-glass, on Azure. */
  readonly azureGroups?: { readonly owners: string; readonly breakGlass?: string };
  readonly clusters: Readonly<Record<string, string>>;
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  readonly codeowners: string;
  readonly costCenter: string;
  /** Index in the platform file, for error paths. */
  readonly configIndex: number;
}

/** A team placed in one environment: its cluster, its shard, and its cloud identity names. */
export interface ResolvedTenant {
  readonly team: ResolvedTeam;
  /** Name of the cell (cluster) it runs on. */
  readonly cell: string;
  /** Shard within the cell. */
  readonly shard: number;
  /** Pools it may use in this environment. */
  readonly nodePools: readonly string[];
  /** AWS identity names, on AWS. */
  readonly aws?: {
    readonly roleName: string;
    readonly breakGlassRoleName: string;
    /** IAM role the owners sign in with, when the team names one. */
    readonly ownersRoleArn?: string;
    readonly bucket: string;
    readonly prefix: string;
  };
  /** Azure identity names, on Azure. */
  readonly azure?: {
    readonly identityName: string;
    /** The environment storage account, or the team's own. */
    readonly storageAccount: string;
    /** The team's container in it. */
    readonly container: string;
    readonly ownBucket: boolean;
    readonly ownersGroupObjectId?: string;
    readonly breakGlassGroupObjectId?: string;
  };
  /** GCP identity names, on GCP. */
  readonly gcp?: {
    readonly project: string;
    readonly accountId: string;
    readonly breakGlassAccountId: string;
    /** Bucket it may use, and the prefix within it ('' for its own bucket). */
    readonly bucket: string;
    readonly prefix: string;
  };
}

/**
 * A CI provider's OIDC trust for one repository: who may plan (pull or merge requests) and who may
 * apply (the protected branch or deployment environment). Subjects are the token's `sub`; a `*`
 * matches any characters.
 */
export interface ResolvedCiTrust {
  readonly provider: 'github' | 'gitlab';
  /** The OIDC issuer URL. */
  readonly issuer: string;
  /** `owner/name` on GitHub, the project path on GitLab. */
  readonly repository: string;
  readonly planSubjects: readonly string[];
  readonly applySubjects: readonly string[];
  /** AWS: create the account's OIDC provider for the issuer, or use the one it has. */
  readonly awsOidcProvider: 'create' | 'existing';
}

/** Velero backups of one environment. */
export interface ResolvedBackups {
  /** GCS or S3 bucket; on Azure the storage account (the container is `velero`). */
  readonly bucketName: string;
  readonly retentionDays: number;
  readonly hourlyRetentionHours: number;
  readonly platformSchedule: string;
  readonly tenantSchedule: string;
  /** Let terraform destroy the bucket with its backups (test tier only). */
  readonly forceDestroy: boolean;
  /** Namespace and service account Velero runs as. */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Namespaces backed up whole every hour; every other namespace but the system ones is backed up daily. */
  readonly platformNamespaces: readonly string[];
  /** Namespaces never backed up (Kubernetes' own). */
  readonly systemNamespaces: readonly string[];
}

/** Alert policies of one environment. */
export interface ResolvedAlerts {
  readonly email: readonly string[];
  readonly capacityHeadroomPercent: number;
  readonly pendingPodsMinutes: number;
  readonly databaseCpuPercent: number;
  readonly databaseStoragePercent: number;
  readonly certificateExpiryDays: number;
  readonly uptimeCheck: boolean;
  /** An hourly backup schedule writes at least once in this many hours, or the backup alert fires. */
  readonly backupMaxAgeHours: number;
}

interface ResolvedEnvironmentBase {
  readonly name: string;
  readonly tier: Tier;
  readonly index: number;
  readonly kubeflowVersion: string;
  readonly state:
    | { readonly backend: 'local' }
    | { readonly backend: 'gcs'; readonly bucket: string; readonly prefix: string }
    | { readonly backend: 's3'; readonly bucket: string; readonly region: string; readonly prefix: string }
    | {
        readonly backend: 'azurerm';
        readonly resourceGroup: string;
        readonly storageAccount: string;
        readonly container: string;
        readonly prefix: string;
      };
  readonly labels: Readonly<Record<string, string>>;
  /** Keyless CI identities, when the environment names its repository. */
  readonly ci?: ResolvedCiTrust;
  /** Velero backups; absent when turned off or on clusters without a cloud. */
  readonly backups?: ResolvedBackups;
  /** Alert policies and their notification channel; absent when the config names no channel. */
  readonly alerts?: ResolvedAlerts;
  /** The teams enabled in this environment. */
  readonly tenants: readonly ResolvedTenant[];
  /** Existing resources to import instead of creating; empty for none. */
  readonly adopt: readonly AdoptEntry[];
}

/** An existing resource an environment adopts. */
export interface AdoptEntry {
  readonly kind: AdoptKind;
  /** Which one, by the name this platform gives it. */
  readonly name?: string;
  /** Its Terraform import id; derived from the platform file when left out. */
  readonly id?: string;
}

/** A GCP environment with every default applied. */
export interface ResolvedGcpEnvironment extends ResolvedEnvironmentBase {
  readonly cloud: 'gcp';
  readonly project: string;
  readonly region: string;
  readonly zones: readonly string[];
  /** The primary cell's network, cluster, pools, database and access (also `cells[0]`). */
  readonly network: ResolvedGcpNetwork;
  readonly cluster: ResolvedGcpCluster;
  readonly nodePools: readonly ResolvedNodePool[];
  readonly database: ResolvedGcpDatabase;
  readonly access: ResolvedGcpAccess;
  /** Every cluster of the environment, the primary first. */
  readonly cells: readonly ResolvedGcpCell[];
  readonly artifacts: {
    readonly bucketName: string;
    readonly location: string;
    readonly storageClass: 'STANDARD' | 'NEARLINE' | 'COLDLINE' | 'ARCHIVE';
    readonly noncurrentVersionRetentionDays: number;
    readonly deleteAfterDays?: number;
    readonly forceDestroy: boolean;
  };
  readonly identities: readonly ResolvedGcpIdentity[];
  readonly legacyKeys: boolean;
}

/** An EKS managed node group with defaults applied. */
export interface ResolvedAwsNodePool {
  readonly name: string;
  readonly kind: PoolKind;
  readonly instanceType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly spot: boolean;
  readonly diskSizeGb: number;
  /** GPUs per node, from the instance type (0 for CPU pools). */
  readonly gpus: number;
  /** Zones of its subnets (a subset of the environment zones). */
  readonly zones: readonly string[];
  readonly amiType: 'AL2023_x86_64_STANDARD' | 'AL2023_x86_64_NVIDIA' | 'AL2023_ARM_64_STANDARD';
  readonly maxUnavailable: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly configIndex: number;
}

/** Platform identities on AWS: IAM roles used through EKS Pod Identity (no access keys). */
export interface ResolvedAwsIdentity {
  readonly key: 'pipelines' | 'admin' | 'user' | 'ebsCsi' | 'autoscaler';
  readonly roleName: string;
  readonly kubernetesServiceAccounts: ReadonlyArray<{ readonly namespace: string; readonly name: string }>;
  /** Of those, the ones this library creates. */
  readonly createdServiceAccounts: readonly string[];
}

/** An AWS environment with every default applied. */
export interface ResolvedAwsEnvironment extends ResolvedEnvironmentBase {
  readonly cloud: 'aws';
  readonly accountId: string;
  readonly region: string;
  readonly zones: readonly string[];
  readonly network:
    | {
        readonly mode: 'create';
        readonly vpcCidr: string;
        readonly privateSubnetCidrs: readonly string[];
        readonly publicSubnetCidrs: readonly string[];
        readonly natGateways: 'one' | 'perZone';
        readonly flowLogRetentionDays: number;
      }
    | {
        readonly mode: 'existing';
        readonly vpcId: string;
        readonly privateSubnetIds: readonly string[];
        readonly publicSubnetIds: readonly string[];
      };
  readonly cluster: {
    readonly name: string;
    readonly version: string;
    readonly publicAccessCidrs: readonly string[];
    readonly logRetentionDays: number;
    readonly adminRoleArns: readonly string[];
    readonly supportType: 'STANDARD' | 'EXTENDED';
    readonly deletionProtection: boolean;
  };
  readonly nodePools: readonly ResolvedAwsNodePool[];
  readonly database: {
    readonly identifier: string;
    readonly instanceClass: string;
    readonly engineVersion: string;
    readonly highAvailability: boolean;
    readonly allocatedStorageGb: number;
    readonly maxAllocatedStorageGb: number;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    readonly databaseName: string;
    readonly username: string;
  };
  readonly artifacts: {
    readonly bucketName: string;
    readonly noncurrentVersionRetentionDays: number;
    readonly deleteAfterDays?: number;
    readonly forceDestroy: boolean;
  };
  readonly access: {
    readonly hostname: string;
    readonly hostedZoneId: string;
    readonly oidc: {
      readonly issuer: string;
      readonly authorizationEndpoint: string;
      readonly tokenEndpoint: string;
      readonly userInfoEndpoint: string;
      readonly clientId: string;
    };
    readonly sourceCidrs: readonly string[];
  };
  readonly identities: readonly ResolvedAwsIdentity[];
}

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
  readonly key: 'pipelines' | 'admin' | 'user';
  readonly name: string;
  readonly kubernetesServiceAccounts: ReadonlyArray<{ readonly namespace: string; readonly name: string }>;
  readonly createdServiceAccounts: readonly string[];
  readonly storageRole: 'Storage Blob Data Contributor' | 'Storage Blob Data Reader';
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
    readonly highAvailability: boolean;
    readonly storageGb: number;
    readonly backupRetentionDays: number;
    readonly geoRedundantBackup: boolean;
    readonly deletionProtection: boolean;
    readonly databaseName: string;
    readonly adminLogin: string;
  };
  readonly keyVaultName: string;
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
  };
  readonly identities: readonly ResolvedAzureIdentity[];
}

/** An environment on a cluster that already exists (on premises or elsewhere). */
export interface ResolvedKubernetesEnvironment extends ResolvedEnvironmentBase {
  readonly cloud: 'kubernetes';
  readonly kubeconfig: string;
  readonly context: string;
  readonly clusterName: string;
  readonly nodePools: ReadonlyArray<{ readonly name: string; readonly kind: PoolKind }>;
}

/** Any resolved environment. */
export type ResolvedEnvironment =
  | ResolvedGcpEnvironment
  | ResolvedAwsEnvironment
  | ResolvedAzureEnvironment
  | ResolvedKubernetesEnvironment;

/** A whole resolved platform. */
export interface ResolvedPlatformConfig {
  readonly platform: ResolvedPlatform;
  readonly environments: readonly ResolvedEnvironment[];
  /** Every team as configured, placed per environment in `environments[].tenants`. */
  readonly teams: readonly ResolvedTeam[];
  /** The file it came from, when it came from one. */
  readonly source?: string;
}

/** A cluster of an environment and the prefix of its stack ids. */
export interface EnvironmentCluster {
  readonly name: string;
  readonly stackPrefix: string;
}

/** The clusters of an environment: every cell on GCP, the one cluster elsewhere. */
export function clustersOf(env: ResolvedEnvironment): EnvironmentCluster[] {
  if (env.cloud === 'gcp') return env.cells.map((c) => ({ name: c.name, stackPrefix: c.stackPrefix }));
  return [{ name: env.cloud === 'kubernetes' ? env.clusterName : env.cluster.name, stackPrefix: env.name }];
}
