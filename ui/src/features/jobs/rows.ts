import type { Job, Schedule } from '../../api/types';
import { hostAndPath } from '../../lib/url';
import { isPending } from './outcome';

/** What a schedule is called: its name, else where it sends. */
export function scheduleName(schedule: Schedule): string {
  return schedule.name || hostAndPath(schedule.request.url);
}

/** The next run a schedule's row shows: none while paused. */
export function scheduleNextRun(schedule: Schedule): string | null {
  return schedule.disabled_at === null ? schedule.next_run_at : null;
}

/** The run a one-off job's row shows as next: its time while it waits, none once it ran. */
export function jobNextRun(job: Job): string | null {
  return isPending(job.state) ? job.scheduled_at : null;
}

export type JobsRow = { kind: 'schedule'; key: string; schedule: Schedule } | { kind: 'job'; key: string; job: Job };

/**
 * Schedules and one-off jobs in one list, newest first (by when they were made), each
 * with that instant. The order depends on nothing that runs, pauses or resumes change,
 * so rows never move under the pointer: after Pause, the next row's buttons are where
 * they were.
 */
function merged(schedules: readonly Schedule[], jobs: readonly Job[]): Array<{ at: number; row: JobsRow }> {
  const rows: Array<{ at: number; row: JobsRow }> = [];
  for (const schedule of schedules) {
    rows.push({ at: Date.parse(schedule.inserted_at), row: { kind: 'schedule', key: `s:${schedule.id}`, schedule } });
  }
  for (const job of jobs) {
    if (job.schedule_id !== null) continue; // a schedule's runs show in its own row
    rows.push({ at: Date.parse(job.inserted_at), row: { kind: 'job', key: `j:${job.id}`, job } });
  }
  rows.sort((a, b) => b.at - a.at || (a.row.key < b.row.key ? -1 : a.row.key > b.row.key ? 1 : 0));
  return rows;
}

/** What the view has loaded of one list, newest made first, page by page. */
export interface Loaded<T> {
  items: readonly T[];
  /** Whether the API holds more, older than the last of `items`. */
  more: boolean;
}

/** Which lists the next "Show more" pages on. */
export interface NextPages {
  schedules: boolean;
  jobs: boolean;
}

/**
 * The rows of two lists loaded page by page, merged newest first, down to where a list
 * with more pages stops: a row of the other list older than that could be preceded by
 * rows not loaded yet, so it waits (loaded, not shown) for the next page. `keep` filters
 * schedules after the cut, as the view's active and paused filters do. Also says which
 * lists the next rows come from: those whose last loaded row is where the rows stop.
 */
export function pagedRows(
  schedules: Loaded<Schedule>,
  jobs: Loaded<Job>,
  keep: (schedule: Schedule) => boolean = () => true,
): { rows: JobsRow[]; next: NextPages } {
  const lastMade = (list: Loaded<Schedule> | Loaded<Job>) => {
    const last = list.items[list.items.length - 1];
    return list.more && last ? Date.parse(last.inserted_at) : -Infinity;
  };
  const ends = { schedules: lastMade(schedules), jobs: lastMade(jobs) };
  const stop = Math.max(ends.schedules, ends.jobs);
  const rows = merged(schedules.items.filter(keep), jobs.items)
    .filter(({ at }) => at >= stop)
    .map(({ row }) => row);
  // A list with more but nothing loaded (its pages shrank meanwhile) pages on too.
  const pagesOn = (list: Loaded<Schedule> | Loaded<Job>, end: number) => list.more && (end === stop || list.items.length === 0);
  return { rows, next: { schedules: pagesOn(schedules, ends.schedules), jobs: pagesOn(jobs, ends.jobs) } };
}

export function nextRunOf(row: JobsRow): string | null {
  return row.kind === 'schedule' ? scheduleNextRun(row.schedule) : jobNextRun(row.job);
}
