import type { Job, Schedule } from '../../api/types';
import { isPending } from './outcome';

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
 * Schedules and one-off jobs in one list: what runs next comes first (by its next run),
 * then paused schedules and finished jobs, newest first.
 */
export function buildRows(schedules: readonly Schedule[], jobs: readonly Job[]): JobsRow[] {
  const upcoming: Array<{ at: number; row: JobsRow }> = [];
  const rest: Array<{ at: number; row: JobsRow }> = [];
  for (const schedule of schedules) {
    const row: JobsRow = { kind: 'schedule', key: `s:${schedule.id}`, schedule };
    if (schedule.disabled_at === null && schedule.next_run_at) upcoming.push({ at: Date.parse(schedule.next_run_at), row });
    else rest.push({ at: Date.parse(schedule.disabled_at ?? schedule.inserted_at), row });
  }
  for (const job of jobs) {
    if (job.schedule_id !== null) continue; // a schedule's runs show in its own row
    const row: JobsRow = { kind: 'job', key: `j:${job.id}`, job };
    if (isPending(job.state) || job.state === 'executing') upcoming.push({ at: Date.parse(job.scheduled_at), row });
    else rest.push({ at: Date.parse(job.last_outcome?.finished_at ?? job.scheduled_at), row });
  }
  upcoming.sort((a, b) => a.at - b.at);
  rest.sort((a, b) => b.at - a.at);
  return [...upcoming, ...rest].map((x) => x.row);
}

export function nextRunOf(row: JobsRow): string | null {
  return row.kind === 'schedule' ? scheduleNextRun(row.schedule) : jobNextRun(row.job);
}
