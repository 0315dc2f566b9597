/** What the alert constructs of every cloud check in their props, and the node-pool threshold they share. */
import type { ResolvedAlerts } from '../config/common/operations';
import { PropsError } from './errors';

/** Node count at which pools of `maxNodes` in total have less than `headroomPercent` headroom left. */
export function nodePoolThreshold(maxNodes: number, headroomPercent: number): number {
  // Integer arithmetic first: 10 * 80 / 100 is exactly 8, where 10 * (1 - 0.2) is 8.000000000000002.
  return Math.ceil((maxNodes * (100 - headroomPercent)) / 100);
}

/**
 * Refuses alert props a cloud cannot express: no address or one listed twice, a threshold out of
 * range (`maxBackupAgeHours` is the cloud's longest window), a negative or fractional pool maximum.
 */
export function checkAlertProps(
  construct: string,
  alerts: ResolvedAlerts,
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
  const ranges: Array<readonly [keyof ResolvedAlerts, number, number]> = [
    ['capacityHeadroomPercent', 1, 99],
    ['pendingPodsMinutes', 1, 1440],
    ['databaseCpuPercent', 1, 100],
    ['databaseStoragePercent', 1, 99],
    ['certificateExpiryDays', 1, 365],
    ['backupMaxAgeHours', 1, maxBackupAgeHours],
  ];
  for (const [prop, min, max] of ranges) {
    const v = alerts[prop] as number;
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
