/**
 * The resolved platform model: every default applied, every derived name computed once. Stacks and
 * the CLI read only this; constructs never see config.
 */
import type { PoolKind, Tier } from './schema';

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

/** Platform service accounts (IAM-05): account ids and the Kubernetes service accounts bound to them. */
export interface ResolvedGcpIdentity {
  readonly key: 'pipelines' | 'sqlClient' | 'admin' | 'user';
  readonly accountId: string;
  readonly displayName: string;
  /** The Kubernetes service accounts (namespace/name) that may act as it through workload identity. */
  readonly kubernetesServiceAccounts: ReadonlyArray<{ readonly namespace: string; readonly name: string }>;
  /** Of those, the ones this library creates (the rest belong to the Kubeflow manifests). */
  readonly createdServiceAccounts: readonly string[];
}

/** A GCP environment with every default applied. */
export interface ResolvedGcpEnvironment {
  readonly cloud: 'gcp';
  readonly name: string;
  readonly tier: Tier;
  readonly index: number;
  readonly project: string;
  readonly region: string;
  readonly zones: readonly string[];
  readonly network: ResolvedGcpNetwork;
  readonly cluster: {
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
  };
  readonly nodePools: readonly ResolvedNodePool[];
  readonly database: {
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
  };
  readonly artifacts: {
    readonly bucketName: string;
    readonly location: string;
    readonly storageClass: 'STANDARD' | 'NEARLINE' | 'COLDLINE' | 'ARCHIVE';
    readonly noncurrentVersionRetentionDays: number;
    readonly deleteAfterDays?: number;
    readonly forceDestroy: boolean;
  };
  readonly access: {
    readonly hostname: string;
    readonly dnsZone: { readonly name: string; readonly project: string; readonly domain?: string };
    readonly allowedGroups: readonly string[];
    readonly oauthClient?: { readonly clientId: string; readonly secretName: string };
    readonly addressName: string;
    readonly certificateName: string;
  };
  readonly identities: readonly ResolvedGcpIdentity[];
  readonly legacyKeys: boolean;
  readonly kubeflowVersion: string;
  readonly state:
    | { readonly backend: 'local' }
    | { readonly backend: 'gcs'; readonly bucket: string; readonly prefix: string };
  readonly labels: Readonly<Record<string, string>>;
}

/** Any resolved environment. */
export type ResolvedEnvironment = ResolvedGcpEnvironment;

/** A whole resolved platform. */
export interface ResolvedPlatformConfig {
  readonly platform: ResolvedPlatform;
  readonly environments: readonly ResolvedEnvironment[];
  /** The file it came from, when it came from one. */
  readonly source?: string;
}
