import type { PayloadOf, Payloads } from '../api/events';
import { argsOf } from '../api/shapes';
import type { EventType, Job, JobState, LedgerRun, LogEvent, OutcomeSummary, Page, Schedule, SettingsAnswer } from '../api/types';

let seq = 0;
const iso = (offsetSeconds: number) => new Date(Date.now() + offsetSeconds * 1000).toISOString();

export function page<T>(data: T[]): Page<T> {
  return { data, limit: 100, offset: 0, total: data.length };
}

export function makeOutcome(status: number | null, extra: Partial<OutcomeSummary> = {}): OutcomeSummary {
  return { attempt: 1, status, error: status === null ? 'connection refused' : null, duration_ms: 42, finished_at: iso(-60), ...extra };
}

export function makeJob(overrides: Partial<Job> & { state?: JobState } = {}): Job {
  seq += 1;
  const state = overrides.state ?? 'scheduled';
  const url = overrides.request?.url ?? argsOf(overrides.args).url ?? `https://api.example.com/hooks/${seq}`;
  const scheduledAt = overrides.scheduled_at ?? iso(600);
  return {
    id: `job-${seq}`,
    idempotency_key: null,
    inserted_at: iso(-3600),
    name: null,
    description: null,
    user_id: null,
    schedule_id: null,
    job_id: seq,
    job: {
      id: seq,
      state,
      inserted_at: iso(-3600),
      scheduled_at: scheduledAt,
      attempted_at: null,
      completed_at: null,
      cancelled_at: null,
      discarded_at: null,
      has_conflict: false,
      has_confict: false,
    },
    args: { method: 'post', url },
    state,
    scheduled_at: scheduledAt,
    updated_at: iso(-3600),
    attempt: 0,
    max_attempts: 3,
    run: null,
    request: { method: 'post', url, query: {}, headers: {}, body: {} },
    timeout_ms: 30_000,
    retry: { max_attempts: 3, backoff: 'exponential', base_ms: 10_000 },
    callback_url: null,
    webhook_url: null,
    note: null,
    last_outcome: null,
    ...overrides,
  };
}

export function makeSchedule(overrides: Partial<Schedule> = {}): Schedule {
  seq += 1;
  // the request follows the args given (as the engine makes it from them)
  const asked = argsOf(overrides.args);
  const method = asked.method ?? 'post';
  const url = asked.url ?? `https://api.example.com/daily/${seq}`;
  return {
    id: `schedule-${seq}`,
    name: null,
    description: null,
    inserted_at: iso(-86400),
    updated_at: iso(-86400),
    disabled_at: null,
    frequency: { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
    timezone: 'Europe/Berlin',
    summary: 'At 09:00 AM, Monday through Friday',
    args: { method, url },
    state: {},
    next_run_at: iso(3600),
    pending_job_id: `job-pending-${seq}`,
    run_count: 3,
    catch_up: 'once',
    inject_fields: true,
    request: { method, url, query: {}, headers: asked.headers ?? {}, ...(asked.body !== undefined ? { body: asked.body } : {}) },
    assert: [],
    alert: null,
    overlap: 'allow',
    max_runs: null,
    until: null,
    quiet_hours: null,
    failures_in_row: 0,
    failing_since: null,
    resume_at: null,
    runs_sent: 0,
    ...overrides,
  };
}

/**
 * A ledger row: a run planned `hoursAgo` hours ago that went out on time and succeeded,
 * unless `overrides` say otherwise (a stretch: `count`, `until`, `reason`, `action`).
 */
export function makeRun(hoursAgo: number, overrides: Partial<LedgerRun> = {}): LedgerRun {
  seq += 1;
  const planned = iso(-hoursAgo * 3600);
  return {
    planned_at: planned,
    count: 1,
    job_id: `job-${seq}`,
    started_at: planned,
    drift_ms: 150,
    duration_ms: 80,
    outcome: 'success',
    reason: null,
    action: null,
    ...overrides,
  };
}

/** A stretch of `count` runs, one an hour from `hoursAgo` on, that never went out. */
export function makeMissed(hoursAgo: number, count: number, reason: LedgerRun['reason'], action: LedgerRun['action']): LedgerRun {
  return makeRun(hoursAgo, {
    count,
    ...(count > 1 ? { until: iso(-(hoursAgo - count + 1) * 3600) } : {}),
    job_id: null,
    started_at: null,
    drift_ms: null,
    duration_ms: null,
    outcome: 'cancelled',
    reason,
    action,
  });
}

export function makeSettings(overrides: Partial<SettingsAnswer> = {}): SettingsAnswer {
  return {
    api_key: 'chime_test',
    port: 7391,
    signing_secret: 'whsec_test',
    retention_days: 30,
    default_timezone: 'UTC',
    notify_on_failure: true,
    notify_on_success: false,
    launch_at_login: false,
    allow_http: false,
    ca_cert_path: null,
    network_wait_seconds: 30,
    ...overrides,
  };
}

/** An event's own fields, the same for every kind. */
export type EventFields = Omit<LogEvent, 'event' | 'payload'>;
/** An event of kind `K`: for one kind, the generated union's member for it. */
export type MadeEvent<K extends EventType> = EventFields & { event: K; payload: PayloadOf<K> };

/**
 * A plain payload of each kind (one attempt of a POST that got a 200; a schedule's run skipped
 * while the computer slept; a catch-up waiting 30 s for its host; its alerts), for tests to
 * change what they look at.
 */
const PAYLOADS: Payloads = {
  'job.created': { source: 'request', scheduled_at: '2026-11-30T08:00:00.000Z', run: null, name: null, method: 'post', url: 'https://api.example.com/hooks/1' },
  'job.updated': { changed: ['scheduled_at'], scheduled_at: '2026-11-30T08:00:00.000Z' },
  'job.cancelled': { reason: 'cancelled by request' },
  'job.started': { attempt: 1, scheduled_at: '2026-11-30T08:00:00.000Z', late_ms: 0, catch_up: null },
  'job.request': { method: 'POST', url: 'https://api.example.com/hooks/1', headers: {}, truncated: false },
  'job.response': { status: 200, headers: {}, body: '', truncated: false, duration_ms: 12 },
  'job.error': { error: 'connection refused', duration_ms: 3, will_retry: false, retry_at: null },
  'job.finished': { state: 'completed', outcome: 'success', status: 200, duration_ms: 12, retry_at: null, interrupted: false },
  'job.missed': { planned_at: '2026-11-30T08:00:00.000Z', count: 1, reason: 'asleep', action: 'skipped' },
  'job.waiting': { reason: 'network', host: 'api.example.com:443', up_to_ms: 30_000 },
  'job.changed': {
    previous_job_id: 'j0',
    diff: [{ path: 'status', before: 503, after: 200 }],
    more: 0,
    message: 'Heartbeat changed: status 503 → 200',
    channels: ['desktop'],
  },
  'schedule.failing': { failures: 3, last_failure: '503 Service Unavailable', message: 'Heartbeat failed 3 times in a row: 503 Service Unavailable', channels: ['desktop'] },
  'schedule.recovered': { failures: 3, failing_since: '2026-11-30T07:45:00.000Z', message: 'Heartbeat works again: 200 OK, after 3 failed runs', channels: ['desktop'] },
};

// ids increase, as the engine's do; from 1000, so a test can put an older event below one
let eventSeq = 1000;

/**
 * A log event of `kind` (one kind: a `LogEvent`): the plain payload with `payload` over it,
 * and `fields` over the event's own defaults.
 */
export function makeEvent<K extends EventType>(kind: K, payload: Partial<PayloadOf<K>> = {}, fields: Partial<EventFields> = {}): MadeEvent<K> {
  eventSeq += 1;
  return {
    id: eventSeq,
    inserted_at: '2026-11-30T08:00:00.000Z',
    job_id: 'j1',
    schedule_id: null,
    attempt: 1,
    ...fields,
    event: kind,
    payload: { ...PAYLOADS[kind], ...payload },
  };
}
