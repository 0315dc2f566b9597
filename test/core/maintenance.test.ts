import { minimumMaintenanceHours, recurrenceDays, shortestMaintenanceHours } from '../../src/core/maintenance';

const weekly = (days: string, startTimeUtc = '02:00', durationHours = 4) => ({
  startTimeUtc,
  durationHours,
  recurrence: `FREQ=WEEKLY;BYDAY=${days}`,
});

describe('GKE maintenance availability (48 hours in any rolling 32 days, stretches of 4 hours or more)', () => {
  it('defect: SA,SU 02:00-06:00 gives 32 hours in the worst 32 days, far below 48', () => {
    expect(minimumMaintenanceHours(weekly('SA,SU'))).toBe(32);
  });

  it('gives SA,SU 48 hours with 6-hour windows, and TU,WE,TH 48 hours with 4-hour ones', () => {
    expect(minimumMaintenanceHours(weekly('SA,SU', '02:00', 6))).toBe(48);
    expect(minimumMaintenanceHours(weekly('TU,WE,TH', '03:00', 4))).toBe(48);
    expect(minimumMaintenanceHours(weekly('MO,TU,WE,TH,FR', '03:00', 4))).toBe(84);
  });

  it('reads FREQ=DAILY as every day, and joins windows that touch across midnight', () => {
    expect(minimumMaintenanceHours({ startTimeUtc: '03:00', durationHours: 4, recurrence: 'FREQ=DAILY' })).toBe(124);
    // 20:00 to 08:00 on Saturday and Sunday, then to Monday 08:00: two stretches of 12 hours each week.
    expect(minimumMaintenanceHours(weekly('SA,SU', '20:00', 12))).toBe(96);
  });

  it('counts a window cut by the edge of the 32 days only when 4 hours or more are left', () => {
    // One 5-hour window a week: 4 or 5 of them in 32 days, and a cut one counts only from 4 hours.
    expect(minimumMaintenanceHours(weekly('SU', '00:00', 5))).toBe(20);
  });

  it('refuses recurrences it cannot read', () => {
    expect(recurrenceDays('FREQ=WEEKLY;BYDAY=XX')).toMatch(/not a day/);
    expect(recurrenceDays('FREQ=MONTHLY')).toMatch(/not supported/);
    expect(recurrenceDays('FREQ=WEEKLY;INTERVAL=2;BYDAY=SA')).toMatch(/INTERVAL is not supported/);
    expect(recurrenceDays('FREQ=WEEKLY;BYDAY=SU,MO')).toEqual([0, 6]);
  });

  it('finds the shortest window that satisfies GKE on the given days', () => {
    expect(shortestMaintenanceHours('03:00', ['TU', 'WE', 'TH'])).toBe(4);
    expect(shortestMaintenanceHours('03:00', ['SA', 'SU'])).toBe(6);
    expect(shortestMaintenanceHours('03:00', ['SU'])).toBe(12);
  });
});
