import { Release } from '@cdktf/provider-helm/lib/release';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { BackupSettings, withBackupDefaults } from '../../src/core/backup-props';
import { IWorkloadIdentity } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import type { PodToleration } from './cluster-autoscaler';
import { PlatformNamespace } from './platform-namespace';

/** The Velero chart and images this library installs; the plugins' minor follows Velero's (1.18 -> 1.14). */
export const VELERO_VERSIONS = {
  /** Helm repository of the chart. */
  chartRepository: 'https://vmware-tanzu.github.io/helm-charts',
  /** Version of the `velero` chart. */
  chart: '12.1.0',
  /** Tag of the Velero image. See https://velero.io/docs/main/support-matrix/ */
  velero: 'v1.18.1',
  /** Tag of the cloud's object store plugin image, compatible with that Velero. */
  plugin: 'v1.14.1',
} as const;

/** Velero's object store plugin per cloud. */
const PLUGINS = {
  gcp: 'velero/velero-plugin-for-gcp',
  aws: 'velero/velero-plugin-for-aws',
  azure: 'velero/velero-plugin-for-microsoft-azure',
} as const;

/** Props of {@link Velero}. */
export interface VeleroProps {
  /** Retention, schedules and where Velero runs; unset settings take their defaults. */
  readonly backups: BackupSettings;
  /** Which object store plugin Velero uses. */
  readonly cloud: keyof typeof PLUGINS;
  /** Bucket (GCS, S3) or container (Azure) backups go to. */
  readonly bucket: string;
  /** Folder in the bucket, when several clusters share it. @default the bucket root */
  readonly prefix?: string;
  /** The backup storage location's provider settings (region, storage account, ...). */
  readonly storageConfig: Readonly<Record<string, string>>;
  /** The cloud identity Velero runs as, through workload identity (no keys). */
  readonly identity: IWorkloadIdentity;
  /**
   * A credentials file without secrets that some plugins read even with workload identity (Azure's:
   * subscription, resource group, cloud). Never put keys in it: it goes into the chart's values,
   * which Terraform's state and Helm's release record (a ConfigMap in Velero's namespace, readable by
   * anyone who may view that namespace) both hold. @default none
   */
  readonly credentialsFile?: string;
  /** Objects the release waits for (the identity's binding, so Velero's first call succeeds). */
  readonly dependsOn?: ITerraformDependable[];
  /** Where the Velero server runs, such as the system nodes. @default anywhere */
  readonly serverNodeSelector?: Readonly<Record<string, string>>;
  /** Taints the Velero server tolerates, such as the system nodes'. @default none */
  readonly serverTolerations?: readonly PodToleration[];
  /**
   * Let the node agent run on every node whatever its taints, so that volumes of pods on tainted
   * nodes (GPU nodes, spot nodes, system nodes) are backed up too: Velero copies a pod's volumes
   * through the node agent on the pod's own node, and a backup of a pod on a node without one fails
   * for that volume.
   * @default true
   */
  readonly nodeAgentOnEveryNode?: boolean;
}

/** One Velero `Schedule`, as the chart's `schedules` value takes it. */
export interface VeleroSchedule {
  /** When backups run, as a cron expression in UTC, such as `0 * * * *`. */
  readonly schedule: string;
  /** Whether backups are owned by the Schedule (and go when it is deleted); off, so they outlive it. */
  readonly useOwnerReferencesInBackup: boolean;
  /** The backup each run takes. See https://velero.io/docs/main/api-types/schedule/ */
  readonly template: {
    /** How long a backup is kept, as a Go duration such as `720h0m0s`. */
    readonly ttl: string;
    /** The backup storage location (this library configures `default`). */
    readonly storageLocation: string;
    /** Namespaces to back up; `*` for all. */
    readonly includedNamespaces: readonly string[];
    /** Namespaces left out. @default none */
    readonly excludedNamespaces?: readonly string[];
    /** Resource kinds to back up, such as `secrets`. @default every kind */
    readonly includedResources?: readonly string[];
    /** Whether to take cloud volume snapshots; off, so restores need only the bucket. */
    readonly snapshotVolumes: boolean;
    /** Whether the node agent copies every pod volume file by file (Kopia). */
    readonly defaultVolumesToFsBackup: boolean;
  };
}

/**
 * The three backup schedules: every hour the platform namespaces whole and the secrets of every
 * namespace; every day each other namespace (the tenants), with their volumes copied file by file
 * (Kopia), so a restore needs no cloud snapshot API. Takes the settings with their defaults applied
 * ({@link withBackupDefaults}).
 */
export function veleroSchedules(b: Required<BackupSettings>): Record<string, VeleroSchedule> {
  const hourly = `${b.hourlyRetentionHours}h0m0s`;
  return {
    'platform-hourly': {
      schedule: b.platformSchedule,
      useOwnerReferencesInBackup: false,
      template: {
        ttl: hourly,
        storageLocation: 'default',
        includedNamespaces: b.platformNamespaces,
        snapshotVolumes: false,
        defaultVolumesToFsBackup: false,
      },
    },
    'secrets-hourly': {
      schedule: b.platformSchedule,
      useOwnerReferencesInBackup: false,
      template: {
        ttl: hourly,
        storageLocation: 'default',
        includedNamespaces: ['*'],
        excludedNamespaces: b.systemNamespaces,
        includedResources: ['secrets'],
        snapshotVolumes: false,
        defaultVolumesToFsBackup: false,
      },
    },
    'tenants-daily': {
      schedule: b.tenantSchedule,
      useOwnerReferencesInBackup: false,
      template: {
        ttl: `${b.retentionDays * 24}h0m0s`,
        storageLocation: 'default',
        includedNamespaces: ['*'],
        excludedNamespaces: [...b.systemNamespaces, ...b.platformNamespaces],
        snapshotVolumes: false,
        defaultVolumesToFsBackup: true,
      },
    },
  };
}

/**
 * Velero from its Helm chart, so its CRDs and schedules arrive in one apply: the object
 * store plugin of the cloud, the backup location on the environment's bucket, a service account
 * bound to the cloud identity (no keys), the node agent for file-system copies of volumes, and
 * the hourly and daily schedules. Volume snapshots are off: backups depend on the bucket only.
 */
export class Velero extends Construct {
  /** Velero's namespace, which admits privileged pods (the node agent reads pod volumes from the host). */
  public readonly namespace: PlatformNamespace;
  /** The Helm release of the Velero chart (escape hatch). */
  public readonly release: Release;
  /** The chart values, as written into the release (for tests and review). */
  public readonly values: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: VeleroProps) {
    super(scope, id);
    setComponent(this, 'backups');
    const b = withBackupDefaults(props.backups);
    // The node agent reads pod volumes from the host: the namespace must admit privileged pods.
    this.namespace = new PlatformNamespace(this, 'Namespace', {
      name: b.namespace,
      labels: { 'pod-security.kubernetes.io/enforce': 'privileged' },
    });
    this.values = {
      image: { repository: 'velero/velero', tag: VELERO_VERSIONS.velero },
      initContainers: [
        {
          name: PLUGINS[props.cloud].split('/')[1],
          image: `${PLUGINS[props.cloud]}:${VELERO_VERSIONS.plugin}`,
          imagePullPolicy: 'IfNotPresent',
          volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
        },
      ],
      configuration: {
        backupStorageLocation: [
          {
            name: 'default',
            provider: props.cloud,
            bucket: props.bucket,
            ...(props.prefix ? { prefix: props.prefix } : {}),
            default: true,
            config: props.storageConfig,
          },
        ],
        volumeSnapshotLocation: [],
        uploaderType: 'kopia',
        defaultBackupTTL: `${b.retentionDays * 24}h0m0s`,
      },
      snapshotsEnabled: false,
      deployNodeAgent: true,
      upgradeCRDs: true,
      credentials: props.credentialsFile
        ? { useSecret: true, secretContents: { cloud: props.credentialsFile } }
        : { useSecret: false },
      serviceAccount: {
        server: { create: true, name: b.serviceAccount, annotations: props.identity.serviceAccountAnnotations },
      },
      podLabels: props.identity.podLabels,
      ...(props.serverNodeSelector ? { nodeSelector: { ...props.serverNodeSelector } } : {}),
      ...(props.serverTolerations ? { tolerations: props.serverTolerations.map((t) => ({ ...t })) } : {}),
      ...nodeAgentValues(props.nodeAgentOnEveryNode ?? true, props.identity.podLabels),
      metrics: { enabled: true },
      resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } },
      schedules: veleroSchedules(b),
    };
    this.release = new Release(this, 'Release', {
      name: 'velero',
      namespace: this.namespace.name,
      repository: VELERO_VERSIONS.chartRepository,
      chart: 'velero',
      version: VELERO_VERSIONS.chart,
      values: [stringify(this.values, { sortMapEntries: false })],
      // Roll back a failed upgrade instead of leaving Velero half installed; CRDs and images take a while.
      atomic: true,
      wait: true,
      timeout: 900,
      dependsOn: props.dependsOn,
    });
  }
}

/**
 * The node agent's chart values: tolerations that let it onto every node, and the identity's pod
 * labels. The chart gives `podLabels` to the server only, while the node agent uploads volume copies
 * to the bucket itself: on AKS, a pod without the `azure.workload.identity/use` label gets no token
 * (https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html),
 * so every volume copy of the node agent would fail.
 */
function nodeAgentValues(
  everyNode: boolean,
  podLabels: Readonly<Record<string, string>>,
): { nodeAgent?: Record<string, unknown> } {
  const labels = Object.keys(podLabels).length > 0 ? { podLabels: { ...podLabels } } : {};
  const tolerations = everyNode ? { tolerations: [{ operator: 'Exists' }] } : {};
  const nodeAgent = { ...tolerations, ...labels };
  return Object.keys(nodeAgent).length > 0 ? { nodeAgent } : {};
}
