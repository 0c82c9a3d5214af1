import { appLocale } from './locale';

/** Time zones known to this machine's Intl data, with the machine's own zone. */
export function machineTimeZone(): string {
  try {
    return new Intl.DateTimeFormat(appLocale()).resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

let cached: string[] | null = null;
export function allTimeZones(): string[] {
  if (cached) return cached;
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const set = new Set(zones);
  set.add('UTC');
  set.add(machineTimeZone());
  // zone ids are ASCII ("America/New_York"): code-point order, no locale needed
  cached = Array.from(set).sort();
  return cached;
}

/** Intl formatters are costly to make: one per zone, kept (the calendar converts thousands of instants). */
const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(zone: string): Intl.DateTimeFormat {
  let f = wallClockFormatters.get(zone);
  if (!f) {
    // en-CA for its numeric parts (read back below), whatever the UI's locale is
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClockFormatters.set(zone, f);
  }
  return f;
}

/** An instant as the date and time it is in `zone`: "2026-11-30T09:00:00" (no offset). */
export function wallClock(instant: string | number | Date, zone: string): string {
  const date = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(date.getTime())) return '';
  const parts = wallClockFormatter(zone).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  const hour = get('hour') === '24' ? '00' : get('hour');
  return `${get('year')}-${get('month')}-${get('day')}T${hour}:${get('minute')}:${get('second')}`;
}

/** The offset of `timeZone` from UTC at `instant`, in minutes. */
function offsetMinutes(instant: number, timeZone: string): number {
  const asUtc = Date.parse(`${wallClock(instant, timeZone)}Z`);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * Read a `datetime-local` value ("2026-11-30T09:00") as a wall-clock time in `timeZone`
 * and give the instant as an RFC 3339 string with that zone's offset. This converts what
 * the person typed; it computes no schedule. Returns null for an unreadable value.
 */
export function localDateTimeToRfc3339(value: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  let offset = offsetMinutes(wall, timeZone);
  const second = offsetMinutes(wall - offset * 60_000, timeZone);
  if (second !== offset) offset = second;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${sign}${hh}:${mm}`;
}

/** The reverse: an instant shown as a `datetime-local` value in `timeZone`. */
export function instantToLocalDateTime(iso: string, timeZone: string): string {
  return wallClock(iso, timeZone).slice(0, 16); // no seconds
}

/**
 * The instant that is `time` ("09:00") tomorrow in `timeZone`, as RFC 3339 with that zone's
 * offset: "tomorrow 9:00" for a pause. A wall-clock conversion, not a schedule.
 */
export function tomorrowAt(time: string, timeZone: string, now: number = Date.now()): string | null {
  const [y = 0, m = 1, d = 1] = wallClock(now, timeZone).slice(0, 10).split('-').map(Number);
  const tomorrow = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return localDateTimeToRfc3339(`${tomorrow}T${time}`, timeZone);
}
