/** `#/schedules/$scheduleId?range=week`: how far back the schedule's page looks, in the address. */

export type LedgerRange = 'hour' | 'day' | 'week';

export interface ScheduleSearch {
  range?: LedgerRange;
}

export const DEFAULT_RANGE: LedgerRange = 'day';

const HOUR = 3_600_000;

/** Each range: its length, how many slices its timeline has, and its name. */
export const RANGES: Record<LedgerRange, { ms: number; slices: number; label: string }> = {
  hour: { ms: HOUR, slices: 60, label: 'Last hour' },
  day: { ms: 24 * HOUR, slices: 96, label: 'Last day' },
  week: { ms: 7 * 24 * HOUR, slices: 168, label: 'Last week' },
};

function isRange(value: unknown): value is LedgerRange {
  return typeof value === 'string' && value in RANGES;
}

export function parseScheduleSearch(search: Record<string, unknown>): ScheduleSearch {
  return isRange(search.range) ? { range: search.range } : {};
}
