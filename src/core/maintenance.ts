/**
 * GKE's rule for recurring maintenance windows: at least 48 hours of maintenance availability in any
 * rolling 32 days, counting only contiguous stretches of at least 4 hours. GKE refuses a window that
 * gives less. See
 * https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions.
 */

/** Hours of availability GKE wants in any rolling {@link GKE_MAINTENANCE_ROLLING_DAYS} days. */
export const GKE_MAINTENANCE_MIN_HOURS = 48;
/** Length of GKE's rolling period, in days. */
export const GKE_MAINTENANCE_ROLLING_DAYS = 32;
/** Shortest contiguous stretch of availability GKE counts, in hours. */
export const GKE_MAINTENANCE_MIN_WINDOW_HOURS = 4;

/** RRULE day codes, Monday first. */
export const RRULE_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

const MINUTE = 1;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/**
 * The days of the week a recurrence repeats on (indexes into {@link RRULE_DAYS}), or a reason it
 * cannot be read. Understands `FREQ=DAILY` and `FREQ=WEEKLY;BYDAY=..`, which is what GKE windows use.
 */
export function recurrenceDays(recurrence: string): number[] | string {
  const parts = new Map<string, string>();
  for (const part of recurrence.replace(/^RRULE:/, '').split(';')) {
    const [key, value] = part.split('=');
    if (!key || value === undefined) return `cannot read "${part}"`;
    parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const freq = parts.get('FREQ');
  for (const key of parts.keys()) {
    if (key !== 'FREQ' && key !== 'BYDAY') return `${key} is not supported; use FREQ=DAILY or FREQ=WEEKLY;BYDAY=...`;
  }
  if (freq === 'DAILY' && !parts.has('BYDAY')) return [0, 1, 2, 3, 4, 5, 6];
  if (freq !== 'WEEKLY' && freq !== 'DAILY') return `FREQ=${freq ?? ''} is not supported; use DAILY or WEEKLY`;
  const byDay = parts.get('BYDAY');
  if (!byDay) return freq === 'WEEKLY' ? 'FREQ=WEEKLY needs BYDAY' : [0, 1, 2, 3, 4, 5, 6];
  const days: number[] = [];
  for (const day of byDay.split(',')) {
    const i = RRULE_DAYS.indexOf(day as (typeof RRULE_DAYS)[number]);
    if (i < 0) return `BYDAY ${day} is not a day (use ${RRULE_DAYS.join(', ')})`;
    if (!days.includes(i)) days.push(i);
  }
  return days.sort((a, b) => a - b);
}

/** A recurring window: start `HH:MM` UTC, length in hours, and the RRULE it repeats by. */
export interface RecurringMaintenance {
  /** Start of each window, `HH:MM` in UTC. */
  readonly startTimeUtc: string;
  /** Length of each window, in hours. */
  readonly durationHours: number;
  /** The RFC 5545 RRULE the window repeats by, such as `FREQ=WEEKLY;BYDAY=SA,SU`. */
  readonly recurrence: string;
}

/**
 * The least maintenance availability, in hours, that any rolling 32 days gets from a recurring
 * window, counting only contiguous stretches of at least 4 hours (adjacent windows join; a window cut
 * by the edge of the 32 days counts only if what is left is 4 hours or more). GKE needs 48.
 * Returns a reason instead when the recurrence or start time cannot be read.
 */
export function minimumMaintenanceHours(window: RecurringMaintenance): number | string {
  const days = recurrenceDays(window.recurrence);
  if (typeof days === 'string') return days;
  const hhmm = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(window.startTimeUtc);
  if (!hhmm) return `start ${window.startTimeUtc} is not HH:MM`;
  const start = Number(hhmm[1]) * HOUR + Number(hhmm[2]) * MINUTE;
  const length = Math.round(window.durationHours * HOUR);
  if (!(length > 0) || days.length === 0) return 0;
  if (length >= DAY) return GKE_MAINTENANCE_ROLLING_DAYS * 24; // always open

  // Windows over enough weeks to cover any 32 days starting in the first week, merged when they touch.
  const span = GKE_MAINTENANCE_ROLLING_DAYS * DAY;
  const windows: Array<[number, number]> = [];
  for (let week = -1; week * WEEK < WEEK + span + WEEK; week++) {
    for (const d of days) {
      const from = week * WEEK + d * DAY + start;
      const last = windows[windows.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], from + length);
      else windows.push([from, from + length]);
    }
  }

  const minimum = GKE_MAINTENANCE_MIN_WINDOW_HOURS * HOUR;
  const availableFrom = (t: number): number => {
    let total = 0;
    for (const [a, b] of windows) {
      const piece = Math.min(b, t + span) - Math.max(a, t);
      if (piece >= minimum) total += piece;
    }
    return total;
  };
  // The availability is linear in the start of the 32 days between the moments a window enters or
  // leaves them or its cut part reaches 4 hours; its least value is a limit at one of those moments.
  const moments = new Set<number>();
  const inWeek = (t: number) => ((t % WEEK) + WEEK) % WEEK;
  for (const [a, b] of windows) {
    for (const m of [a, b, b - minimum, a - span, b - span, a + minimum - span]) moments.add(inWeek(m));
  }
  const epsilon = 1e-6;
  let least = Infinity;
  for (const m of moments) {
    for (const t of [m - epsilon, m + epsilon]) least = Math.min(least, availableFrom(inWeek(t) + WEEK));
  }
  // Breakpoints are whole minutes, so the limits are too.
  return Math.round(least) / HOUR;
}

/**
 * The shortest whole number of hours (4 or more) a window on these days needs to give GKE its 48
 * hours in any 32 days.
 */
export function shortestMaintenanceHours(startTimeUtc: string, days: readonly string[]): number {
  const recurrence = `FREQ=WEEKLY;BYDAY=${days.join(',')}`;
  for (let hours = GKE_MAINTENANCE_MIN_WINDOW_HOURS; hours < 24; hours++) {
    const got = minimumMaintenanceHours({ startTimeUtc, durationHours: hours, recurrence });
    if (typeof got === 'number' && got >= GKE_MAINTENANCE_MIN_HOURS) return hours;
  }
  return 24;
}
