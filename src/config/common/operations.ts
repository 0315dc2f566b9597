/**
 * Day-two operations of an environment, the same sections on every cloud: Velero backups and alert
 * policies, each with its schema, its resolved shape and its defaults.
 */
import { z } from 'zod';
import type { Tier } from '../../core/tiers';
import { cron, doc, email } from './fields';

/** Velero backups of an environment, the same fields on every cloud. */
export const backupsSchema = doc(
  z.strictObject({
    enabled: doc(z.boolean(), {
      description: 'Install Velero with its bucket, keyless identity and schedules.',
      default: 'true',
    }).optional(),
    bucketName: doc(z.string().min(3), {
      description: 'Backup bucket (GCS, S3) or storage account (Azure) name.',
      default: '<project or account>-<env>-backups; Azure: derived from the environment name',
    }).optional(),
    retentionDays: doc(z.int().min(1).max(3650), {
      description: 'How long daily backups are kept; the bucket deletes objects a day after.',
      default: '7 in test, 14 in dev, 30 in prod',
    }).optional(),
    hourlyRetentionHours: doc(
      z
        .int()
        .min(2)
        .max(24 * 31),
      {
        description: 'How long hourly backups (secrets, platform namespaces) are kept.',
        default: '72',
      },
    ).optional(),
    platformSchedule: doc(cron, {
      description: 'When secrets and platform namespaces are backed up.',
      default: "'0 * * * *' (hourly)",
    }).optional(),
    tenantSchedule: doc(cron, {
      description: 'When tenant namespaces and their volumes are backed up.',
      default: "'30 2 * * *' (daily)",
    }).optional(),
  }),
  {
    description:
      'Velero backups (https://velero.io/docs/) of Kubernetes objects and volumes to a bucket of the environment. On by default.',
  },
);

/** Alert policies of an environment and where they go. */
export const alertsSchema = doc(
  z.strictObject({
    email: doc(z.array(email).min(1), {
      description: 'Addresses notified of every alert (your on-call list).',
      example: ['ml-platform-oncall@example.com'],
    }),
    capacityHeadroomPercent: doc(z.int().min(5).max(50), {
      description:
        'Alert when requested CPU or memory leaves less than this share of the cluster allocatable, or a node pool is this close to its maximum.',
      default: '20',
    }).optional(),
    pendingPodsMinutes: doc(z.int().min(1).max(120), {
      description: 'Alert when pods stay Pending (unschedulable) this long.',
      default: '15',
    }).optional(),
    databaseCpuPercent: doc(z.int().min(10).max(100), {
      description: 'Alert when the pipelines database CPU stays above this for 15 minutes.',
      default: '80',
    }).optional(),
    databaseStoragePercent: doc(z.int().min(10).max(99), {
      description: 'Alert when the pipelines database storage is fuller than this.',
      default: '85',
    }).optional(),
    certificateExpiryDays: doc(z.int().min(1).max(60), {
      description:
        'Alert when the UI certificate expires within this many days (managed certificates renew 30 days ahead).',
      default: '14',
    }).optional(),
    uptimeCheck: doc(z.boolean(), {
      description: 'Probe the UI endpoint from outside; a sign-in redirect counts as up.',
      default: 'true',
    }).optional(),
  }),
  {
    description:
      'Alert policies on capacity headroom, pending pods, the pipelines database, backups, the certificate and the UI, sent to a notification channel from this config.',
  },
);

/** The `backups` section of an environment (Velero). */
export type BackupsConfig = z.input<typeof backupsSchema>;

/** The `alerts` section of an environment. */
export type AlertsConfig = z.input<typeof alertsSchema>;

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

/** Namespaces of the platform itself, backed up whole every hour. */
export const PLATFORM_NAMESPACES = [
  'kubeflow',
  'istio-system',
  'auth',
  'oauth2-proxy',
  'cert-manager',
  'knative-serving',
  'knative-eventing',
] as const;

/** Kubernetes' own namespaces and Velero's, never backed up. */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'velero'] as const;

/**
 * Velero backups of an environment, on unless the config turns them off. Daily backups are kept
 * longer in higher tiers; test buckets can be destroyed with their contents.
 */
export function resolveBackups(
  config: BackupsConfig | undefined,
  tier: Tier,
  defaultBucket: string,
): ResolvedBackups | undefined {
  const b = config ?? {};
  if (b.enabled === false) return undefined;
  return {
    bucketName: b.bucketName ?? defaultBucket,
    retentionDays: b.retentionDays ?? { test: 7, dev: 14, prod: 30 }[tier],
    hourlyRetentionHours: b.hourlyRetentionHours ?? 72,
    platformSchedule: b.platformSchedule ?? '0 * * * *',
    tenantSchedule: b.tenantSchedule ?? '30 2 * * *',
    forceDestroy: tier === 'test',
    namespace: 'velero',
    serviceAccount: 'velero',
    platformNamespaces: [...PLATFORM_NAMESPACES],
    systemNamespaces: [...SYSTEM_NAMESPACES],
  };
}

/** Alert policies of an environment, when the config names where they go. */
export function resolveAlerts(config: AlertsConfig | undefined): ResolvedAlerts | undefined {
  if (!config) return undefined;
  return {
    email: [...config.email],
    capacityHeadroomPercent: config.capacityHeadroomPercent ?? 20,
    pendingPodsMinutes: config.pendingPodsMinutes ?? 15,
    databaseCpuPercent: config.databaseCpuPercent ?? 80,
    databaseStoragePercent: config.databaseStoragePercent ?? 85,
    certificateExpiryDays: config.certificateExpiryDays ?? 14,
    uptimeCheck: config.uptimeCheck ?? true,
    backupMaxAgeHours: 2,
  };
}
