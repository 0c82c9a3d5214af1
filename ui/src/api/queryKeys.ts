import type { JobState } from './types';

/** Query keys in one place, so live events can invalidate exactly what they touch. */
export const queryKeys = {
  jobs: ['jobs'] as const,
  /** The jobs view's one-off jobs, page by page. */
  jobPages: (filter: { q: string; state: JobState | null }) => ['jobs', 'list', 'pages', filter] as const,
  jobLists: ['jobs', 'list'] as const,
  scheduleHistory: (scheduleId: string) => ['jobs', 'history', scheduleId] as const,
  job: (id: string) => ['jobs', 'detail', id] as const,
  /** The alerts a job's run raised: under the job's key, so its events refresh them. */
  jobAlerts: (id: string) => ['jobs', 'detail', id, 'alerts'] as const,
  schedules: ['schedules'] as const,
  /**
   * The schedule picker's names for a search: outside the lists a schedule's run refreshes
   * (a run renames nothing); made and deleted schedules refresh `schedules` whole.
   */
  scheduleNames: (q: string) => ['schedules', 'names', q] as const,
  /** The jobs view's schedules, page by page. */
  schedulePages: (filter: { q: string }) => ['schedules', 'list', 'pages', filter] as const,
  scheduleLists: ['schedules', 'list'] as const,
  schedule: (id: string) => ['schedules', 'detail', id] as const,
  /** A schedule's ledger: every range of it (the key a live event refreshes). */
  scheduleRuns: (id: string) => ['schedules', 'runs', id] as const,
  scheduleRunsIn: (id: string, range: string) => ['schedules', 'runs', id, range] as const,
  preview: (input: object) => ['preview', input] as const,
  calendar: ['calendar'] as const,
  calendarRange: (range: { from: string; to: string; tz: string }) => ['calendar', range] as const,
  settings: ['settings'] as const,
  status: ['status'] as const,
  logs: ['logs'] as const,
};
