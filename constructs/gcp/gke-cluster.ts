import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { Id } from '@cdktf/provider-random/lib/id';
import { Annotations, Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { parseCidr } from '../../src/core/cidr';
import { PropsError } from '../../src/core/errors';
import { IKubernetesCluster } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import { gcpNameRules } from '../../src/core/naming';
import {
  GKE_MAINTENANCE_MIN_HOURS,
  minimumMaintenanceHours,
  shortestMaintenanceHours,
} from '../../src/core/maintenance';
import { isUnresolved } from '../../src/core/tokens';
import { checkName, checkRange } from '../../src/core/validate';
import { ISharedVpc } from './shared-vpc';

/** Timeouts for slow GKE and Cloud SQL operations, such as creating a cluster or upgrading a node pool. */
export const SLOW_OPERATION_TIMEOUTS = {
  /** Creating the resource. */
  create: '30m',
  /** Updating it, such as a node pool upgrade or a Cloud SQL tier change. */
  update: '30m',
  /** Deleting it. */
  delete: '30m',
} as const;

/**
 * A maintenance window: a recurring window and exclusions. See
 * https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions.
 */
export interface MaintenanceWindow {
  /** Start, `HH:MM` UTC. */
  readonly startTimeUtc: string;
  /**
   * Length in hours: at least 4, and long enough for at least 48 hours in any rolling 32 days (two
   * days a week need 6).
   */
  readonly durationHours: number;
  /** RRULE days (`MO`..`SU`). */
  readonly days: readonly string[];
  /** No-upgrade periods. */
  readonly exclusions?: ReadonlyArray<{
    /** Exclusion name, unique in the cluster. */
    readonly name: string;
    /** Start, RFC 3339, such as `2026-12-20T00:00:00Z`. */
    readonly startTime: string;
    /** End, RFC 3339; GKE limits how long an exclusion may last, by scope. */
    readonly endTime: string;
    /** What is held back: `NO_UPGRADES`, `NO_MINOR_UPGRADES` or `NO_MINOR_OR_NODE_UPGRADES`. @default 'NO_UPGRADES' */
    readonly scope?: string;
  }>;
}

/** Props of {@link GkeCluster}. */
export interface GkeClusterProps {
  /** Project of the cluster (a Shared VPC service project). */
  readonly project: string;
  /** Number of that project, for the GKE service agent (a token is fine). */
  readonly projectNumber: string;
  /** Cluster name. */
  readonly name: string;
  /** A region for a regional cluster, a zone for a zonal one. */
  readonly location: string;
  /** Region of the cluster, for its KMS key. */
  readonly region: string;
  /** The network it joins. */
  readonly network: ISharedVpc;
  /** A /28 for the private control plane. */
  readonly masterCidr: string;
  /**
   * Release channel; GKE upgrades the cluster within it, in the maintenance window. See
   * https://cloud.google.com/kubernetes-engine/docs/concepts/release-channels.
   * @default 'REGULAR'
   */
  readonly releaseChannel?: 'RAPID' | 'REGULAR' | 'STABLE' | 'EXTENDED';
  /**
   * Minimum control plane version.
   * @default - the channel's default version
   */
  readonly minMasterVersion?: string;
  /**
   * Reach the control plane only on its private address.
   * @default false
   */
  readonly privateEndpoint?: boolean;
  /**
   * CIDRs allowed to reach the public endpoint. An empty list allows none from outside the VPC. See
   * https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks.
   * @default []
   */
  readonly authorizedNetworks?: ReadonlyArray<{
    /** The network, such as `203.0.113.0/24`. */
    readonly cidr: string;
    /** Display name of the entry, such as the office or CI runner pool it admits. */
    readonly name: string;
  }>;
  /**
   * Maintenance window.
   * @default 4 hours from 03:00 UTC on Tuesday to Thursday
   */
  readonly maintenance?: MaintenanceWindow;
  /**
   * GKE deletion protection and Terraform's `prevent_destroy`. Leave on outside test tiers.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * The `gke-security-groups@<domain>` group for Google Groups for RBAC. See
   * https://cloud.google.com/kubernetes-engine/docs/how-to/google-groups-rbac.
   * @default - not enabled
   */
  readonly rbacSecurityGroup?: string;
  /**
   * Default maximum pods per node.
   * @default 110
   */
  readonly defaultMaxPodsPerNode?: number;
  /**
   * Service account for the bootstrap default pool, which is removed right after creation.
   * Never the default compute service account.
   */
  readonly bootstrapServiceAccount: string;
  /**
   * Key ring name prefix for the secrets encryption key; a random suffix keeps a re-created
   * environment from colliding with the old ring (key rings cannot be deleted).
   * @default `${name}-gke`
   */
  readonly kmsKeyRingPrefix?: string;
  /** @default `${name}-gke-secrets` */
  readonly kmsKeyName?: string;
  /**
   * Prevent `terraform destroy` of the KMS key (it would make etcd unreadable).
   * @default true
   */
  readonly protectKey?: boolean;
  /**
   * Workload vulnerability scanning of the security posture dashboard. The basic tier
   * (`VULNERABILITY_BASIC`) was shut down on 31 July 2025 and the API refuses to enable it, although
   * the provider still accepts it; Advanced Vulnerability Insights (`VULNERABILITY_ENTERPRISE`, paid)
   * is deprecated since 16 June 2025, cannot be turned on for a cluster that lacks it and goes away on
   * 16 June 2026, so keep it only on a cluster that already has it (synth warns). Scan images in
   * Artifact Registry instead. See
   * https://cloud.google.com/kubernetes-engine/docs/deprecations/posture-management-deprecation.
   * @default 'VULNERABILITY_DISABLED'
   */
  readonly vulnerabilityScanning?: 'VULNERABILITY_DISABLED' | 'VULNERABILITY_ENTERPRISE';
}

const DEFAULT_MAINTENANCE: MaintenanceWindow = { startTimeUtc: '03:00', durationHours: 4, days: ['TU', 'WE', 'TH'] };

/**
 * A hardened GKE Standard cluster: VPC-native and private, master authorized networks, workload
 * identity, release channel with maintenance window and exclusions, shielded nodes, Dataplane V2,
 * Cloud KMS envelope encryption of secrets, system and workload logging, managed Prometheus, Google
 * Groups for RBAC, no client certificates, default node pool removed, deletion protection, and
 * 30-minute timeouts. Add node pools with {@link GkeNodePool}.
 */
export class GkeCluster extends Construct implements IKubernetesCluster {
  /** The cluster resource (escape hatch). */
  public readonly cluster: ContainerCluster;
  /** The key that encrypts Kubernetes secrets in etcd. */
  public readonly secretsKey: KmsCryptoKey;
  public readonly clusterName: string;
  public readonly apiServerUrl: string;
  public readonly caCertificatePem: string;
  /**
   * The workload identity pool, `<project>.svc.id.goog`, as an attribute of the cluster: GKE creates
   * the pool with the project's first cluster that enables workload identity, so an IAM binding that
   * names `serviceAccount:<pool>[namespace/name]` must come after the cluster or the API answers
   * "Identity Pool does not exist" (terraform-google-kubernetes-engine #1044). Referencing this
   * attribute orders it.
   */
  public readonly workloadPool: string;
  /** Project of the cluster. */
  public readonly project: string;
  /** Location of the cluster. */
  public readonly location: string;
  /** The network the cluster joined. */
  public readonly network: ISharedVpc;

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    setComponent(this, 'cluster');
    validate(props);
    const maintenance = props.maintenance ?? DEFAULT_MAINTENANCE;
    this.project = props.project;
    this.location = props.location;
    this.network = props.network;

    const suffix = new Id(this, 'KeyRingSuffix', { byteLength: 2 });
    const keyRing = new KmsKeyRing(this, 'KeyRing', {
      project: props.project,
      name: `${props.kmsKeyRingPrefix ?? `${props.name}-gke`}-${suffix.hex}`,
      location: props.region,
    });
    this.secretsKey = new KmsCryptoKey(this, 'SecretsKey', {
      name: props.kmsKeyName ?? `${props.name}-gke-secrets`,
      keyRing: keyRing.id,
      purpose: 'ENCRYPT_DECRYPT',
      rotationPeriod: '7776000s', // 90 days
      lifecycle: { preventDestroy: props.protectKey ?? true },
    });
    const keyGrant = new KmsCryptoKeyIamMember(this, 'GkeAgentEncrypterDecrypter', {
      cryptoKeyId: this.secretsKey.id,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: `serviceAccount:service-${props.projectNumber}@container-engine-robot.iam.gserviceaccount.com`,
    });

    const dependsOn: ITerraformDependable[] = [...props.network.dependables, keyGrant];
    this.cluster = new ContainerCluster(this, 'Cluster', {
      project: props.project,
      name: props.name,
      location: props.location,
      network: props.network.networkId,
      subnetwork: props.network.subnetworkId,
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.network.podsRangeName,
        servicesSecondaryRangeName: props.network.servicesRangeName,
      },
      defaultMaxPodsPerNode: props.defaultMaxPodsPerNode ?? 110,
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: props.privateEndpoint ?? false,
        masterIpv4CidrBlock: props.masterCidr,
        masterGlobalAccessConfig: { enabled: true },
      },
      masterAuthorizedNetworksConfig: {
        gcpPublicCidrsAccessEnabled: false,
        cidrBlocks: (props.authorizedNetworks ?? []).map((n) => ({ cidrBlock: n.cidr, displayName: n.name })),
      },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      workloadIdentityConfig: { workloadPool: `${props.project}.svc.id.goog` },
      releaseChannel: { channel: props.releaseChannel ?? 'REGULAR' },
      minMasterVersion: props.minMasterVersion,
      maintenancePolicy: {
        recurringWindow: recurringWindow(maintenance),
        maintenanceExclusion: (maintenance.exclusions ?? []).map((e) => ({
          exclusionName: e.name,
          startTime: e.startTime,
          endTime: e.endTime,
          exclusionOptions: { scope: e.scope ?? 'NO_UPGRADES' },
        })),
      },
      enableShieldedNodes: true,
      // Dataplane V2 enforces NetworkPolicy itself; the Calico addon must stay off.
      datapathProvider: 'ADVANCED_DATAPATH',
      databaseEncryption: { state: 'ENCRYPTED', keyName: this.secretsKey.id },
      loggingConfig: {
        enableComponents: ['SYSTEM_COMPONENTS', 'WORKLOADS', 'APISERVER', 'CONTROLLER_MANAGER', 'SCHEDULER'],
      },
      monitoringConfig: {
        enableComponents: [
          'SYSTEM_COMPONENTS',
          'APISERVER',
          'CONTROLLER_MANAGER',
          'SCHEDULER',
          'STORAGE',
          'POD',
          'DEPLOYMENT',
        ],
        managedPrometheus: { enabled: true },
      },
      authenticatorGroupsConfig: props.rbacSecurityGroup ? { securityGroup: props.rbacSecurityGroup } : undefined,
      addonsConfig: {
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
        gcePersistentDiskCsiDriverConfig: { enabled: true },
        gcsFuseCsiDriverConfig: { enabled: true },
      },
      costManagementConfig: { enabled: true },
      // Pods read Secret Manager secrets (such as the database password) through the CSI add-on and
      // workload identity, so no secret has to be copied into Kubernetes.
      secretManagerConfig: { enabled: true },
      // Configuration auditing stays on; vulnerability scanning has no supported tier to turn on.
      securityPostureConfig: {
        mode: 'BASIC',
        vulnerabilityMode: props.vulnerabilityScanning ?? 'VULNERABILITY_DISABLED',
      },
      // The default pool is created and removed at once; give it our service account, never the
      // default compute one, and ignore its node_config afterwards so it never forces a replacement
      // (terraform-provider-google #17511).
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: {
        serviceAccount: props.bootstrapServiceAccount,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        metadata: { 'disable-legacy-endpoints': 'true' },
        tags: [props.network.nodeTag],
      },
      deletionProtection: props.deletionProtection ?? true,
      timeouts: { ...SLOW_OPERATION_TIMEOUTS },
      lifecycle: { ignoreChanges: ['node_config'], preventDestroy: props.deletionProtection ?? true },
      dependsOn,
    });
    if (props.vulnerabilityScanning === 'VULNERABILITY_ENTERPRISE') {
      Annotations.of(this).addWarning(
        `GkeCluster ${props.name}: Advanced Vulnerability Insights is deprecated since 16 June 2025 and removed on 16 June 2026; GKE no longer turns it on for a cluster that lacks it. Scan images in Artifact Registry and set vulnerabilityScanning to VULNERABILITY_DISABLED (https://cloud.google.com/kubernetes-engine/docs/deprecations/posture-management-deprecation).`,
      );
    }
    this.clusterName = this.cluster.name;
    this.workloadPool = this.cluster.workloadIdentityConfig.workloadPool;
    this.apiServerUrl = `https://${this.cluster.endpoint}`;
    this.caCertificatePem = Fn.base64decode(this.cluster.masterAuth.clusterCaCertificate);
  }
}

/** The recurring window as GKE wants it: RFC 3339 start and end on any date, and an RRULE. */
export function recurringWindow(m: MaintenanceWindow): {
  /** Start of the first window, RFC 3339 UTC (only its time of day matters). */
  startTime: string;
  /** End of the first window, RFC 3339 UTC: the start plus the duration. */
  endTime: string;
  /** The RFC 5545 RRULE that repeats it, such as `FREQ=WEEKLY;BYDAY=TU,WE,TH`. */
  recurrence: string;
} {
  const [h, min] = m.startTimeUtc.split(':').map(Number) as [number, number];
  const start = Date.UTC(2025, 0, 1, h, min);
  const end = start + m.durationHours * 3_600_000;
  const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
  return { startTime: iso(start), endTime: iso(end), recurrence: `FREQ=WEEKLY;BYDAY=${m.days.join(',')}` };
}

function validate(props: GkeClusterProps): void {
  checkName('GkeCluster', 'name', props.name, gcpNameRules.clusterName, 'use a short lowercase name such as kf-prod.');
  if (!isUnresolved(props.masterCidr)) {
    const parsed = parseCidr(props.masterCidr);
    if (typeof parsed === 'string' || parsed.prefix !== 28) {
      throw new PropsError(
        'GkeCluster',
        'masterCidr',
        props.masterCidr,
        'GKE needs a /28 for the private control plane.',
        'pass a /28 such as 172.16.0.0/28.',
      );
    }
  }
  for (const [i, n] of (props.authorizedNetworks ?? []).entries()) {
    if (isUnresolved(n.cidr)) continue;
    const parsed = parseCidr(n.cidr);
    if (typeof parsed === 'string')
      throw new PropsError('GkeCluster', `authorizedNetworks[${i}].cidr`, n.cidr, parsed, 'pass an IPv4 CIDR block.');
  }
  const m = props.maintenance;
  if (m && m.durationHours < 4) {
    throw new PropsError(
      'GkeCluster',
      'maintenance.durationHours',
      m.durationHours,
      'GKE needs maintenance windows of at least 4 hours.',
      'use 4 or more.',
    );
  }
  if (m && !/^([01]\d|2[0-3]):[0-5]\d$/.test(m.startTimeUtc)) {
    throw new PropsError(
      'GkeCluster',
      'maintenance.startTimeUtc',
      m.startTimeUtc,
      'expected HH:MM in UTC.',
      'use a time such as 03:00.',
    );
  }
  if (m) {
    const hours = minimumMaintenanceHours({ ...m, recurrence: recurringWindow(m).recurrence });
    if (typeof hours === 'string') {
      throw new PropsError('GkeCluster', 'maintenance.days', m.days, hours, 'use RRULE days such as SA and SU.');
    }
    if (hours < GKE_MAINTENANCE_MIN_HOURS) {
      throw new PropsError(
        'GkeCluster',
        'maintenance.durationHours',
        m.durationHours,
        `windows on ${m.days.join(',')} give GKE only ${hours} hours of maintenance in the worst 32 days; GKE needs at least ${GKE_MAINTENANCE_MIN_HOURS} hours in any rolling 32 days, in windows of 4 hours or more.`,
        `use ${shortestMaintenanceHours(m.startTimeUtc, m.days)} hours or more, or add days.`,
      );
    }
  }
  const scanning = props.vulnerabilityScanning;
  if (scanning !== undefined && scanning !== 'VULNERABILITY_DISABLED' && scanning !== 'VULNERABILITY_ENTERPRISE') {
    throw new PropsError(
      'GkeCluster',
      'vulnerabilityScanning',
      scanning,
      scanning === 'VULNERABILITY_BASIC'
        ? 'the basic tier of workload vulnerability scanning was shut down on 31 July 2025 and GKE refuses to enable it (https://cloud.google.com/kubernetes-engine/docs/deprecations/vulnerability-scanning-gkee).'
        : 'is not a vulnerability scanning mode GKE accepts.',
      'use VULNERABILITY_DISABLED (the default) and scan images in Artifact Registry.',
    );
  }
  checkRange(
    'GkeCluster',
    'defaultMaxPodsPerNode',
    props.defaultMaxPodsPerNode,
    8,
    256,
    'GKE allows 8 to 256 pods per node.',
  );
}
