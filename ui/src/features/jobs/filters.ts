import type { JobState, Schedule } from '../../api/types';

/** The jobs view's state filter: schedules by whether they run, one-off jobs by state. */
export type JobsFilter = 'all' | 'active' | 'paused' | JobState;

export const JOB_STATES: readonly JobState[] = [
  'scheduled',
  'available',
  'executing',
  'retryable',
  'completed',
  'discarded',
  'cancelled',
];

export const FILTER_OPTIONS = [
  { group: 'Everything', options: [{ value: 'all' as JobsFilter, label: 'All jobs and schedules' }] },
  {
    group: 'Schedules',
    options: [
      { value: 'active' as JobsFilter, label: 'Active schedules' },
      { value: 'paused' as JobsFilter, label: 'Paused schedules' },
    ],
  },
  {
    group: 'One-off jobs',
    options: [
      { value: 'scheduled' as JobsFilter, label: 'Scheduled' },
      { value: 'executing' as JobsFilter, label: 'Running' },
      { value: 'retryable' as JobsFilter, label: 'Retrying' },
      { value: 'completed' as JobsFilter, label: 'Completed' },
      { value: 'discarded' as JobsFilter, label: 'Failed' },
      { value: 'cancelled' as JobsFilter, label: 'Cancelled' },
    ],
  },
];

export interface JobsSearch {
  q?: string;
  state?: JobsFilter;
}

export function parseJobsSearch(search: Record<string, unknown>): JobsSearch {
  const out: JobsSearch = {};
  if (typeof search.q === 'string' && search.q !== '') out.q = search.q;
  const state = search.state;
  if (typeof state === 'string' && (state === 'active' || state === 'paused' || (JOB_STATES as readonly string[]).includes(state))) {
    out.state = state as JobsFilter;
  }
  return out;
}

export function showsSchedules(filter: JobsFilter): boolean {
  return filter === 'all' || filter === 'active' || filter === 'paused';
}

export function showsJobs(filter: JobsFilter): boolean {
  return filter !== 'active' && filter !== 'paused';
}

export function jobStateFilter(filter: JobsFilter): JobState | null {
  return filter === 'all' || filter === 'active' || filter === 'paused' ? null : filter;
}

/** Which schedules the filter keeps, where it keeps some but not all. */
export function keptSchedules(filter: JobsFilter): ((schedule: Schedule) => boolean) | undefined {
  if (filter === 'active') return (schedule) => schedule.disabled_at === null;
  if (filter === 'paused') return (schedule) => schedule.disabled_at !== null;
  return undefined;
}
