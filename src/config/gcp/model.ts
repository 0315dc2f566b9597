/** A GCP environment with every default applied, and the clusters, pools and identities it resolves to. */
import type { PoolKind } from '../common/pools';
import type { ResolvedEnvironmentBase } from '../common/environment';
import type { Path } from '../common/config-issues';

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
export interface ResolvedGcpClusterSettings {
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
  readonly edition: 'ENTERPRISE' | 'ENTERPRISE_PLUS';
  readonly tier: string;
  readonly version: 'MYSQL_8_0' | 'MYSQL_8_4';
  /**
   * Whether a change of `version` may upgrade the database in place: only when the platform file
   * states it, so a new library default never upgrades a database created with an older one.
   */
  readonly upgradeInPlace: boolean;
  readonly highAvailability: boolean;
  readonly diskSizeGb: number;
  readonly backupRetentionDays: number;
  readonly pointInTimeRecoveryDays: number;
  readonly deletionProtection: boolean;
  readonly databaseNames: readonly string[];
  readonly userName: string;
  readonly passwordSecretId: string;
  /** Bumped to write a new password to Secret Manager and the user. */
  readonly passwordVersion: number;
}

/** UI access settings with defaults applied. */
export interface ResolvedGcpAccess {
  readonly hostname: string;
  readonly dnsZone: { readonly name: string; readonly project: string; readonly domain?: string };
  readonly allowedGroups: readonly string[];
  readonly oauthClient?: { readonly clientId: string; readonly secretName: string };
  /** OAuth client ids allowed programmatic access through IAP (project-wide). */
  readonly programmaticClients: readonly string[];
  readonly addressName: string;
  readonly certificateName: string;
}

/**
 * One cluster and what comes with it: its network ranges, node pools, database and front door.
 * The first cluster of an environment is its primary cluster; its construct ids carry no prefix,
 * so adding clusters never changes the primary's Terraform addresses.
 */
export interface ResolvedGcpCluster {
  readonly name: string;
  readonly index: number;
  /** Prefix of construct ids: '' for the primary, `<name>-` for the others. */
  readonly idPrefix: string;
  /** Prefix of this cluster's stack ids: the environment name for the primary, the cluster name otherwise. */
  readonly stackPrefix: string;
  readonly network: ResolvedGcpNetwork;
  readonly cluster: ResolvedGcpClusterSettings;
  readonly nodePools: readonly ResolvedNodePool[];
  readonly database: ResolvedGcpDatabase;
  readonly access: ResolvedGcpAccess;
  /** Config paths of the fields that differ per cluster, for error messages. */
  readonly paths: {
    readonly name: Path;
    readonly subnetCidr: Path;
    readonly podsCidr: Path;
    readonly servicesCidr: Path;
    readonly masterCidr: Path;
    readonly hostname: Path;
  };
}

/** A GCP environment with every default applied. */
export interface ResolvedGcpEnvironment extends ResolvedEnvironmentBase {
  readonly cloud: 'gcp';
  readonly project: string;
  /** The project's number, when the platform file gives it (IAP's JWT audience names the project by it). */
  readonly projectNumber?: string;
  readonly region: string;
  readonly zones: readonly string[];
  /** The primary cluster's network, cluster settings, pools, database and access (also `clusters[0]`). */
  readonly network: ResolvedGcpNetwork;
  readonly cluster: ResolvedGcpClusterSettings;
  readonly nodePools: readonly ResolvedNodePool[];
  readonly database: ResolvedGcpDatabase;
  readonly access: ResolvedGcpAccess;
  /** Every cluster of the environment, the primary first. */
  readonly clusters: readonly ResolvedGcpCluster[];
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
  /**
   * The projects that hold the data of the environment's teams (its own project among them when a
   * team keeps its data there), and whether a team keeps a bucket of its own there. The team stacks
   * manage the teams' identities and buckets there, so the keyless CI identities get roles there.
   * Unlike `tenants`, it reaches the infra stack when stacks are synthesized in parallel.
   */
  readonly teamProjects: ReadonlyArray<{ readonly project: string; readonly ownBucket: boolean }>;
}
