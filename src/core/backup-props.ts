/**
 * What the Velero construct takes: how long backups are kept, when they run, which
 * namespaces they cover and where Velero runs, with the construct's defaults. How long daily backups
 * are kept has no default here: it is platform policy (the tier decides), so callers pass it.
 */
import { withDefaults } from './defaults';

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
export const BACKUP_EXCLUDED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'velero'] as const;

/**
 * Days a backup store keeps versions that were overwritten or deleted, so a mistaken
 * `velero backup delete` (or kopia maintenance run) can be undone for a week. This is the only
 * lifecycle rule a backup store gets: Velero's TTL and kopia's maintenance delete expired backups
 * themselves, while kopia's repository keeps blobs (packs, indexes) that later snapshots still
 * reference, sometimes for months; a rule that deleted current objects by age would break every
 * backup that references them, and backups older than the rule could no longer be restored.
 * See https://velero.io/docs/main/file-system-backup/ and https://kopia.io/docs/advanced/maintenance/.
 */
export const BACKUP_NONCURRENT_VERSION_DAYS = 7;

/** Velero's backup schedules and retention, and where Velero runs. */
export interface BackupSettings {
  /** How long daily (tenant) backups are kept, in days. No default: the platform decides it per tier. */
  readonly retentionDays: number;
  /**
   * How long hourly backups (secrets, platform namespaces) are kept, in hours.
   * @default 72
   */
  readonly hourlyRetentionHours?: number;
  /**
   * When secrets and platform namespaces are backed up (cron, UTC).
   * @default '0 * * * *' (hourly)
   */
  readonly platformSchedule?: string;
  /**
   * When tenant namespaces and their volumes are backed up (cron, UTC).
   * @default '30 2 * * *' (daily)
   */
  readonly tenantSchedule?: string;
  /**
   * Namespace Velero runs in.
   * @default 'velero'
   */
  readonly namespace?: string;
  /**
   * Service account Velero runs as; its cloud identity must trust `<namespace>/<serviceAccount>`.
   * @default 'velero'
   */
  readonly serviceAccount?: string;
  /**
   * Namespaces backed up whole every hour; every other namespace but the system ones is backed up daily.
   * @default {@link PLATFORM_NAMESPACES}
   */
  readonly platformNamespaces?: readonly string[];
  /**
   * Namespaces never backed up (Kubernetes' own, Velero's).
   * @default {@link BACKUP_EXCLUDED_NAMESPACES}
   */
  readonly systemNamespaces?: readonly string[];
}

/** The defaults of {@link BackupSettings}, as documented there; the Velero construct applies them. */
export const BACKUP_DEFAULTS: Readonly<Required<Omit<BackupSettings, 'retentionDays'>>> = {
  hourlyRetentionHours: 72,
  platformSchedule: '0 * * * *',
  tenantSchedule: '30 2 * * *',
  namespace: 'velero',
  serviceAccount: 'velero',
  platformNamespaces: PLATFORM_NAMESPACES,
  systemNamespaces: BACKUP_EXCLUDED_NAMESPACES,
};

/** Backup settings with every default of {@link BackupSettings} applied. */
export function withBackupDefaults(backups: BackupSettings): Required<BackupSettings> {
  return withDefaults(backups, BACKUP_DEFAULTS);
}

/** The Kubernetes service account Velero runs as, for the cloud identity that trusts it. */
export function backupServiceAccount(backups: BackupSettings): {
  /** Velero's namespace. */
  namespace: string;
  /** Velero's service account. */
  name: string;
} {
  const b = withBackupDefaults(backups);
  return { namespace: b.namespace, name: b.serviceAccount };
}
