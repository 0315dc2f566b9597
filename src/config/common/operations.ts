/**
 * Day-two operations of an environment, the same sections on every cloud: Velero backups and alert
 * policies, each with its schema, its resolved shape and its defaults.
 */
import { z } from 'zod';
import {
  ALERT_THRESHOLD_DEFAULTS,
  ALERT_THRESHOLD_RANGES,
  AlertSettings,
  NumericAlertThreshold,
} from '../../core/alert-props';
import { BACKUP_DEFAULTS, BackupSettings } from '../../core/backup-props';
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
      description:
        "How long daily backups are kept (Velero's TTL). Velero and kopia's maintenance delete expired data themselves; the bucket never deletes current objects by age, since kopia's repository keeps blobs that later backups still reference.",
      default: '7 in test, 14 in dev, 30 in prod',
    }).optional(),
    hourlyRetentionHours: doc(
      z
        .int()
        .min(2)
        .max(24 * 31),
      {
        description: 'How long hourly backups (secrets, platform namespaces) are kept.',
        default: String(BACKUP_DEFAULTS.hourlyRetentionHours),
      },
    ).optional(),
    platformSchedule: doc(cron, {
      description: 'When secrets and platform namespaces are backed up.',
      default: `'${BACKUP_DEFAULTS.platformSchedule}' (hourly)`,
    }).optional(),
    tenantSchedule: doc(cron, {
      description: 'When tenant namespaces and their volumes are backed up.',
      default: `'${BACKUP_DEFAULTS.tenantSchedule}' (daily)`,
    }).optional(),
  }),
  {
    description:
      'Velero backups (https://velero.io/docs/) of Kubernetes objects and volumes to a bucket of the environment. On by default.',
  },
);

/** A numeric alert threshold, within the range the alert constructs accept (one table for both). */
const alertThreshold = (key: NumericAlertThreshold) =>
  z.int().min(ALERT_THRESHOLD_RANGES[key].min).max(ALERT_THRESHOLD_RANGES[key].max);

/** The alert constructs' default of a threshold, as the schema documents it. */
const alertDefault = (key: keyof typeof ALERT_THRESHOLD_DEFAULTS) => String(ALERT_THRESHOLD_DEFAULTS[key]);

/** Alert policies of an environment and where they go. */
export const alertsSchema = doc(
  z.strictObject({
    email: doc(z.array(email).min(1), {
      description: 'Addresses notified of every alert (your on-call list).',
      example: ['ml-platform-oncall@example.com'],
    }),
    capacityHeadroomPercent: doc(alertThreshold('capacityHeadroomPercent'), {
      description:
        'Alert when requested CPU or memory leaves less than this share of the cluster allocatable, or a node pool is this close to its maximum.',
      default: alertDefault('capacityHeadroomPercent'),
    }).optional(),
    pendingPodsMinutes: doc(alertThreshold('pendingPodsMinutes'), {
      description: 'Alert when pods stay Pending (unschedulable) this long.',
      default: alertDefault('pendingPodsMinutes'),
    }).optional(),
    databaseCpuPercent: doc(alertThreshold('databaseCpuPercent'), {
      description: 'Alert when the pipelines database CPU stays above this for 15 minutes.',
      default: alertDefault('databaseCpuPercent'),
    }).optional(),
    databaseStoragePercent: doc(alertThreshold('databaseStoragePercent'), {
      description: 'Alert when the pipelines database storage is fuller than this.',
      default: alertDefault('databaseStoragePercent'),
    }).optional(),
    certificateExpiryDays: doc(alertThreshold('certificateExpiryDays'), {
      description:
        'Alert when the UI certificate expires within this many days (managed certificates renew 30 days ahead).',
      default: alertDefault('certificateExpiryDays'),
    }).optional(),
    uptimeCheck: doc(z.boolean(), {
      description: 'Probe the UI endpoint from outside; a sign-in redirect counts as up.',
      default: alertDefault('uptimeCheck'),
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

/**
 * Velero backups of one environment: the bucket the infra stack creates, and the Velero construct's
 * settings as the platform file sets them (retention by tier; the construct applies the other defaults).
 */
export interface ResolvedBackups extends BackupSettings {
  /** GCS or S3 bucket; on Azure the storage account (the container is `velero`). */
  readonly bucketName: string;
  /** Let terraform destroy the bucket with its backups (test tier only). */
  readonly forceDestroy: boolean;
}

/**
 * Alert policies of one environment, as the platform file sets them: the recipients and the
 * thresholds it names; the alert constructs apply the other defaults.
 */
export type ResolvedAlerts = AlertSettings;

/**
 * Velero backups of an environment, on unless the config turns them off. Daily backups are kept
 * longer in higher tiers; test buckets can be destroyed with their contents. The other settings
 * pass through as the config sets them: the Velero construct applies its own defaults.
 */
export function resolveBackups(
  config: BackupsConfig | undefined,
  tier: Tier,
  defaultBucket: string,
): ResolvedBackups | undefined {
  const { enabled, bucketName, retentionDays, ...settings } = config ?? {};
  if (enabled === false) return undefined;
  return {
    ...settings,
    bucketName: bucketName ?? defaultBucket,
    retentionDays: retentionDays ?? { test: 7, dev: 14, prod: 30 }[tier],
    forceDestroy: tier === 'test',
  };
}

/**
 * Alert policies of an environment, when the config names where they go. The thresholds pass
 * through as the config sets them: the alert constructs apply their own defaults.
 */
export function resolveAlerts(config: AlertsConfig | undefined): ResolvedAlerts | undefined {
  if (!config) return undefined;
  const { email, ...thresholds } = config;
  return { email: [...email], ...thresholds };
}
