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
 * Schedules and one-off jobs in one list, newest first (by when they were made). The order
 * depends on nothing that runs, pauses or resumes change, so rows never move under the
 * pointer: after Pause, the next row's buttons are where they were.
 */
export function buildRows(schedules: readonly Schedule[], jobs: readonly Job[]): JobsRow[] {
  const rows: Array<{ at: number; row: JobsRow }> = [];
  for (const schedule of schedules) {
    rows.push({ at: Date.parse(schedule.inserted_at), row: { kind: 'schedule', key: `s:${schedule.id}`, schedule } });
  }
  for (const job of jobs) {
    if (job.schedule_id !== null) continue; // a schedule's runs show in its own row
    rows.push({ at: Date.parse(job.inserted_at), row: { kind: 'job', key: `j:${job.id}`, job } });
  }
  rows.sort((a, b) => b.at - a.at || (a.row.key < b.row.key ? -1 : a.row.key > b.row.key ? 1 : 0));
  return rows.map((x) => x.row);
}

export function nextRunOf(row: JobsRow): string | null {
  return row.kind === 'schedule' ? scheduleNextRun(row.schedule) : jobNextRun(row.job);
}
