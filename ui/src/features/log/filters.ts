/**
 * The live log's filters, as plain functions. A filter has two halves:
 * - the server half (job, schedule, event types), which `GET /api/logs` applies too, so
 *   history pages hold only matching events and a rare job's events are not buried;
 * - the client half (status class and free text), applied to what is loaded. Free text
 *   finds jobs: every event of a job with a matching event shows.
 * Live events pass through both, in the browser.
 */
import type { EventType, JsonValue, LogEvent } from '../../api/types';
import type { ListLogsParams } from '../../api/client';
import { isEvent, type EventOf } from '../../api/events';

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'error';
export const STATUS_CLASSES: readonly StatusClass[] = ['2xx', '3xx', '4xx', '5xx', 'error'];

export interface LogFilter {
  jobId: string | null;
  scheduleId: string | null;
  /** Empty: every type. */
  types: readonly EventType[];
  /** Empty: any status, and events without one. */
  statuses: readonly StatusClass[];
  text: string;
}

export const NO_FILTER: LogFilter = { jobId: null, scheduleId: null, types: [], statuses: [], text: '' };

function field(payload: JsonValue, key: string): JsonValue | undefined {
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload[key] : undefined;
}

function classOfStatus(status: number): StatusClass | null {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return null;
}

/** The status class an event carries: a response's status, an error, a finished run's result. */
export function statusClassOf(event: LogEvent): StatusClass | null {
  switch (event.event) {
    case 'job.response':
      return classOfStatus(event.payload.status);
    case 'job.error':
      return 'error';
    case 'job.finished': {
      const { outcome, status } = event.payload;
      return outcome === 'error' || status === null ? 'error' : classOfStatus(status);
    }
    default:
      return null;
  }
}

const searchTexts = new WeakMap<LogEvent, string>();

/**
 * What free text looks through: URL, method, error and body (and a created job's name, a
 * cancel's or miss's reason, the host a catch-up waits for, an alert's words), lower-cased
 * once per event.
 */
export function searchTextOf(event: LogEvent): string {
  let text = searchTexts.get(event);
  if (text === undefined) {
    const parts: string[] = [];
    for (const key of ['method', 'url', 'error', 'body', 'name', 'reason', 'host', 'message']) {
      const value = field(event.payload, key);
      if (typeof value === 'string') parts.push(value);
    }
    text = parts.join('\n').toLowerCase();
    searchTexts.set(event, text);
  }
  return text;
}

export function matchesServer(event: LogEvent, filter: LogFilter): boolean {
  if (filter.jobId !== null && event.job_id !== filter.jobId) return false;
  if (filter.scheduleId !== null && event.schedule_id !== filter.scheduleId) return false;
  if (filter.types.length > 0 && !filter.types.includes(event.event)) return false;
  return true;
}

const needleOf = (filter: LogFilter) => filter.text.trim().toLowerCase();

/**
 * The jobs among `events` with an event whose own text matches the filter's (added to
 * `into`); returns whether it gained one. Text finds jobs, not lines: a job found by its
 * URL (in its created and request events) shows its response and finished events too.
 */
export function noteJobsMatchingText(events: readonly LogEvent[], filter: LogFilter, into: Set<string>): boolean {
  const needle = needleOf(filter);
  if (!needle) return false;
  const before = into.size;
  for (const e of events) {
    if (e.job_id !== null && !into.has(e.job_id) && searchTextOf(e).includes(needle)) into.add(e.job_id);
  }
  return into.size > before;
}

/** The client half: the status class, and the text in the event or in another event of its job (`jobs`). */
export function matchesClient(event: LogEvent, filter: LogFilter, jobs: ReadonlySet<string> = new Set()): boolean {
  if (filter.statuses.length > 0) {
    const cls = statusClassOf(event);
    if (cls === null || !filter.statuses.includes(cls)) return false;
  }
  const needle = needleOf(filter);
  if (!needle || (event.job_id !== null && jobs.has(event.job_id))) return true;
  return searchTextOf(event).includes(needle);
}

export function matches(event: LogEvent, filter: LogFilter, jobs?: ReadonlySet<string>): boolean {
  return matchesServer(event, filter) && matchesClient(event, filter, jobs);
}

/** The server half as `GET /api/logs` parameters. */
export function serverParams(filter: LogFilter): Pick<ListLogsParams, 'job_id' | 'schedule_id' | 'event'> {
  const params: Pick<ListLogsParams, 'job_id' | 'schedule_id' | 'event'> = {};
  if (filter.jobId) params.job_id = filter.jobId;
  if (filter.scheduleId) params.schedule_id = filter.scheduleId;
  if (filter.types.length > 0) params.event = filter.types;
  return params;
}

/** A stable key for the server half: when it changes, the log reloads from the server. */
export function serverKey(filter: LogFilter): string {
  return JSON.stringify([filter.jobId, filter.scheduleId, [...filter.types].sort()]);
}

/** For a response (or error) row: the request of the same attempt, searched back from its position. */
export function requestFor(rows: readonly LogEvent[], event: LogEvent): EventOf<'job.request'> | null {
  let i = rows.length - 1;
  while (i >= 0 && rows[i]!.id > event.id) i--;
  for (; i >= 0; i--) {
    const row = rows[i]!;
    if (isEvent(row, 'job.request') && row.job_id === event.job_id && row.attempt === event.attempt) return row;
  }
  return null;
}
