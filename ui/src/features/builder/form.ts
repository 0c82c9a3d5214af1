/**
 * The job builder's form: its state, how it is filled from a job, a schedule or a curl
 * command, how it becomes an API request, and how API error fields map back onto it.
 */
import { newRow, type KeyValueRow } from '../../components/KeyValueEditor';
import type {
  Attempt,
  Backoff,
  CatchUp,
  CurlImport,
  DurationInput,
  HttpMethod,
  Job,
  JobArgs,
  JobInput,
  JobPatch,
  JsonValue,
  QueryValue,
  RetryInput,
  Schedule,
} from '../../api/types';
import { argsOf } from '../../api/shapes';
import { jsonText } from '../../lib/json';
import { parseDuration, toSeconds, type DurationUnit } from '../../lib/duration';
import { checkUrl } from '../../lib/url';
import { definedHeaders, definedQuery, definedUserinfo } from './replayCredentials';
import { instantToLocalDateTime, localDateTimeToRfc3339, machineTimeZone } from '../../lib/zones';
import {
  checkChecksAndAlerts,
  checksAndAlertsInput,
  checksAndAlertsOfArgs,
  checksAndAlertsOfSchedule,
  checksAndAlertsPatch,
  emptyChecksAndAlerts,
  type ChecksAndAlertsForm,
} from './checksForm';

export type ScheduleKind = 'once' | 'every' | 'cron';
export type OnceMode = 'now' | 'in' | 'at';

/** The request, when it runs, its options, and its checks and alerts (checksForm.ts). */
export interface BuilderForm extends ChecksAndAlertsForm {
  method: HttpMethod;
  url: string;
  query: KeyValueRow[];
  headers: KeyValueRow[];
  /** JSON text; empty for no body. */
  body: string;

  scheduleKind: ScheduleKind;
  onceMode: OnceMode;
  inAmount: string;
  inUnit: DurationUnit;
  /** A `datetime-local` value, read in `timezone`. */
  atLocal: string;
  everyAmount: string;
  everyUnit: DurationUnit;
  cron: string;
  timezone: string;

  name: string;
  description: string;
  // Empty text and '' mean "the engine's default" (GET /api/status `defaults`): the form
  // keeps no copy of those, and sends nothing for them.
  maxAttempts: string;
  backoff: Backoff | '';
  /** Seconds. */
  retryBase: string;
  /** Seconds. */
  timeout: string;
  catchUp: CatchUp | '';
  /** Seconds a schedule's catch-up run waits for its host; empty: the `network_wait_seconds` setting. */
  networkWait: string;
  idempotencyKey: string;
  callbackUrl: string;
  webhookUrl: string;
}

/** The inputs an error can be shown under. */
export type FieldKey =
  | 'method'
  | 'url'
  | 'query'
  | 'headers'
  | 'body'
  | 'onceIn'
  | 'onceAt'
  | 'every'
  | 'cron'
  | 'timezone'
  | 'name'
  | 'description'
  | 'maxAttempts'
  | 'backoff'
  | 'retryBase'
  | 'timeout'
  | 'catchUp'
  | 'networkWait'
  | 'idempotencyKey'
  | 'callbackUrl'
  | 'webhookUrl'
  | 'checks'
  | 'alert'
  | 'overlap'
  | 'maxRuns'
  | 'until'
  | 'quietHours';

export type FieldErrors = Partial<Record<FieldKey, string>>;

export const ADVANCED_FIELDS: readonly FieldKey[] = [
  'description',
  'maxAttempts',
  'backoff',
  'retryBase',
  'timeout',
  'catchUp',
  'networkWait',
  'idempotencyKey',
  'callbackUrl',
  'webhookUrl',
];

/** The fields of "Checks and alerts": an error in one opens that section. */
export const CHECK_FIELDS: readonly FieldKey[] = ['checks', 'alert', 'overlap', 'maxRuns', 'until', 'quietHours'];

export const METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

export function emptyForm(timezone: string = machineTimeZone()): BuilderForm {
  return {
    method: 'post',
    url: '',
    query: [],
    headers: [],
    body: '',
    scheduleKind: 'once',
    onceMode: 'in',
    inAmount: '5',
    inUnit: 'minutes',
    atLocal: '',
    everyAmount: '5',
    everyUnit: 'minutes',
    cron: '0 9 * * 1-5',
    timezone,
    name: '',
    description: '',
    maxAttempts: '',
    backoff: '',
    retryBase: '',
    timeout: '',
    catchUp: '',
    networkWait: '',
    idempotencyKey: '',
    callbackUrl: '',
    webhookUrl: '',
    ...emptyChecksAndAlerts(),
  };
}

// ---------- filling the form ----------

function toMethod(value: unknown): HttpMethod {
  const m = typeof value === 'string' ? value.toLowerCase() : 'get';
  return (METHODS as readonly string[]).includes(m) ? (m as HttpMethod) : 'get';
}

export function queryToRows(query: Record<string, JsonValue> | undefined | null): KeyValueRow[] {
  if (!query) return [];
  return Object.entries(query).flatMap(([key, value]) =>
    Array.isArray(value) ? value.map((v) => newRow(key, jsonText(v))) : [newRow(key, jsonText(value))],
  );
}

export function headersToRows(headers: Record<string, JsonValue> | undefined | null): KeyValueRow[] {
  if (!headers) return [];
  return Object.entries(headers).map(([key, value]) => newRow(key, jsonText(value)));
}

export function bodyToText(body: JsonValue | undefined): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return '';
  return JSON.stringify(body, null, 2);
}

function secondsText(duration: DurationInput | undefined): string {
  const parts = parseDuration(duration);
  return parts ? String(toSeconds(parts)) : '';
}

function applyArgs(form: BuilderForm, args: JobArgs): BuilderForm {
  const retry: RetryInput = args.retry ?? {};
  return {
    ...form,
    method: toMethod(args.method),
    url: args.url ?? '',
    query: queryToRows(args.query),
    headers: headersToRows(args.headers),
    body: bodyToText(args.body),
    name: args.name ?? '',
    description: args.description ?? '',
    maxAttempts: retry.max_attempts !== undefined ? String(retry.max_attempts) : '',
    backoff: retry.backoff ?? '',
    retryBase: secondsText(retry.base),
    timeout: secondsText(args.timeout),
    catchUp: args.catch_up ?? '',
    networkWait: secondsText(args.network_wait),
    idempotencyKey: args.idempotency_key ?? '',
    callbackUrl: args.callback_url ?? '',
    webhookUrl: args.webhook_url ?? '',
    ...checksAndAlertsOfArgs(args),
  };
}

/** A one-off job, for editing (its time stays) or duplicating. */
export function formFromJob(job: Job, timezone: string = machineTimeZone()): BuilderForm {
  const asked = argsOf(job.args);
  const args: JobArgs = {
    ...asked,
    name: job.name ?? asked.name,
    description: job.description ?? asked.description,
    idempotency_key: job.idempotency_key ?? asked.idempotency_key,
  };
  return {
    ...applyArgs(emptyForm(timezone), args),
    // the request as asked, else as the engine keeps it
    method: toMethod(asked.method ?? job.request.method),
    url: asked.url ?? job.request.url,
    query: queryToRows(asked.query ?? job.request.query),
    headers: headersToRows(asked.headers ?? job.request.headers),
    body: bodyToText(asked.body !== undefined ? asked.body : job.request.body),
    scheduleKind: 'once',
    onceMode: 'at',
    atLocal: instantToLocalDateTime(job.scheduled_at, timezone),
  };
}

export function formFromSchedule(schedule: Schedule, fallbackZone: string = machineTimeZone()): BuilderForm {
  const asked = argsOf(schedule.args);
  const form = applyArgs(emptyForm(fallbackZone), {
    ...asked,
    name: schedule.name ?? asked.name,
    description: schedule.description ?? asked.description,
    catch_up: schedule.catch_up ?? asked.catch_up,
  });
  const frequency = schedule.frequency;
  const zone = 'cron' in frequency ? frequency.timezone : form.timezone;
  // the typed view: what the engine does, its defaults filled in
  Object.assign(form, checksAndAlertsOfSchedule(schedule, zone));
  if ('cron' in frequency) {
    return { ...form, scheduleKind: 'cron', cron: frequency.cron, timezone: zone };
  }
  const every = parseDuration(frequency.repeat_every);
  return {
    ...form,
    scheduleKind: 'every',
    everyAmount: every ? String(every.amount) : form.everyAmount,
    everyUnit: every?.unit ?? form.everyUnit,
  };
}

/**
 * The headers a job sets itself, with the values an attempt sent (dynamic fields filled
 * in). The log also records those the engine adds on the wire (User-Agent, Content-Length,
 * ...): copied into a new job they would be sent as fixed values, a stale length included.
 */
function ownHeaders(sent: Record<string, JsonValue>, own: Record<string, JsonValue>): Record<string, JsonValue> {
  const names = new Set(Object.keys(own).map((k) => k.toLowerCase()));
  return Object.fromEntries(Object.entries(sent).filter(([k]) => names.has(k.toLowerCase())));
}

/**
 * Edit and replay: what one attempt actually sent (its final URL, headers and body), with
 * the job's other options, to send again now as a new one-off job. Credentials the log
 * redacted come from the job's definition (replayCredentials.ts).
 */
export function formFromAttempt(job: Job, attempt: Pick<Attempt, 'request'>, timezone: string = machineTimeZone()): BuilderForm {
  const base = formFromJob(job, timezone);
  const { request } = attempt;
  // nothing was sent (the request could not be built): the job's own request, sent now
  if (!request) return { ...base, scheduleKind: 'once', onceMode: 'now', idempotencyKey: '' };
  let url = request.url;
  let query: KeyValueRow[] = [];
  try {
    const parsed = new URL(request.url);
    query = definedQuery(Array.from(parsed.searchParams.entries()), job.request).map(([k, v]) => newRow(k, v));
    parsed.search = '';
    definedUserinfo(parsed, job.request);
    url = parsed.toString();
  } catch {
    // not a URL we can split: keep it whole
  }
  // A body cut for the log is not what was sent: the job's own body then.
  let body = request.truncated ? base.body : (request.body ?? '');
  try {
    if (body.trim() && !request.truncated) body = JSON.stringify(JSON.parse(body) as JsonValue, null, 2);
  } catch {
    // not JSON: the builder's body check will say so
  }
  return {
    ...base,
    method: toMethod(request.method),
    url,
    query,
    headers: headersToRows(definedHeaders(ownHeaders(request.headers, job.request.headers), job.request.headers)),
    body,
    scheduleKind: 'once',
    onceMode: 'now',
    idempotencyKey: '',
  };
}

/** A copy to save as new: same request and rule, no idempotency key (it would match the original). */
export function duplicateForm(form: BuilderForm): BuilderForm {
  return {
    ...form,
    name: form.name ? `${form.name} (copy)` : '',
    idempotencyKey: '',
    onceMode: form.scheduleKind === 'once' && form.onceMode === 'at' ? 'in' : form.onceMode,
  };
}

export function applyCurl(form: BuilderForm, curl: CurlImport): BuilderForm {
  return {
    ...form,
    method: toMethod(curl.method),
    url: curl.url,
    query: queryToRows(curl.query),
    headers: headersToRows(curl.headers),
    body: bodyToText(curl.body),
  };
}

/**
 * A name for a new job from what it calls: "POST /hooks/deploy" (the host when the path is
 * only "/"), so jobs to one host can be told apart. Empty while the URL cannot be read.
 */
export function suggestName(form: Pick<BuilderForm, 'method' | 'url'>): string {
  let url: URL;
  try {
    url = new URL(form.url.trim());
  } catch {
    return '';
  }
  let path = url.pathname;
  try {
    path = decodeURI(path); // "{{$state.id}}" as typed, not %7B%7B...
  } catch {
    // a malformed escape: keep it as it is
  }
  return `${form.method.toUpperCase()} ${path === '/' ? url.host : path}`;
}

// ---------- checking and building the request ----------

export function rowsToQuery(rows: KeyValueRow[]): Record<string, QueryValue> {
  const out: Record<string, QueryValue> = {};
  for (const { key, value } of rows) {
    const k = key.trim();
    if (!k) continue;
    const existing = out[k];
    if (existing === undefined) out[k] = value;
    else out[k] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

export function rowsToHeaders(rows: KeyValueRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of rows) {
    const k = key.trim();
    if (k) out[k] = value;
  }
  return out;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseBody(text: string): { ok: true; value: JsonValue | undefined } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (e) {
    return { ok: false, message: `The body is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function positive(text: string, { integer = false } = {}): boolean {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n > 0 && (!integer || Number.isInteger(n));
}

/** The engine takes a schedule's `network_wait` from 0 s to 10 minutes. */
export const MAX_NETWORK_WAIT_SECONDS = 600;

function withinNetworkWait(text: string): boolean {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= MAX_NETWORK_WAIT_SECONDS;
}

/** Only the request part: what "Send now" needs. */
export function checkRequest(form: BuilderForm): FieldErrors {
  const errors: FieldErrors = {};
  const url = checkUrl(form.url);
  if (!url.ok) errors.url = url.message;
  const body = parseBody(form.body);
  if (!body.ok) errors.body = body.message;
  for (const row of form.headers) {
    const k = row.key.trim();
    if (!k && row.value.trim()) {
      errors.headers = 'Each header needs a name.';
      break;
    }
    if (k && !HEADER_NAME.test(k)) {
      errors.headers = `"${k}" is not a valid header name.`;
      break;
    }
  }
  if (!errors.headers && form.query.some((r) => !r.key.trim() && r.value.trim())) {
    errors.query = 'Each query parameter needs a name.';
  }
  return errors;
}

export function checkForm(form: BuilderForm): FieldErrors {
  const errors = checkRequest(form);
  if (form.scheduleKind === 'once') {
    if (form.onceMode === 'in' && !positive(form.inAmount)) errors.onceIn = 'Enter how long to wait, more than 0.';
    if (form.onceMode === 'at') {
      if (!form.atLocal) errors.onceAt = 'Pick a date and time.';
      else if (!localDateTimeToRfc3339(form.atLocal, form.timezone)) errors.onceAt = 'This date and time cannot be read.';
    }
  } else if (form.scheduleKind === 'every') {
    if (!positive(form.everyAmount)) errors.every = 'Enter an interval of more than 0.';
  } else if (!form.cron.trim()) {
    errors.cron = 'Enter a cron expression, or pick a preset.';
  }
  if (form.maxAttempts && !positive(form.maxAttempts, { integer: true })) errors.maxAttempts = 'A whole number, 1 or more.';
  if (form.retryBase && !positive(form.retryBase)) errors.retryBase = 'A number of seconds, more than 0.';
  if (form.timeout && !positive(form.timeout)) errors.timeout = 'A number of seconds, more than 0.';
  if (form.scheduleKind !== 'once' && form.networkWait && !withinNetworkWait(form.networkWait)) {
    errors.networkWait = 'A number of seconds, from 0 to 600 (10 minutes).';
  }
  for (const key of ['callbackUrl', 'webhookUrl'] as const) {
    if (form[key].trim()) {
      const check = checkUrl(form[key]);
      if (!check.ok) errors[key] = check.message;
    }
  }
  return { ...errors, ...checkChecksAndAlerts(form, form.scheduleKind !== 'once') };
}

/** The retry members the form sets; the engine fills in the others. None set: no `retry`. */
function retryOf(form: BuilderForm): RetryInput | undefined {
  const retry: RetryInput = {};
  if (form.maxAttempts) retry.max_attempts = Number(form.maxAttempts);
  if (form.backoff) retry.backoff = form.backoff;
  if (form.retryBase) retry.base = Number(form.retryBase);
  return Object.keys(retry).length > 0 ? retry : undefined;
}

export function requestOf(form: BuilderForm): Pick<JobInput, 'method' | 'url' | 'query' | 'headers' | 'body'> {
  const out: Pick<JobInput, 'method' | 'url' | 'query' | 'headers' | 'body'> = {
    method: form.method,
    url: form.url.trim(),
  };
  const query = rowsToQuery(form.query);
  if (Object.keys(query).length > 0) out.query = query;
  const headers = rowsToHeaders(form.headers);
  if (Object.keys(headers).length > 0) out.headers = headers;
  const body = parseBody(form.body);
  if (body.ok && body.value !== undefined) out.body = body.value;
  return out;
}

/** The form's texts by the `JobInput` member each one fills; empty ones are not asked. */
function textsOf(form: BuilderForm) {
  return {
    name: form.name,
    description: form.description,
    idempotency_key: form.idempotencyKey,
    callback_url: form.callbackUrl,
    webhook_url: form.webhookUrl,
  } as const;
}

type TextKey = keyof ReturnType<typeof textsOf>;
const textEntries = (form: BuilderForm) => Object.entries(textsOf(form)) as Array<[TextKey, string]>;

/** When the job runs, as the form says. */
function timingOf(form: BuilderForm): Pick<JobInput, 'schedule_in' | 'scheduled_at' | 'repeat_every' | 'cron' | 'timezone'> {
  if (form.scheduleKind === 'every') return { repeat_every: [Number(form.everyAmount), form.everyUnit] };
  if (form.scheduleKind === 'cron') return { cron: form.cron.trim(), timezone: form.timezone };
  if (form.onceMode === 'in') return { schedule_in: [Number(form.inAmount), form.inUnit] };
  const at = form.onceMode === 'at' ? localDateTimeToRfc3339(form.atLocal, form.timezone) : null;
  return at ? { scheduled_at: at } : {};
}

/** The body of `POST /api/jobs`: what the form sets, the engine's defaults for the rest. */
export function toJobInput(form: BuilderForm): JobInput {
  const input: JobInput = { ...requestOf(form), ...timingOf(form) };
  const retry = retryOf(form);
  if (retry) input.retry = retry;
  if (form.timeout) input.timeout = Number(form.timeout);
  if (form.scheduleKind !== 'once' && form.catchUp) input.catch_up = form.catchUp;
  if (form.scheduleKind !== 'once' && form.networkWait.trim()) input.network_wait = Number(form.networkWait);
  for (const [key, value] of textEntries(form)) {
    if (value.trim()) input[key] = value.trim();
  }
  return { ...input, ...checksAndAlertsInput(form, form.scheduleKind !== 'once') };
}

/**
 * The body of `PATCH /api/jobs/{id}` or `PATCH /api/schedules/{id}`: every field the form
 * shows, with null for cleared texts and body and an empty query/headers object, so what
 * is saved is what is on screen (the engine merges a patch into what was asked).
 */
export function toJobPatch(form: BuilderForm): JobPatch {
  const patch: JobPatch = { query: {}, headers: {}, body: null, ...toJobInput(form), ...checksAndAlertsPatch(form, form.scheduleKind !== 'once') };
  if (form.scheduleKind === 'once' && form.onceMode === 'now') patch.schedule_in = 0;
  // cleared: the schedule follows the setting again (a one-off job has no such member)
  if (form.scheduleKind !== 'once' && !form.networkWait.trim()) patch.network_wait = null;
  for (const [key, value] of textEntries(form)) {
    if (!value.trim()) patch[key] = null;
  }
  return patch;
}

/** The one-off job that "Send now" creates: this request, once, now, without retries; with its checks, to see them pass or fail. */
export function toTryInput(form: BuilderForm): JobInput {
  const input: JobInput = { ...requestOf(form), retry: { max_attempts: 1 } };
  const { assert } = checksAndAlertsInput(form, false);
  if (assert) input.assert = assert;
  if (form.timeout) input.timeout = Number(form.timeout);
  if (form.name.trim()) input.name = `${form.name.trim()} (try)`;
  return input;
}

// ---------- server errors ----------

/** Where a server error field (`retry.max_attempts`, `headers.X-Foo`) belongs in the form. */
export function fieldForServerError(field: string | null): { key: FieldKey; detail?: string } | null {
  if (!field) return null;
  const [first = '', ...rest] = field.split('.');
  // `assert[2].json`: the list's name, the item's number a detail
  const indexed = /^([a-z_]+)\[(\d+)\]$/.exec(first);
  const head = indexed?.[1] ?? first;
  const detail = indexed ? indexed[2] : rest.length > 0 ? rest.join('.') : undefined;
  const direct: Record<string, FieldKey> = {
    method: 'method',
    url: 'url',
    query: 'query',
    headers: 'headers',
    body: 'body',
    schedule_in: 'onceIn',
    scheduled_at: 'onceAt',
    repeat_every: 'every',
    cron: 'cron',
    timezone: 'timezone',
    name: 'name',
    description: 'description',
    timeout: 'timeout',
    catch_up: 'catchUp',
    network_wait: 'networkWait',
    idempotency_key: 'idempotencyKey',
    callback_url: 'callbackUrl',
    webhook_url: 'webhookUrl',
    assert: 'checks',
    alert: 'alert',
    overlap: 'overlap',
    max_runs: 'maxRuns',
    until: 'until',
    quiet_hours: 'quietHours',
  };
  if (head === 'retry') {
    if (detail === 'backoff') return { key: 'backoff' };
    if (detail === 'base') return { key: 'retryBase' };
    return { key: 'maxAttempts' };
  }
  const key = direct[head];
  if (!key) return null;
  return detail === undefined ? { key } : { key, detail };
}
