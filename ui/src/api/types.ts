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

export interface CurlImport {
  method: HttpMethod;
  url: string;
  query: Record<string, QueryValue>;
  headers: Record<string, string>;
  body: JsonValue;
}

export type EventType =
  | 'job.created'
  | 'job.updated'
  | 'job.cancelled'
  | 'job.started'
  | 'job.request'
  | 'job.response'
  | 'job.error'
  | 'job.finished'
  | (string & {});

/** One line of the log, as `GET /api/logs` and the live stream carry it. */
export interface LogEvent {
  id: number;
  event: EventType;
  inserted_at: string;
  job_id: string | number | null;
  schedule_id: string | null;
  attempt: number | null;
  payload: JsonValue;
}

export interface ApiErrorBody {
  error: { code: string; field: string | null; message: string };
}
