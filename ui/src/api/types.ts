/**
 * The API's shapes, in one place.
 *
 * Every object the engine sends is generated from its Rust structs by ts-rs into
 * `./generated/` (`cargo test` rewrites those files: never edit them). They are re-exported
 * here, some under the names the UI used before (`Job` is `JobView`, `LogEvent` is `Event`,
 * which would otherwise shadow the DOM's `Event`, ...). docs/api.md is the reference.
 *
 * What is still written by hand below has no generated counterpart: request bodies and
 * query parameters the UI builds (the engine reads them from JSON), answers whose Rust
 * types are not exported by ts-rs or are only JSON there (the preview, the curl draft, list
 * envelopes, the settings answer, event payloads), and the shapes inside members ts-rs can
 * only type as `JsonValue` (`args`, `frequency`). Each says why.
 */
import type { Method } from './generated/Method';
import type { JobState } from './generated/JobState';
import type { CatchUp } from './generated/CatchUp';
import type { Backoff } from './generated/Backoff';
import type { Outcome } from './generated/Outcome';
import type { Event } from './generated/Event';
import type { EventKind } from './generated/EventKind';
import type { Settings } from './generated/Settings';
import type { JsonValue } from './generated/serde_json/JsonValue';
import type { Redirect } from './generated/Redirect';

// ---------- generated (ts-rs) ----------

export type { JsonValue } from './generated/serde_json/JsonValue';
export type { Method as HttpMethod } from './generated/Method';
export type { JobState } from './generated/JobState';
export type { CatchUp } from './generated/CatchUp';
export type { Backoff } from './generated/Backoff';
export type { RetryPolicy } from './generated/RetryPolicy';
export type { RequestSpec } from './generated/RequestSpec';
export type { ExecutionView } from './generated/ExecutionView';
export type { OutcomeSummary } from './generated/OutcomeSummary';
/** An attempt's result: `success`, `failure` or `error`. */
export type { Outcome as AttemptOutcome } from './generated/Outcome';
export type { SentRequest } from './generated/SentRequest';
export type { ResponseRecord } from './generated/ResponseRecord';
export type { Redirect } from './generated/Redirect';
export type { Attempt } from './generated/Attempt';
export type { JobView as Job } from './generated/JobView';
export type { ScheduleView as Schedule } from './generated/ScheduleView';
export type { EventKind as EventType } from './generated/EventKind';
export type { Event as LogEvent } from './generated/Event';
export type { Calendar as CalendarData } from './generated/Calendar';
export type { PastRun as CalendarPastRun } from './generated/PastRun';
export type { Upcoming as CalendarUpcomingRun } from './generated/Upcoming';
export type { Band as CalendarBand } from './generated/Band';
export type { Settings } from './generated/Settings';
export type { Status as EngineStatus } from './generated/Status';
export type { JobDefaults } from './generated/JobDefaults';

// ---------- by hand: what the UI sends ----------

/** A JSON object (a schedule's `state` as the UI sends it). A UI helper, no API object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * A duration the API accepts in request bodies: a number of seconds, `[n, "unit"]` or
 * `"n unit"`. By hand: the engine parses it from JSON and sends durations back only as
 * `*_ms` numbers, or echoed inside `args`/`frequency` (JsonValue).
 */
export type Duration = number | [number, string] | string;

/** Query values in request bodies: arrays repeat the key. By hand: an input form only. */
export type QueryValue = string | number | boolean | Array<string | number | boolean>;

/**
 * `retry` in a request body. By hand: it differs from the generated `RetryPolicy` the
 * engine sends back (every member optional, `base` a Duration instead of `base_ms`).
 */
export interface RetryInput {
  max_attempts?: number;
  backoff?: Backoff;
  base?: Duration;
}

/**
 * The body of `POST /api/jobs` (and, field by field, of the PATCH routes). By hand: the
 * engine reads it field by field from the JSON (draft.rs), so ts-rs has no type for it.
 */
export interface JobInput {
  method?: Method;
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
  retry?: RetryInput;
  catch_up?: CatchUp;
  state?: JsonObject;
  inject_fields?: boolean;
  callback_url?: string | null;
  webhook_url?: string | null;
}

/** `PATCH /api/jobs/{id}` and `PATCH /api/schedules/{id}`: a request body, by hand as `JobInput`. */
export type JobPatch = Partial<JobInput>;

/**
 * How the UI reads a job's or schedule's `args`, which echo what was asked (a `JobInput`).
 * By hand: ts-rs types `args` as `JsonValue`; narrow it with `argsOf` (api/shapes.ts).
 */
export type JobArgs = Partial<JobInput>;

/**
 * How the UI reads a schedule's `frequency`. By hand: ts-rs types it as `JsonValue`;
 * narrow it with `frequencyOf` (api/shapes.ts).
 */
export type Frequency = { repeat_every: Duration } | { cron: string; timezone: string };

/** `POST /api/schedules/preview`: a request body, by hand. */
export interface PreviewInput {
  cron?: string;
  repeat_every?: Duration;
  timezone?: string;
  count?: number;
}

/** `GET /api/calendar` query parameters: built by the UI, by hand. */
export interface CalendarParams {
  /** RFC 3339 instants; a range is at most 62 days. */
  from: string;
  to: string;
  /** IANA zone for day boundaries (default: the `default_timezone` setting). */
  tz?: string;
  /** Runs a day above which a schedule's day becomes a band (default 48). */
  dense?: number;
}

/** `PATCH /api/settings`: any member but the two secrets (those are regenerated). A request body, by hand. */
export type SettingsPatch = Partial<Omit<Settings, 'signing_secret'>>;

// ---------- by hand: answers with no generated type ----------

/**
 * A list: `{data, limit, offset, total}`. By hand: the envelope is made by the HTTP layer
 * around the generated objects, not a generated struct.
 */
export interface Page<T> {
  data: T[];
  limit: number;
  offset: number;
  total: number;
}

/** `GET /api/logs`: no total, only the limit that was applied. By hand, as `Page`. */
export interface LogPage {
  data: Event[];
  limit: number;
}

/**
 * `POST /api/schedules/preview`'s answer. By hand: the engine's `Preview` (rule.rs) is not
 * exported by ts-rs (its times are zoned, written as JSON by the API layer).
 */
export interface SchedulePreview {
  description: string;
  next: string[];
  notes: string[];
}

/**
 * `POST /api/import/curl`: a job draft; query, headers and body only when the command had
 * them. By hand: the engine's `CurlRequest` (curl.rs) is not exported by ts-rs.
 */
export interface CurlImport {
  method: Method;
  url: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  body?: JsonValue;
}

/**
 * `GET /api/settings` (and `PATCH`, and the regenerate routes): the generated `Settings`
 * plus the API key. By hand: the key is not a setting (it lives in its own file), the
 * HTTP layer adds it to the answer.
 */
export type SettingsAnswer = Settings & { api_key: string };

/** An error answer. By hand: made by the HTTP layer, not a generated struct. */
export interface ApiErrorBody {
  error: { code: string; field: string | null; message: string };
}

// ---------- by hand: event payloads (ts-rs types `payload` as JsonValue) ----------

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

/**
 * What was sent: method, final URL (with the query), every header that went on the wire
 * (User-Agent, Accept, Content-Type, Content-Length included) and the body as text (absent
 * when none; cut at the log's cap, then `truncated`, absent in older events).
 */
export interface JobRequestPayload {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  truncated?: boolean;
}

/** A `ResponseRecord` (its `redirects` absent when none were followed) and how long it took. */
export interface JobResponsePayload {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
  redirects?: Redirect[];
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
  outcome: Outcome;
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

/** A log event with its payload typed by its event type; narrow with `isEvent` (api/events.ts). */
export type TypedLogEvent<E extends EventKind> = Omit<Event, 'event' | 'payload'> & { event: E; payload: LogPayloads[E] };
