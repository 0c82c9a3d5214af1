// Will be replaced by types generated from Rust (ts-rs) in src/api/generated/
//
// Written by hand from docs/api.md. Keep every API shape in this one file so the swap to
// generated types is a single import change.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type JobState =
  | 'scheduled'
  | 'available'
  | 'executing'
  | 'retryable'
  | 'completed'
  | 'discarded'
  | 'cancelled';

export type CatchUp = 'once' | 'skip' | 'all';
export type Backoff = 'exponential' | 'fixed';

/** A number of seconds, `[n, "unit"]` or `"n unit"`. */
export type Duration = number | [number, string] | string;

/** Query values: arrays repeat the key. */
export type QueryValue = string | number | boolean | Array<string | number | boolean>;

export interface RetryPolicy {
  max_attempts?: number;
  backoff?: Backoff;
  base?: Duration;
}

/** The body of `POST /api/jobs` (and, field by field, of the PATCH routes). */
export interface JobInput {
  method?: HttpMethod;
  url: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  body?: JsonValue;
  schedule_in?: Duration;
  scheduled_at?: string | number;
  repeat_every?: Duration;
  cron?: string;
  timezone?: string;
  idempotency_key?: string | null;
  name?: string | null;
  description?: string | null;
  timeout?: Duration;
  retry?: RetryPolicy;
  catch_up?: CatchUp;
  state?: JsonObject;
  inject_fields?: boolean;
  callback_url?: string | null;
  webhook_url?: string | null;
}

export type JobPatch = Partial<JobInput>;

/** `args` echoes what was asked. */
export type JobArgs = Partial<JobInput> & { url: string };

/** The execution record (booper's `job`). */
export interface JobRecord {
  id: number;
  state: JobState;
  inserted_at: string;
  scheduled_at: string;
  attempted_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  discarded_at: string | null;
  has_conflict: boolean;
  has_confict?: boolean;
}

export interface JobRequest {
  method: HttpMethod;
  url: string;
  query: Record<string, QueryValue>;
  headers: Record<string, string>;
  body: JsonValue;
}

export interface Outcome {
  attempt: number;
  status: number | null;
  error: string | null;
  duration_ms: number;
  finished_at: string;
}

export interface AttemptRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface AttemptResponse {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  truncated: boolean;
}

export interface Attempt {
  attempt: number;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  outcome: 'success' | 'failure' | 'error' | null;
  request: AttemptRequest;
  response: AttemptResponse | null;
  error: string | null;
  retry_at: string | null;
}

export interface Job {
  id: string;
  idempotency_key: string | null;
  inserted_at: string;
  name: string | null;
  description: string | null;
  user_id: string | null;
  schedule_id: string | null;
  job_id: number;
  job: JobRecord;
  args: JobArgs;
  state: JobState;
  scheduled_at: string;
  attempt: number;
  max_attempts: number;
  run: number | null;
  request: JobRequest;
  last_outcome: Outcome | null;
  /** Present on `GET /api/jobs/{id}`. */
  attempts?: Attempt[];
}

export type Frequency = { repeat_every: Duration } | { cron: string; timezone: string };

export interface Schedule {
  id: string;
  name: string | null;
  description: string | null;
  inserted_at: string;
  disabled_at: string | null;
  frequency: Frequency;
  summary: string;
  args: JobArgs;
  state: JsonObject;
  next_run_at: string | null;
  pending_job_id: string | null;
  run_count: number;
  catch_up: CatchUp;
  inject_fields: boolean;
}

export interface Page<T> {
  data: T[];
  limit: number;
  offset: number;
  total: number;
}

export interface PreviewInput {
  cron?: string;
  repeat_every?: Duration;
  timezone?: string;
  count?: number;
}

export interface SchedulePreview {
  description: string;
  next: string[];
  notes: string[];
}

/** `POST /api/import/curl`: a job draft; query, headers and body only when the command had them. */
export interface CurlImport {
  method: HttpMethod;
  url: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  body?: JsonValue;
}

export type EventType =
  | 'job.created'
  | 'job.updated'
  | 'job.cancelled'
  | 'job.started'
  | 'job.request'
  | 'job.response'
  | 'job.error'
  | 'job.finished';

export type AttemptOutcome = 'success' | 'failure' | 'error';

/** `job.created`: who made the job, and what it will send. */
export interface JobCreatedPayload {
  source: 'request' | 'schedule' | 'extra run' | 'replay' | (string & {});
  scheduled_at: string;
  run: number | null;
  name: string | null;
  method: string;
  url: string;
}

export interface JobUpdatedPayload {
  changed: string[];
  scheduled_at: string;
  reason?: string;
}

export interface JobCancelledPayload {
  reason: string;
  catch_up?: JsonValue;
}

export interface CatchUpNote {
  policy: CatchUp;
  missed: number;
  message: string;
}

export interface JobStartedPayload {
  attempt: number;
  scheduled_at: string;
  late_ms: number;
  catch_up: CatchUpNote | null;
}

/** What was sent: method, final URL (with the query), headers and the body as text (absent when none). */
export interface JobRequestPayload {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface JobResponsePayload {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
  duration_ms: number;
}

export interface JobErrorPayload {
  error: string;
  duration_ms: number;
  will_retry: boolean;
  retry_at: string | null;
}

export interface JobFinishedPayload {
  state: JobState;
  outcome: AttemptOutcome;
  status: number | null;
  duration_ms: number;
  retry_at: string | null;
}

/** Each event type's payload. */
export interface LogPayloads {
  'job.created': JobCreatedPayload;
  'job.updated': JobUpdatedPayload;
  'job.cancelled': JobCancelledPayload;
  'job.started': JobStartedPayload;
  'job.request': JobRequestPayload;
  'job.response': JobResponsePayload;
  'job.error': JobErrorPayload;
  'job.finished': JobFinishedPayload;
}

/**
 * One line of the log, as `GET /api/logs`, `GET /api/logs/stream` and the Tauri event
 * `chime://event` carry it. `event` is kept open (`string`) so an event type the engine
 * adds later still shows; narrow it with `isEvent` (api/events.ts).
 */
export interface LogEvent {
  id: number;
  event: EventType | (string & {});
  inserted_at: string;
  job_id: string | null;
  schedule_id: string | null;
  attempt: number | null;
  payload: JsonValue;
}

export type TypedLogEvent<E extends EventType> = Omit<LogEvent, 'event' | 'payload'> & { event: E; payload: LogPayloads[E] };

/** `GET /api/logs`: no total, only the limit that was applied. */
export interface LogPage {
  data: LogEvent[];
  limit: number;
}

// ---------- calendar ----------

export interface CalendarPastRun {
  job_id: string;
  schedule_id: string | null;
  name: string | null;
  method: string;
  url: string;
  scheduled_at: string;
  attempted_at: string | null;
  finished_at: string | null;
  state: JobState;
  outcome: AttemptOutcome | null;
  status: number | null;
  duration_ms: number | null;
  attempt: number;
}

export interface CalendarUpcomingRun {
  job_id: string | null;
  schedule_id: string | null;
  name: string | null;
  method: string;
  url: string;
  at: string;
  summary: string | null;
}

/**
 * A dense series: a schedule with more than `dense_threshold` runs a day. Consecutive
 * dense days of one schedule are one band, `day` to `last_day` (upcoming); past bands are
 * one per day, with their outcomes.
 */
export interface CalendarBand {
  schedule_id: string;
  name: string | null;
  /** The first day, in the answer's `timezone`, `YYYY-MM-DD`. */
  day: string;
  /** The last day (inclusive); the same as `day` for a one-day band. */
  last_day: string;
  days: number;
  kind: 'past' | 'upcoming';
  /** Runs over all the band's days. */
  count: number;
  /** Runs each day, when every day has the same number. */
  per_day: number | null;
  first: string;
  last: string;
  summary: string;
  outcomes: { success: number; failure: number; cancelled: number } | null;
}

/** `GET /api/calendar`: everything computed by the engine. */
export interface CalendarData {
  from: string;
  to: string;
  timezone: string;
  dense_threshold: number;
  past: CalendarPastRun[];
  upcoming: CalendarUpcomingRun[];
  bands: CalendarBand[];
}

export interface CalendarParams {
  /** RFC 3339 instants; a range is at most 62 days. */
  from: string;
  to: string;
  /** IANA zone for day boundaries (default: the `default_timezone` setting). */
  tz?: string;
  /** Runs a day above which a schedule's day becomes a band (default 48). */
  dense?: number;
}

// ---------- settings ----------

export interface Settings {
  api_key: string;
  port: number;
  signing_secret: string;
  retention_days: number;
  default_timezone: string;
  notify_on_failure: boolean;
  notify_on_success: boolean;
  launch_at_login: boolean;
  allow_http: boolean;
  ca_cert_path: string | null;
}

/** `PATCH /api/settings`: any member but the two secrets (those are regenerated). */
export type SettingsPatch = Partial<Omit<Settings, 'api_key' | 'signing_secret'>>;

export interface ApiErrorBody {
  error: { code: string; field: string | null; message: string };
}
