/** Formatting of instants for people. Schedules are never computed here: the engine does that. */
import { appLocale } from './locale';

const relatives = new Map<string, Intl.RelativeTimeFormat>();

function relativeFormat(): Intl.RelativeTimeFormat {
  const locale = appLocale();
  let f = relatives.get(locale);
  if (!f) {
    f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
    relatives.set(locale, f);
  }
  return f;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** The unit and amount `formatRelative` shows `seconds` from now as ('now' within 5 s). */
function relativeParts(seconds: number): [Intl.RelativeTimeFormatUnit | 'now', number] {
  const abs = Math.abs(seconds);
  if (abs < 5) return ['now', 0];
  const [unit, size] = UNITS.find(([, size]) => abs >= size) ?? ['second', 1];
  return [unit, Math.round(seconds / size)];
}

/** "in 5 min", "3 hr. ago", "now". */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const [unit, amount] = relativeParts(Math.round((then - now) / 1000));
  return unit === 'now' ? 'now' : relativeFormat().format(amount, unit);
}

/**
 * Milliseconds from `now` until `formatRelative(iso)` reads differently: about a second for
 * a run a minute away, half an hour for one three hours away. Clocks wake only then.
 */
export function relativeChangeIn(iso: string, now: number = Date.now()): number {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return Infinity;
  const s0 = Math.round((then - now) / 1000);
  const shown = relativeParts(s0).join();
  const changedAfter = (n: number) => relativeParts(s0 - n).join() !== shown;
  // The label only moves one way as time passes ("in 2 min" … "now" … "5 sec. ago"), so the
  // first whole second at which it differs is found by doubling, then halving.
  let lo = 0;
  let hi = 1;
  while (!changedAfter(hi)) [lo, hi] = [hi, hi * 2];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (changedAfter(mid)) hi = mid;
    else lo = mid;
  }
  // the shown second becomes s0 - hi when then - now falls below (s0 - hi + 0.5) s
  return Math.max(1, then - (s0 - hi + 0.5) * 1000 - now + 1);
}

/** Intl formatters are costly to make: one per kind, zone and locale, kept (lists format thousands of times). */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A day and a time to the minute, with the zone: "Mon, 30 Nov 2026, 09:00 CET". */
const RUN: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

const SHORT: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };

const KINDS = {
  absolute: { ...RUN, second: '2-digit' },
  run: RUN,
  short: SHORT,
  shortSeconds: { ...SHORT, second: '2-digit' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/** `iso` formatted as `kind` in `timeZone` (default: this machine's); unreadable text as is. */
function format(kind: keyof typeof KINDS, iso: string, timeZone: string | undefined): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const locale = appLocale();
  const key = `${kind}|${timeZone ?? ''}|${locale}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...KINDS[kind], timeZone });
    formatters.set(key, f);
  }
  return f.format(date);
}

/** "Mon, 30 Nov 2026, 09:00:00 CET" in the given zone (default: this machine's). */
export function formatAbsolute(iso: string, timeZone?: string): string {
  return format('absolute', iso, timeZone);
}

/**
 * "Mon, 30 Nov 2026, 09:00 CET": a run to the minute, as previews list them; with
 * `seconds` (see `needsSeconds`), "…, 09:00:05 CET".
 */
export function formatRun(iso: string, timeZone?: string, seconds = false): string {
  return format(seconds ? 'absolute' : 'run', iso, timeZone);
}

/**
 * Whether times to the minute would blur these instants together: some two of them are
 * less than a minute apart (an every-5-seconds schedule listed "02:07 PM" ten times).
 */
export function needsSeconds(instants: readonly string[]): boolean {
  const times = instants.map((iso) => Date.parse(iso)).filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
  return times.some((t, i) => i > 0 && t - times[i - 1]! < 60_000);
}

/** "30 Nov, 09:00", compact, for lists; with `seconds`, "30 Nov, 09:00:05". */
export function formatShort(iso: string, timeZone?: string, seconds = false): string {
  return format(seconds ? 'shortSeconds' : 'short', iso, timeZone);
}

/** "120 ms", "1.50 s", "2 m 5 s"; from an hour (a run caught up after a night asleep is that late), "8 h 2 m". */
export function formatDurationMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.floor((ms % 3_600_000) / 60_000)} m`;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** "09:00:01.234" in the given zone (default: this machine's), for log lines. */
export function formatClock(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const key = timeZone ?? '';
  let f = clocks.get(key);
  if (!f) {
    // a fixed layout, the same on every machine (a log line's columns line up): not the UI's locale
    f = new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
      hourCycle: 'h23',
      timeZone,
    });
    clocks.set(key, f);
  }
  return f.format(date);
}
