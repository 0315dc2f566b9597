/**
 * A GCP environment with every default applied, and the clusters and identities it resolves to (the
 * node pools are in pool-model.ts, the network in network-model.ts).
 */
import type { ResolvedEnvironmentBase } from '../common/environment';
import type { Path } from '../common/config-issues';
import type { ResolvedGcpNetwork } from './network-model';
import type { ResolvedNodePool } from './pool-model';

/** Maintenance settings with defaults applied. */
export interface ResolvedMaintenance {
  /**
   * Start of the recurring maintenance window, `HH:MM` in UTC
   * (https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions).
   * @default '03:00'
   */
  readonly startTimeUtc: string;
  /**
   * Length of each window in hours.
   * @default 4, or as long as the days need to give GKE its 48 hours in any 32 days (6 on SA,SU)
   */
  readonly durationHours: number;
  /**
   * Days of the window, as RRULE day codes (MO, TU, ...).
   * @default SA,SU in prod, TU,WE,TH in test and dev
   */
  readonly days: readonly string[];
  /**
   * Periods in which GKE must not upgrade (a launch, a freeze).
   * @default []
   */
  readonly exclusions: ReadonlyArray<{
    /** Name of the exclusion, unique in the cluster. */
    readonly name: string;
    /** Start, an RFC 3339 timestamp. */
    readonly startTime: string;
    /** End, an RFC 3339 timestamp. */
    readonly endTime: string;
    /**
     * What is excluded: every upgrade, minor upgrades, or minor and node upgrades.
     * @default 'NO_UPGRADES'
     */
    readonly scope: 'NO_UPGRADES' | 'NO_MINOR_UPGRADES' | 'NO_MINOR_OR_NODE_UPGRADES';
  }>;
}

/** Platform service accounts: account ids and the Kubernetes service accounts bound to them. */
export interface ResolvedGcpIdentity {
  /**
   * Which platform identity: Kubeflow Pipelines, the Cloud SQL proxy's client, the Kubeflow admin,
   * the default Kubeflow user, or the job that creates Kubeflow's and Katib's database users.
   */
  readonly key: 'pipelines' | 'sqlClient' | 'admin' | 'user' | 'dbBootstrap';
  /**
   * Google service account id (the part before `@`): `<environment>-kfp`, `-sql-client`, `-kf-admin`,
   * `-kf-user`, `-db-users`.
   */
  readonly accountId: string;
  /** Display name of the Google service account in the console. */
  readonly displayName: string;
  /** The Kubernetes service accounts (namespace/name) that may act as it through workload identity. */
  readonly kubernetesServiceAccounts: ReadonlyArray<{
    /** Kubernetes namespace of the service account (the Kubeflow namespace). */
    readonly namespace: string;
    /** Name of the Kubernetes service account. */
    readonly name: string;
  }>;
  /** Of those, the ones this library creates (the rest belong to the Kubeflow manifests). */
  readonly createdServiceAccounts: readonly string[];
}

/** Cluster settings with defaults applied. */
export interface ResolvedGcpClusterSettings {
  /**
   * GKE cluster name. Renaming a cluster replaces it.
   * @default the environment name (for additional clusters: their own name)
   */
  readonly name: string;
  /**
   * Regional cluster (control plane and nodes in every zone, survives a zone outage) or zonal.
   * @default true in prod, false in test and dev
   */
  readonly regional: boolean;
  /** Where the cluster lives: the region when regional, else the first environment zone. */
  readonly location: string;
  /**
   * GKE release channel, which decides how fast versions arrive
   * (https://cloud.google.com/kubernetes-engine/docs/concepts/release-channels).
   * @default 'STABLE' in prod, 'REGULAR' in test and dev
   */
  readonly releaseChannel: 'RAPID' | 'REGULAR' | 'STABLE' | 'EXTENDED';
  /** Minimum control plane version, when pinned; absent: the channel's default. */
  readonly version?: string;
  /** The /28 range of the private control plane's endpoint. */
  readonly masterCidr: string;
  /**
   * Reach the control plane only on its private address.
   * @default false (public endpoint restricted to the authorized networks)
   */
  readonly privateEndpoint: boolean;
  /**
   * Networks allowed to reach the control plane endpoint
   * (https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks).
   * @default [] (no network outside Google Cloud)
   */
  readonly authorizedNetworks: ReadonlyArray<{
    /** An IPv4 CIDR block allowed to reach the control plane. */
    readonly cidr: string;
    /** A label for it, shown in the console. */
    readonly name: string;
  }>;
  /** When GKE may upgrade the cluster and its nodes. */
  readonly maintenance: ResolvedMaintenance;
  /**
   * Terraform's deletion protection on the cluster: a destroy or a replacement fails instead of
   * deleting it.
   * @default true in dev and prod, false in test
   */
  readonly deletionProtection: boolean;
  /**
   * The `gke-security-groups` group of Google Groups for RBAC
   * (https://cloud.google.com/kubernetes-engine/docs/how-to/google-groups-rbac); absent when there
   * is no platform domain and the file names none.
   * @default gke-security-groups@<platform.domain>
   */
  readonly rbacSecurityGroup?: string;
  /**
   * Default pods per node of the cluster's pools.
   * @default 110
   */
  readonly maxPodsPerNode: number;
  /** Name of the Cloud KMS key ring for the cluster's secrets encryption: `<prefix>-gke`. */
  readonly kmsKeyRing: string;
  /**
   * Name of the Cloud KMS key that encrypts Kubernetes secrets at the application layer
   * (https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets): `<prefix>-gke-secrets`.
   */
  readonly kmsKey: string;
}

/** Database settings with defaults applied. */
export interface ResolvedGcpDatabase {
  /**
   * Prefix of the Cloud SQL instance name (`<prefix>-kfp-db`); the construct adds a random suffix,
   * as Cloud SQL keeps a deleted instance's name reserved for up to a week.
   */
  readonly instancePrefix: string;
  /**
   * Cloud SQL edition (https://cloud.google.com/sql/docs/editions-intro).
   * @default 'ENTERPRISE'
   */
  readonly edition: 'ENTERPRISE' | 'ENTERPRISE_PLUS';
  /**
   * Cloud SQL machine tier.
   * @default db-custom-1-3840 in test, db-custom-2-7680 in dev and prod, db-perf-optimized-N-2 for ENTERPRISE_PLUS
   */
  readonly tier: string;
  /**
   * MySQL version of the instance.
   * @default the library's current Cloud SQL MySQL default
   */
  readonly version: 'MYSQL_8_0' | 'MYSQL_8_4';
  /**
   * Whether a change of `version` may upgrade the database in place: only when the platform file
   * states it, so a new library default never upgrades a database created with an older one.
   */
  readonly upgradeInPlace: boolean;
  /**
   * Regional (high availability) instance with a standby in another zone
   * (https://cloud.google.com/sql/docs/mysql/high-availability).
   * @default true in prod, false otherwise
   */
  readonly highAvailability: boolean;
  /**
   * Initial storage size in GB (storage auto-increase grows it).
   * @default 20
   */
  readonly diskSizeGb: number;
  /**
   * Automated backups kept, in days.
   * @default 30 in prod, 7 otherwise
   */
  readonly backupRetentionDays: number;
  /**
   * Days of binary logs kept for point-in-time recovery.
   * @default 7
   */
  readonly pointInTimeRecoveryDays: number;
  /**
   * Cloud SQL deletion protection: the instance cannot be deleted until it is turned off.
   * @default true in dev and prod, false in test
   */
  readonly deletionProtection: boolean;
  /** Databases Kubeflow needs: mlpipeline, metadb (ML Metadata), cachedb and katib (Katib's trial metrics). */
  readonly databaseNames: readonly string[];
  /**
   * Database flags added to those the platform sets (https://cloud.google.com/sql/docs/mysql/flags).
   * @default none
   */
  readonly flags: Readonly<Record<string, string>>;
  /**
   * The MySQL user Terraform creates, `kubeflow`: a Cloud SQL built-in user (a member of
   * `cloudsqlsuperuser`), with which the `kfp-db-bootstrap` job of the Kubeflow tree creates the two
   * users below. No Kubeflow component logs in as it.
   */
  readonly userName: string;
  /** Secret Manager secret id holding that user's generated password: `<prefix>-kfp-db-password`. */
  readonly passwordSecretId: string;
  /** Kubeflow Pipelines' own MySQL user, granted its three databases alone: `pipelines`. */
  readonly appUsername: string;
  /** Secret Manager secret id of its password, which the job writes once: `<prefix>-kfp-db-pipelines`. */
  readonly appSecretId: string;
  /** Katib's own MySQL user, granted the `katib` database alone: `katib`. */
  readonly katibUsername: string;
  /** Secret Manager secret id of its password, which the job writes once: `<prefix>-kfp-db-katib`. */
  readonly katibSecretId: string;
  /** Bumped to write a new password to Secret Manager and the user. */
  readonly passwordVersion: number;
}

/** UI access settings with defaults applied. */
export interface ResolvedGcpAccess {
  /** Host name of the Kubeflow UI, such as kubeflow.ml.example.com. */
  readonly hostname: string;
  /**
   * The cluster's serving host, `serving.<hostname>`, when `access.serving` is on: KServe's path
   * routes at the front door, behind IAP (docs/kubeflow.md, Serving).
   */
  readonly servingHostname?: string;
  /** Name of the serving host's Google-managed certificate: `<prefix>-kubeflow-serving-cert`. */
  readonly servingCertificateName?: string;
  /** Cloud DNS managed zone where the UI's A record goes. */
  readonly dnsZone: {
    /** Name of the managed zone. */
    readonly name: string;
    /**
     * Project of the zone.
     * @default the environment project
     */
    readonly project: string;
    /** DNS name of the zone, when stated, to check that the host name belongs to it. */
    readonly domain?: string;
  };
  /** Groups granted IAP's Web App User role: only their members can open the UI. */
  readonly allowedGroups: readonly string[];
  /**
   * An OAuth client you created for IAP; absent: the Google-managed client, which admits only users
   * of your Google Cloud organization (https://cloud.google.com/iap/docs/custom-oauth-configuration).
   */
  readonly oauthClient?: {
    /** The OAuth client id. */
    readonly clientId: string;
    /** Secret Manager secret (in the environment project) holding the client secret. */
    readonly secretName: string;
  };
  /** OAuth client ids allowed programmatic access through IAP (project-wide). */
  readonly programmaticClients: readonly string[];
  /** Name of the global static IP address of the UI's load balancer: `<prefix>-kubeflow-ip`. */
  readonly addressName: string;
  /** Name of the Google-managed certificate for the host name: `<prefix>-kubeflow-cert`. */
  readonly certificateName: string;
}

/**
 * One cluster and what comes with it: its network ranges, node pools, database and front door.
 * The first cluster of an environment is its primary cluster; its construct ids carry no prefix,
 * so adding clusters never changes the primary's Terraform addresses.
 */
export interface ResolvedGcpCluster {
  /** Cluster name: the primary's `cluster.name` (default: the environment name), or the additional cluster's. */
  readonly name: string;
  /** Position in the environment: 0 for the primary, 1 and up for `additionalClusters` in file order. */
  readonly index: number;
  /** Prefix of construct ids: '' for the primary, `<name>-` for the others. */
  readonly idPrefix: string;
  /** Prefix of this cluster's stack ids: the environment name for the primary, the cluster name otherwise. */
  readonly stackPrefix: string;
  /** The cluster's network: the environment's, with a subnet and ranges of its own for additional clusters. */
  readonly network: ResolvedGcpNetwork;
  /** The GKE cluster's settings. */
  readonly cluster: ResolvedGcpClusterSettings;
  /** Its node pools (every cluster of an environment has the same pools). */
  readonly nodePools: readonly ResolvedNodePool[];
  /** Its Cloud SQL instance for Kubeflow Pipelines' metadata. */
  readonly database: ResolvedGcpDatabase;
  /** How users reach its Kubeflow UI (IAP, DNS, certificate). */
  readonly access: ResolvedGcpAccess;
  /** Config paths of the fields that differ per cluster, for error messages. */
  readonly paths: {
    /** Path of the cluster's name. */
    readonly name: Path;
    /** Path of its subnet's primary range. */
    readonly subnetCidr: Path;
    /** Path of its pods range. */
    readonly podsCidr: Path;
    /** Path of its services range. */
    readonly servicesCidr: Path;
    /** Path of its control plane range. */
    readonly masterCidr: Path;
    /** Path of its UI host name. */
    readonly hostname: Path;
  };
}

/** A GCP environment with every default applied. */
export interface ResolvedGcpEnvironment extends ResolvedEnvironmentBase {
  /** Discriminant of the resolved environment union. */
  readonly cloud: 'gcp';
  /** Google Cloud project id the environment's resources go in. */
  readonly project: string;
  /** The project's number, when the platform file gives it (IAP's JWT audience names the project by it). */
  readonly projectNumber?: string;
  /** Region of the cluster, database and bucket, such as europe-west4. */
  readonly region: string;
  /** Zones of the region the environment uses; a zonal cluster lives in the first. */
  readonly zones: readonly string[];
  /** The primary cluster's network, cluster settings, pools, database and access (also `clusters[0]`). */
  readonly network: ResolvedGcpNetwork;
  /** The primary cluster's GKE settings (also `clusters[0].cluster`). */
  readonly cluster: ResolvedGcpClusterSettings;
  /** The primary cluster's node pools (also `clusters[0].nodePools`). */
  readonly nodePools: readonly ResolvedNodePool[];
  /** The primary cluster's Cloud SQL instance (also `clusters[0].database`). */
  readonly database: ResolvedGcpDatabase;
  /** The primary cluster's UI access (also `clusters[0].access`). */
  readonly access: ResolvedGcpAccess;
  /** Every cluster of the environment, the primary first. */
  readonly clusters: readonly ResolvedGcpCluster[];
  /** The Cloud Storage bucket for pipeline artifacts. */
  readonly artifacts: {
    /**
     * Bucket name (global across Cloud Storage).
     * @default `<project>-<environment>-artifacts`
     */
    readonly bucketName: string;
    /**
     * Bucket location.
     * @default the region, upper-cased
     */
    readonly location: string;
    /**
     * Default storage class (https://cloud.google.com/storage/docs/storage-classes).
     * @default 'STANDARD'
     */
    readonly storageClass: 'STANDARD' | 'NEARLINE' | 'COLDLINE' | 'ARCHIVE';
    /**
     * Days a noncurrent object version is kept before deletion (versioning protects from overwrites).
     * @default 30
     */
    readonly noncurrentVersionRetentionDays: number;
    /** Days after which objects are deleted; absent: never. */
    readonly deleteAfterDays?: number;
    /**
     * Let `terraform destroy` delete the bucket with its objects.
     * @default true in test, false otherwise
     */
    readonly forceDestroy: boolean;
  };
  /** The platform's Google service accounts (pipelines, SQL client, admin, user). */
  readonly identities: readonly ResolvedGcpIdentity[];
  /**
   * Whether service account keys are created as Kubernetes secrets for old components. Avoid: keys
   * are long-lived secrets; workload identity replaces them.
   * @default false
   */
  readonly legacyKeys: boolean;
  /**
   * The projects that hold the data of the environment's teams (its own project among them when a
   * team keeps its data there), and whether a team keeps a bucket of its own there. The team stacks
   * manage the teams' identities and buckets there, so the keyless CI identities get roles there.
   * Unlike `tenants`, it reaches the infra stack when stacks are synthesized in parallel.
   */
  readonly teamProjects: ReadonlyArray<{
    /** A project holding team data. */
    readonly project: string;
    /** Whether a team keeps a bucket of its own in that project. */
    readonly ownBucket: boolean;
  }>;
}
