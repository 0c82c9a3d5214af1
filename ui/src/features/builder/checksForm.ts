/**
 * The builder's "Checks and alerts" (SPEC 7.2-7.4) as form state: the checks a response
 * must pass (`assert`), and for a schedule its alert, overlap, limits and quiet hours; how
 * they are filled from what the engine shows and how they become `JobInput` members. The
 * engine decides what passes; this only reads what was typed.
 */
import type {
  Alert,
  AlertChannel,
  AssertItem,
  JobArgs,
  JobInput,
  JobPatch,
  JsonValue,
  Overlap,
  QuietAction,
  QuietHours,
  Schedule,
} from '../../api/types';
import { instantToLocalDateTime, localDateTimeToRfc3339 } from '../../lib/zones';

export type CheckKind = 'status' | 'json' | 'body' | 'header' | 'latency' | 'cert';
export type JsonTest = 'equals' | 'contains' | 'exists' | 'missing';

/** One check as typed. `target` is the JSON path or header name; `value` the rest (statuses, expected value, pattern, ms, days). */
export interface CheckRow {
  id: string;
  kind: CheckKind;
  target: string;
  test: JsonTest;
  value: string;
}

/** The kinds in the order the builder offers them, with their names there. */
export const CHECK_KINDS: ReadonlyArray<{ kind: CheckKind; label: string }> = [
  { kind: 'status', label: 'Status' },
  { kind: 'json', label: 'JSON path' },
  { kind: 'body', label: 'Body matches' },
  { kind: 'header', label: 'Header' },
  { kind: 'latency', label: 'Latency' },
  { kind: 'cert', label: 'Certificate' },
];

const FIRST_VALUE: Record<CheckKind, string> = { status: '2xx', json: '', body: '', header: '', latency: '1000', cert: '14' };

let counter = 0;
export function newCheck(kind: CheckKind, patch: Partial<Omit<CheckRow, 'id' | 'kind'>> = {}): CheckRow {
  counter += 1;
  return { id: `check-${counter}`, kind, target: '', test: 'equals', value: FIRST_VALUE[kind], ...patch };
}

/** The schedule-only members, as typed; empty text and '' mean "not asked" (the engine's default). */
export interface ChecksAndAlertsForm {
  checks: CheckRow[];
  /** The schedule has an `alert` of its own; off, the engine's: the first failure and the recovery, on the desktop. */
  alertOwn: boolean;
  alertAfter: string;
  alertRecovery: boolean;
  alertChange: boolean;
  /** Paths the change detection ignores, one a line. */
  alertIgnore: string;
  alertDesktop: boolean;
  alertWebhook: boolean;
  overlap: Overlap | '';
  maxRuns: string;
  /** A `datetime-local` value, read in the form's zone. */
  untilLocal: string;
  quiet: boolean;
  quietFrom: string;
  quietTo: string;
  quietZone: string;
  quietAction: QuietAction;
}

export function emptyChecksAndAlerts(): ChecksAndAlertsForm {
  return {
    checks: [],
    alertOwn: false,
    alertAfter: '',
    alertRecovery: true,
    alertChange: false,
    alertIgnore: '',
    alertDesktop: true,
    alertWebhook: true,
    overlap: '',
    maxRuns: '',
    untilLocal: '',
    quiet: false,
    quietFrom: '22:00',
    quietTo: '07:00',
    quietZone: '',
    quietAction: 'skip',
  };
}

// ---------- reading what the engine shows ----------

const isObject = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: JsonValue | undefined) => (v === undefined ? '' : JSON.stringify(v));

/** A check as the form shows it; an item this build cannot read is left out (null). */
export function checkOfItem(given: AssertItem | JsonValue): CheckRow | null {
  const item: unknown = given;
  if (!isObject(item)) return null;
  if ('status' in item) {
    const set = item.status;
    const codes = Array.isArray(set) ? set : [set];
    const value = typeof set === 'string' ? set : codes.map((c) => (typeof c === 'number' ? String(c) : '')).join(', ');
    return newCheck('status', { value });
  }
  if ('json' in item && typeof item.json === 'string') {
    if (item.equals !== undefined) return newCheck('json', { target: item.json, test: 'equals', value: text(item.equals) });
    if (item.contains !== undefined) return newCheck('json', { target: item.json, test: 'contains', value: text(item.contains) });
    return newCheck('json', { target: item.json, test: item.exists === false ? 'missing' : 'exists', value: '' });
  }
  if (typeof item.body_matches === 'string') return newCheck('body', { value: item.body_matches });
  if (typeof item.header === 'string') return newCheck('header', { target: item.header, value: typeof item.matches === 'string' ? item.matches : '' });
  if (typeof item.latency_ms_max === 'number') return newCheck('latency', { value: String(item.latency_ms_max) });
  if (typeof item.cert_days_min === 'number') return newCheck('cert', { value: String(item.cert_days_min) });
  return null;
}

export function checksOf(items: ReadonlyArray<AssertItem | JsonValue> | undefined | null): CheckRow[] {
  return (items ?? []).map(checkOfItem).filter((c): c is CheckRow => c !== null);
}

function alertFields(alert: Alert): Partial<ChecksAndAlertsForm> {
  return {
    alertOwn: true,
    alertAfter: String(alert.after_failures),
    alertRecovery: alert.on_recovery,
    alertChange: alert.on_change,
    alertIgnore: alert.change_ignore.join('\n'),
    alertDesktop: alert.channels.includes('desktop'),
    alertWebhook: alert.channels.includes('webhook'),
  };
}

function quietFields(quiet: QuietHours): Partial<ChecksAndAlertsForm> {
  return { quiet: true, quietFrom: quiet.from, quietTo: quiet.to, quietZone: quiet.timezone, quietAction: quiet.action };
}

/** A one-off job's checks, from what was asked. */
export function checksAndAlertsOfArgs(args: JobArgs): ChecksAndAlertsForm {
  return { ...emptyChecksAndAlerts(), checks: checksOf(args.assert) };
}

/** A schedule's, from its typed view (the engine's defaults filled in); `zone` reads `until`. */
export function checksAndAlertsOfSchedule(schedule: Schedule, zone: string): ChecksAndAlertsForm {
  return {
    ...emptyChecksAndAlerts(),
    checks: checksOf(schedule.assert),
    ...(schedule.alert ? alertFields(schedule.alert) : {}),
    overlap: schedule.overlap === 'allow' ? '' : schedule.overlap,
    maxRuns: schedule.max_runs === null ? '' : String(schedule.max_runs),
    untilLocal: schedule.until ? instantToLocalDateTime(schedule.until, zone) : '',
    ...(schedule.quiet_hours ? quietFields(schedule.quiet_hours) : {}),
  };
}

// ---------- checking and building ----------

const STATUS_CLASS = /^[1-5]xx$/i;

/** A JSON value as typed: JSON when it reads as JSON (`true`, `42`, `"x"`), else the text as a string. */
export function typedValue(value: string): JsonValue {
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    return value;
  }
}

const whole = (value: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const n = Number(value);
  return value.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null;
};

/** The `assert` item a row makes, or what is wrong with it. */
export function itemOfCheck(row: CheckRow): { ok: true; item: AssertItem } | { ok: false; message: string } {
  const value = row.value.trim();
  switch (row.kind) {
    case 'status': {
      if (STATUS_CLASS.test(value)) return { ok: true, item: { status: value.toLowerCase() } };
      const codes = value.split(/[\s,]+/).filter(Boolean).map((c) => whole(c, 100, 599));
      if (codes.length === 0 || codes.some((c) => c === null)) return { ok: false, message: 'Statuses such as 200, 204, or a class such as 2xx.' };
      return { ok: true, item: { status: codes as number[] } };
    }
    case 'json': {
      const path = row.target.trim();
      if (!path) return { ok: false, message: 'A path into the JSON body, such as data.items[0].ok.' };
      if (row.test === 'exists' || row.test === 'missing') return { ok: true, item: { json: path, exists: row.test === 'exists' } };
      if (!value) return { ok: false, message: `The value ${path} must ${row.test === 'equals' ? 'equal' : 'contain'}.` };
      return { ok: true, item: { json: path, [row.test]: typedValue(value) } as AssertItem };
    }
    case 'body':
      return value ? { ok: true, item: { body_matches: row.value } } : { ok: false, message: 'A pattern (a regular expression) the body must match.' };
    case 'header': {
      const name = row.target.trim();
      if (!name) return { ok: false, message: 'The header’s name.' };
      return value ? { ok: true, item: { header: name, matches: row.value } } : { ok: false, message: 'A pattern (a regular expression) the header must match.' };
    }
    case 'latency': {
      const ms = whole(value, 1);
      return ms === null ? { ok: false, message: 'A whole number of milliseconds.' } : { ok: true, item: { latency_ms_max: ms } };
    }
    case 'cert': {
      const days = whole(value, 0, 3650);
      return days === null ? { ok: false, message: 'A whole number of days, up to 3650.' } : { ok: true, item: { cert_days_min: days } };
    }
  }
}

/** The index of the first check that cannot be read, or null. */
export function firstBadCheck(checks: readonly CheckRow[]): number | null {
  const i = checks.findIndex((row) => !itemOfCheck(row).ok);
  return i < 0 ? null : i;
}

/** What is wrong in the section, by the field it belongs to. */
export function checkChecksAndAlerts(form: ChecksAndAlertsForm & { timezone: string }, isSchedule: boolean) {
  const errors: { checks?: string; alert?: string; maxRuns?: string; until?: string; quietHours?: string } = {};
  const bad = form.checks.map((row, i) => [i, itemOfCheck(row)] as const).find(([, r]) => !r.ok);
  if (bad && !bad[1].ok) errors.checks = `Check ${bad[0] + 1}: ${bad[1].message}`;
  if (!isSchedule) return errors;
  if (form.alertOwn) {
    if (form.alertAfter.trim() && whole(form.alertAfter, 0, 1000) === null) errors.alert = 'Failed runs in a row: a whole number from 0 (never) to 1000.';
    else if (!form.alertDesktop && !form.alertWebhook) errors.alert = 'Pick where alerts go: the desktop, the webhook or both.';
  }
  if (form.maxRuns.trim() && whole(form.maxRuns, 1) === null) errors.maxRuns = 'A whole number, 1 or more.';
  if (form.untilLocal && !localDateTimeToRfc3339(form.untilLocal, form.timezone)) errors.until = 'This date and time cannot be read.';
  if (form.quiet && (!/^\d\d:\d\d$/.test(form.quietFrom) || !/^\d\d:\d\d$/.test(form.quietTo))) errors.quietHours = 'From and to, as hours and minutes.';
  return errors;
}

type Members = Pick<JobInput, 'assert' | 'alert' | 'overlap' | 'max_runs' | 'until' | 'quiet_hours'>;

/** The members the section sets (what the form leaves empty is not asked). */
export function checksAndAlertsInput(form: ChecksAndAlertsForm & { timezone: string }, isSchedule: boolean): Members {
  const out: Members = {};
  const items = form.checks.map(itemOfCheck).flatMap((r) => (r.ok ? [r.item] : []));
  if (items.length > 0) out.assert = items;
  if (!isSchedule) return out;
  if (form.alertOwn) {
    const channels: AlertChannel[] = [];
    if (form.alertDesktop) channels.push('desktop');
    if (form.alertWebhook) channels.push('webhook');
    const ignore = form.alertIgnore.split(/[\n,]/).map((p) => p.trim()).filter(Boolean);
    out.alert = { on_recovery: form.alertRecovery, on_change: form.alertChange, channels };
    if (form.alertAfter.trim()) out.alert.after_failures = Number(form.alertAfter);
    if (form.alertChange && ignore.length > 0) out.alert.change_ignore = ignore;
  }
  if (form.overlap) out.overlap = form.overlap;
  if (form.maxRuns.trim()) out.max_runs = Number(form.maxRuns);
  const until = form.untilLocal ? localDateTimeToRfc3339(form.untilLocal, form.timezone) : null;
  if (until) out.until = until;
  if (form.quiet) out.quiet_hours = { from: form.quietFrom, to: form.quietTo, action: form.quietAction, ...(form.quietZone ? { timezone: form.quietZone } : {}) };
  return out;
}

/** The same for a PATCH: what the form clears is removed (null), so what is saved is what is shown. */
export function checksAndAlertsPatch(form: ChecksAndAlertsForm & { timezone: string }, isSchedule: boolean): JobPatch {
  const set = checksAndAlertsInput(form, isSchedule);
  const cleared: JobPatch = isSchedule ? { assert: null, alert: null, overlap: null, max_runs: null, until: null, quiet_hours: null } : { assert: null };
  return { ...cleared, ...set };
}
