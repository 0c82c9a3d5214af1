/**
 * Calendar API data → FullCalendar events. Pure: no React, no FullCalendar runtime.
 *
 * Time zones: the calendar shows the display zone (the `default_timezone` setting), which
 * FullCalendar cannot do offline without a date-library plugin. So FullCalendar runs with
 * `timeZone: 'UTC'` and is given *wall-clock* times: every instant is converted here, with
 * the platform's own Intl time zone data, to the date and time it is in the display zone,
 * written without an offset ("2026-11-30T09:00:00"). FullCalendar lays that out as is.
 * The way back (the visible range → `from`/`to` instants for the API) reads those
 * wall-clock dates in the display zone again. Each instant is converted on its own, so
 * days around a DST change are right too.
 */
import type { EventInput } from '@fullcalendar/core';
import type { CalendarBand, CalendarData, CalendarPastRun, CalendarUpcomingRun } from '../../api/types';
import { formatNumber } from '../../lib/locale';
import { hostAndPath } from '../../lib/url';
import { localDateTimeToRfc3339, wallClock } from '../../lib/zones';

// ---------- time zones ----------

/** The reverse of `wallClock`: a wall-clock time in `zone` as a UTC instant ("...Z"). */
export function wallClockToInstant(wall: string, zone: string): string | null {
  const rfc = localDateTimeToRfc3339(wall.slice(0, 19), zone);
  if (!rfc) return null;
  const ms = Date.parse(rfc);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export interface CalendarRange {
  from: string;
  to: string;
  tz: string;
}

/**
 * FullCalendar's visible range (Dates whose UTC fields are wall-clock dates in `zone`,
 * since it runs in UTC) as the `GET /api/calendar` query.
 */
export function rangeQuery(start: Date, end: Date, zone: string): CalendarRange | null {
  const from = wallClockToInstant(start.toISOString(), zone);
  const to = wallClockToInstant(end.toISOString(), zone);
  return from && to ? { from, to, tz: zone } : null;
}

// ---------- colours ----------

/** Schedule colours: classes `cal-c0` … `cal-c7`, each with a light and a dark value in calendar.css. */
export const PALETTE_SIZE = 8;

/** A stable palette slot for a schedule id (FNV-1a), the same on every render and machine. */
export function scheduleColor(scheduleId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < scheduleId.length; i++) {
    hash ^= scheduleId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % PALETTE_SIZE;
}

export type RunTone = 'success' | 'failure' | 'cancelled' | 'running' | 'pending';

/**
 * How a past run is coloured: success green, failure or error red, cancelled grey. A run
 * that failed for good is red whatever its last status was (a 200 that failed a check).
 */
export function runTone(run: Pick<CalendarPastRun, 'state' | 'outcome'>): RunTone {
  if (run.state === 'cancelled') return 'cancelled';
  if (run.state === 'discarded') return 'failure';
  if (run.outcome === 'success') return 'success';
  if (run.outcome === 'failure' || run.outcome === 'error') return 'failure';
  if (run.state === 'executing') return 'running';
  if (run.state === 'completed') return 'success';
  return 'pending';
}

// ---------- events ----------

export type CalendarItem =
  | { kind: 'past'; jobId: string; scheduleId: string | null; run: CalendarPastRun }
  | { kind: 'upcoming'; jobId: string | null; scheduleId: string | null; run: CalendarUpcomingRun }
  /** A dense series' day(s); `scheduleId` null: a day of more one-off jobs than `dense_threshold`. */
  | { kind: 'band'; scheduleId: string | null; band: CalendarBand };

function runTitle(name: string | null, method: string, url: string): string {
  return name || `${method.toUpperCase()} ${hostAndPath(url)}`;
}

/**
 * "Heartbeat · Every minute (UTC) · 1,440 runs"; a band over several days says how many
 * a day (or in all); a past day says how many failed. A band of one-off jobs ("One-off
 * jobs · 60 runs") has its name as its summary too, so says it once.
 */
export function bandTitle(band: CalendarBand): string {
  const runs = (n: number) => `${formatNumber(n)} ${n === 1 ? 'run' : 'runs'}`;
  const days = band.days ?? 1;
  const count =
    days > 1
      ? band.per_day !== null && band.per_day !== undefined
        ? `${runs(band.per_day)} a day`
        : `${runs(band.count)} over ${days} days`
      : runs(band.count);
  const parts = [band.summary, count];
  if (band.name && band.name !== band.summary) parts.unshift(band.name);
  const failed = band.outcomes?.failure ?? 0;
  if (band.kind === 'past' && failed > 0) parts.push(`${formatNumber(failed)} failed`);
  return parts.join(' · ');
}

function bandTone(band: CalendarBand): 'success' | 'failure' | 'mixed' | 'cancelled' | 'running' {
  const o = band.outcomes;
  if (!o) return 'success';
  // every count comes (zero or not), `running` only when some still run
  const { success, failure, cancelled } = o;
  if (failure === 0) {
    if (success === 0 && cancelled === 0 && (o.running ?? 0) > 0) return 'running';
    return success === 0 && cancelled > 0 ? 'cancelled' : 'success';
  }
  return success === 0 ? 'failure' : 'mixed';
}

/** The day after a `YYYY-MM-DD` day (calendar arithmetic, no zone involved). */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const next = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1));
  return next.toISOString().slice(0, 10);
}

function pastEvent(run: CalendarPastRun, zone: string): EventInput {
  const tone = runTone(run);
  const item: CalendarItem = { kind: 'past', jobId: run.job_id, scheduleId: run.schedule_id, run };
  return {
    id: `past:${run.job_id}`,
    title: runTitle(run.name, run.method, run.url),
    start: wallClock(run.attempted_at ?? run.scheduled_at, zone),
    allDay: false,
    classNames: ['cal-run', 'cal-run--past', `cal-tone--${tone}`],
    extendedProps: { item, tone },
  };
}

function upcomingEvent(run: CalendarUpcomingRun, zone: string): EventInput {
  const item: CalendarItem = { kind: 'upcoming', jobId: run.job_id, scheduleId: run.schedule_id, run };
  const colour = run.schedule_id ? `cal-c${scheduleColor(run.schedule_id)}` : 'cal-c-once';
  return {
    id: `next:${run.schedule_id ?? ''}:${run.job_id ?? ''}:${run.at}`,
    title: runTitle(run.name, run.method, run.url),
    start: wallClock(run.at, zone),
    allDay: false,
    classNames: ['cal-run', 'cal-run--upcoming', colour],
    extendedProps: { item },
  };
}

/**
 * A band: a schedule's dense day(s), or (`schedule_id` null) a day of one-off jobs. Upcoming
 * bands take their schedule's colour (one-off jobs: `cal-c-once`, as their items do); past
 * bands are coloured by their outcomes.
 */
function bandEvent(band: CalendarBand): EventInput {
  const item: CalendarItem = { kind: 'band', scheduleId: band.schedule_id, band };
  const colour =
    band.kind === 'upcoming'
      ? band.schedule_id !== null
        ? `cal-c${scheduleColor(band.schedule_id)}`
        : 'cal-c-once'
      : `cal-tone--${bandTone(band)}`;
  return {
    id: `band:${band.kind}:${band.schedule_id ?? 'one-offs'}:${band.day}`,
    title: bandTitle(band),
    // all-day, `day` to `last_day` inclusive (FullCalendar's end is exclusive)
    start: band.day,
    end: nextDay(band.last_day || band.day),
    allDay: true,
    classNames: ['cal-band', `cal-band--${band.kind}`, colour],
    extendedProps: { item },
  };
}

/**
 * Everything the API answered for the visible range, as FullCalendar events in wall-clock
 * time of `zone`: one event per past or upcoming run, one all-day event per band (a dense
 * series' day, or its run of consecutive days, or a day crowded with one-off jobs: the
 * engine bands all of those), never one per run of a band.
 */
export function toCalendarEvents(data: CalendarData, zone: string): EventInput[] {
  const events: EventInput[] = [];
  for (const band of data.bands) events.push(bandEvent(band));
  for (const run of data.past) events.push(pastEvent(run, zone));
  for (const run of data.upcoming) events.push(upcomingEvent(run, zone));
  return events;
}

/** A run's or band's tooltip: what it calls, its result, or a band's counts. */
export function describeItem(item: CalendarItem): string {
  if (item.kind === 'past') {
    const r = item.run;
    const result = r.state === 'cancelled' ? 'cancelled' : r.status !== null ? `HTTP ${r.status}` : (r.outcome ?? r.state);
    return `${r.method.toUpperCase()} ${r.url}\n${result}${r.duration_ms !== null ? ` · ${formatNumber(r.duration_ms)} ms` : ''} · attempt ${r.attempt}`;
  }
  if (item.kind === 'upcoming') return `${item.run.method.toUpperCase()} ${item.run.url}${item.run.summary ? `\n${item.run.summary}` : ''}`;
  const b = item.band;
  const o = b.outcomes;
  if (b.schedule_id === null) return `${formatNumber(b.count)} one-off runs this day${o && o.failure > 0 ? `, ${formatNumber(o.failure)} failed` : ''}`;
  const outcomes = o ? `\n${formatNumber(o.success)} succeeded, ${formatNumber(o.failure)} failed, ${formatNumber(o.cancelled)} cancelled` : '';
  const span =
    b.days > 1
      ? `${formatNumber(b.count)} runs over ${b.days} days${b.per_day !== null ? ` (${formatNumber(b.per_day)} a day)` : ''}`
      : `${formatNumber(b.count)} runs this day`;
  return `${b.summary}: ${span}${outcomes}`;
}

/**
 * The hour of the earliest timed run between the wall-clock times `from` and `to` (an
 * event's start is a wall-clock string, see above), as FullCalendar's scroll time; null
 * when none is in view.
 */
export function firstRunHour(events: readonly EventInput[], from: string, to: string): string | null {
  let first: string | null = null;
  for (const event of events) {
    const start = typeof event.start === 'string' ? event.start : null;
    if (event.allDay || !start || start < from || start >= to) continue;
    const time = start.slice(11, 19);
    if (first === null || time < first) first = time;
  }
  return first === null ? null : `${first.slice(0, 2)}:00:00`;
}

// ---------- click-through ----------

export type CalendarTarget =
  | { to: '/jobs/detail/$jobId'; params: { jobId: string } }
  | { to: '/jobs/job/$jobId'; params: { jobId: string } }
  | { to: '/schedules/$scheduleId'; params: { scheduleId: string } };

/**
 * Where a click goes: a past run opens its run detail; an upcoming run of a schedule
 * opens the schedule's page, a pending one-off job opens that job; a band opens its
 * schedule's page. A band of one-off jobs has no page to go to: null (the page opens that
 * day instead).
 */
export function targetOf(item: CalendarItem): CalendarTarget | null {
  switch (item.kind) {
    case 'past':
      return { to: '/jobs/detail/$jobId', params: { jobId: item.jobId } };
    case 'upcoming':
      if (item.scheduleId) return { to: '/schedules/$scheduleId', params: { scheduleId: item.scheduleId } };
      return item.jobId ? { to: '/jobs/job/$jobId', params: { jobId: item.jobId } } : null;
    case 'band':
      return item.scheduleId !== null ? { to: '/schedules/$scheduleId', params: { scheduleId: item.scheduleId } } : null;
  }
}
