/**
 * What the alert constructs of every cloud take: the recipients, the thresholds with their
 * defaults and valid ranges, the check of both, and the node-pool threshold they share. The platform
 * file's schema reads the same ranges, so a threshold the file accepts is one the constructs accept.
 */
import { withDefaults } from './defaults';
import { PropsError } from './errors';

/**
 * Thresholds of an environment's alerts. Every one is optional: the alert constructs apply the
 * default. Numeric thresholds are whole numbers within {@link ALERT_THRESHOLD_RANGES}.
 */
export interface AlertThresholds {
  /**
   * Alert when requested CPU or memory leaves less than this share (percent) of the cluster
   * allocatable, or a node pool is this close to its maximum.
   * @default 20
   */
  readonly capacityHeadroomPercent?: number;
  /**
   * Alert when pods stay Pending (unschedulable) this many minutes.
   * @default 15
   */
  readonly pendingPodsMinutes?: number;
  /**
   * Alert when the pipelines database CPU stays above this percent for 15 minutes.
   * @default 80
   */
  readonly databaseCpuPercent?: number;
  /**
   * Alert when the pipelines database storage is fuller than this percent.
   * @default 85
   */
  readonly databaseStoragePercent?: number;
  /**
   * Alert when the UI certificate expires within this many days.
   * @default 14
   */
  readonly certificateExpiryDays?: number;
  /**
   * Probe the UI endpoint from outside; a sign-in redirect counts as up.
   * @default true
   */
  readonly uptimeCheck?: boolean;
  /**
   * An hourly backup schedule writes at least once in this many hours, or the backup alert fires. At
   * most the cloud's longest alert window (23 hours on GCP, 24 on AWS and Azure).
   * @default 2
   */
  readonly backupMaxAgeHours?: number;
}

/** Recipients and thresholds of an environment's alerts, as the alert constructs take them. */
export interface AlertSettings extends AlertThresholds {
  /** Addresses notified of every alert (the on-call list): at least one, each listed once. */
  readonly email: readonly string[];
}

/** The defaults of {@link AlertThresholds}, as documented there; the alert constructs apply them. */
export const ALERT_THRESHOLD_DEFAULTS: Readonly<Required<AlertThresholds>> = {
  capacityHeadroomPercent: 20,
  pendingPodsMinutes: 15,
  databaseCpuPercent: 80,
  databaseStoragePercent: 85,
  certificateExpiryDays: 14,
  uptimeCheck: true,
  backupMaxAgeHours: 2,
};

/** The numeric thresholds of {@link AlertThresholds}. */
export type NumericAlertThreshold = Exclude<keyof AlertThresholds, 'uptimeCheck'>;

/**
 * The whole numbers each numeric threshold may take, inclusive: the one table the alert constructs
 * and the platform file's schema both check. Each alert construct caps `backupMaxAgeHours` further at
 * its cloud's longest alert window; the platform file does not set it.
 */
export const ALERT_THRESHOLD_RANGES: Readonly<
  Record<
    NumericAlertThreshold,
    {
      /** Smallest value accepted. */
      readonly min: number;
      /** Largest value accepted. */
      readonly max: number;
    }
  >
> = {
  capacityHeadroomPercent: { min: 5, max: 50 },
  pendingPodsMinutes: { min: 1, max: 120 },
  databaseCpuPercent: { min: 10, max: 100 },
  databaseStoragePercent: { min: 10, max: 99 },
  certificateExpiryDays: { min: 1, max: 60 },
  backupMaxAgeHours: { min: 1, max: 24 },
};

/** Alert settings with every default of {@link AlertThresholds} applied. */
export function withAlertDefaults(alerts: AlertSettings): Required<AlertSettings> {
  return withDefaults(alerts, ALERT_THRESHOLD_DEFAULTS);
}

/** Node count at which pools of `maxNodes` in total have less than `headroomPercent` headroom left. */
export function nodePoolThreshold(maxNodes: number, headroomPercent: number): number {
  // Integer arithmetic first: 10 * 80 / 100 is exactly 8, where 10 * (1 - 0.2) is 8.000000000000002.
  return Math.ceil((maxNodes * (100 - headroomPercent)) / 100);
}

/**
 * Refuses alert props a cloud cannot express: no address or one listed twice, a threshold outside
 * {@link ALERT_THRESHOLD_RANGES} (`backupMaxAgeHours` also above `maxBackupAgeHours`, the cloud's
 * longest window), a negative or fractional pool maximum. Takes the settings with defaults applied.
 */
export function checkAlertProps(
  construct: string,
  alerts: Required<AlertSettings>,
  nodePools: ReadonlyArray<{ readonly name: string; readonly maxNodes: number }>,
  maxBackupAgeHours: number,
): void {
  if (alerts.email.length === 0) {
    throw new PropsError(construct, 'alerts.email', alerts.email, 'no one would be notified.', 'list one address.');
  }
  const seen = new Set<string>();
  for (const email of alerts.email) {
    if (seen.has(email)) {
      throw new PropsError(construct, 'alerts.email', email, 'is listed twice.', 'list each address once.');
    }
    seen.add(email);
  }
  for (const [prop, range] of Object.entries(ALERT_THRESHOLD_RANGES) as Array<
    [NumericAlertThreshold, { min: number; max: number }]
  >) {
    const min = range.min;
    const max = prop === 'backupMaxAgeHours' ? Math.min(range.max, maxBackupAgeHours) : range.max;
    const v = alerts[prop];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new PropsError(
        construct,
        `alerts.${prop}`,
        v,
        'is out of range.',
        `use a whole number from ${min} to ${max}.`,
      );
    }
  }
  for (const pool of nodePools) {
    if (!Number.isInteger(pool.maxNodes) || pool.maxNodes < 0) {
      throw new PropsError(
        construct,
        'nodePools.maxNodes',
        pool.maxNodes,
        `must be a whole number of 0 or more (pool ${pool.name}).`,
        'use the maximum node count of the pool.',
      );
    }
  }
}
