import { describe, expect, it } from 'vitest';
import type { CalendarBand, CalendarData, CalendarPastRun, CalendarUpcomingRun } from '../../api/types';
import {
  PALETTE_SIZE,
  bandTitle,
  describeItem,
  firstRunHour,
  nextDay,
  rangeQuery,
  runTone,
  scheduleColor,
  targetOf,
  toCalendarEvents,
  wallClockToInstant,
  type CalendarItem,
} from './mapping';
import { wallClock } from '../../lib/zones';

function past(over: Partial<CalendarPastRun> = {}): CalendarPastRun {
  return {
    job_id: 'j1',
    schedule_id: 's1',
    name: 'Nightly sync',
    method: 'post',
    url: 'https://api.example.com/sync',
    scheduled_at: '2026-11-30T08:00:00.000000Z',
    attempted_at: '2026-11-30T08:02:30.250000Z',
    finished_at: '2026-11-30T08:00:01.000000Z',
    state: 'completed',
    outcome: 'success',
    status: 200,
    duration_ms: 750,
    attempt: 1,
    ...over,
  };
}

function upcoming(over: Partial<CalendarUpcomingRun> = {}): CalendarUpcomingRun {
  return {
    job_id: null,
    schedule_id: 's1',
    name: null,
    method: 'get',
    url: 'https://status.example.com/ping',
    at: '2026-12-01T08:00:00Z',
    summary: 'At 09:00 AM (Europe/Berlin)',
    ...over,
  };
}

function band(over: Partial<CalendarBand> = {}): CalendarBand {
  return {
    schedule_id: 's-dense',
    name: null,
    day: '2026-11-30',
    last_day: '2026-11-30',
    days: 1,
    kind: 'upcoming',
    count: 1440,
    per_day: 1440,
    first: '2026-11-29T23:00:00Z',
    last: '2026-11-30T22:59:00Z',
    summary: 'Every minute',
    outcomes: null,
    ...over,
  };
}

function data(over: Partial<CalendarData> = {}): CalendarData {
  return {
    from: '2026-11-29T23:00:00Z',
    to: '2026-12-06T23:00:00Z',
    timezone: 'Europe/Berlin',
    dense_threshold: 48,
    past: [],
    upcoming: [],
    bands: [],
    ...over,
  };
}

const itemOf = (e: { extendedProps?: Record<string, unknown> }) => e.extendedProps?.item as CalendarItem;

describe('calendar mapping: time zones', () => {
  it('shows an instant as wall-clock time in the display zone, across DST', () => {
    expect(wallClock('2026-11-30T08:00:00Z', 'Europe/Berlin')).toBe('2026-11-30T09:00:00'); // CET, +1
    expect(wallClock('2026-07-01T08:00:00Z', 'Europe/Berlin')).toBe('2026-07-01T10:00:00'); // CEST, +2
    expect(wallClock('2026-11-30T08:00:00Z', 'America/New_York')).toBe('2026-11-30T03:00:00');
    expect(wallClock('2026-11-30T23:30:00Z', 'Asia/Tokyo')).toBe('2026-12-01T08:30:00'); // the next day
    expect(wallClock('2026-11-30T08:00:00Z', 'UTC')).toBe('2026-11-30T08:00:00');
  });

  it('turns the visible range back into API instants in that zone', () => {
    // FullCalendar runs in UTC, so its Dates carry wall-clock dates of the display zone.
    const start = new Date('2026-11-30T00:00:00Z');
    const end = new Date('2026-12-07T00:00:00Z');
    expect(rangeQuery(start, end, 'Europe/Berlin')).toEqual({
      from: '2026-11-29T23:00:00.000Z',
      to: '2026-12-06T23:00:00.000Z',
      tz: 'Europe/Berlin',
    });
    // the week of the spring change: midnight before is +1, midnight after is +2
    expect(wallClockToInstant('2026-03-29T00:00:00', 'Europe/Berlin')).toBe('2026-03-28T23:00:00.000Z');
    expect(wallClockToInstant('2026-03-30T00:00:00', 'Europe/Berlin')).toBe('2026-03-29T22:00:00.000Z');
  });
});

describe('calendar mapping: events', () => {
  it('places past and upcoming runs at their wall-clock time in the display zone', () => {
    const events = toCalendarEvents(data({ past: [past()], upcoming: [upcoming()] }), 'Europe/Berlin');
    expect(events).toHaveLength(2);
    const [p, u] = events;
    // a past run sits where it ran (attempted_at), which may be later than it was due
    expect(p).toMatchObject({ id: 'past:j1', title: 'Nightly sync', start: '2026-11-30T09:02:30', allDay: false });
    expect(u).toMatchObject({ title: 'GET status.example.com/ping', start: '2026-12-01T09:00:00', allDay: false });
    expect(itemOf(p!)).toMatchObject({ kind: 'past', jobId: 'j1', scheduleId: 's1' });
    expect(itemOf(u!)).toMatchObject({ kind: 'upcoming', jobId: null, scheduleId: 's1' });
  });

  it('colours past runs by outcome: success green, failure and error red, cancelled grey', () => {
    const runs = [
      past({ job_id: 'ok', outcome: 'success' }),
      past({ job_id: 'bad', outcome: 'failure', status: 500, state: 'discarded' }),
      past({ job_id: 'err', outcome: 'error', status: null, state: 'retryable' }),
      past({ job_id: 'gone', outcome: null, status: null, state: 'cancelled' }),
    ];
    const classes = toCalendarEvents(data({ past: runs }), 'UTC').map((e) => e.classNames);
    expect(classes).toEqual([
      ['cal-run', 'cal-run--past', 'cal-tone--success'],
      ['cal-run', 'cal-run--past', 'cal-tone--failure'],
      ['cal-run', 'cal-run--past', 'cal-tone--failure'],
      ['cal-run', 'cal-run--past', 'cal-tone--cancelled'],
    ]);
    expect(runTone({ state: 'executing', outcome: null })).toBe('running');
    // a 200 whose check failed for good: the engine's outcome follows the status, the state does not
    expect(runTone({ state: 'discarded', outcome: 'success' })).toBe('failure');
  });

  it('gives each schedule one stable colour from a small palette, for its upcoming runs', () => {
    expect(scheduleColor('s1')).toBe(scheduleColor('s1'));
    const slots = new Set(Array.from({ length: 200 }, (_, i) => scheduleColor(`schedule-${i}`)));
    expect(slots.size).toBe(PALETTE_SIZE); // spread over the whole palette
    for (const slot of slots) expect(slot).toBeGreaterThanOrEqual(0);
    for (const slot of slots) expect(slot).toBeLessThan(PALETTE_SIZE);

    const events = toCalendarEvents(
      data({
        upcoming: [
          upcoming({ at: '2026-12-01T08:00:00Z' }),
          upcoming({ at: '2026-12-02T08:00:00Z' }),
          upcoming({ schedule_id: null, job_id: 'once-1', at: '2026-12-03T08:00:00Z' }),
        ],
      }),
      'UTC',
    );
    const colour = `cal-c${scheduleColor('s1')}`;
    expect(events[0]?.classNames).toContain(colour);
    expect(events[1]?.classNames).toContain(colour);
    expect(events[2]?.classNames).toContain('cal-c-once'); // a one-off job has no schedule colour
  });

  it('draws a dense series as one all-day band per day with its rule and count, not one item per run', () => {
    const events = toCalendarEvents(
      data({
        bands: [
          band({ day: '2026-11-30', last_day: '2026-11-30' }),
          band({ day: '2026-12-01', last_day: '2026-12-01' }),
          band({ kind: 'past', day: '2026-11-29', last_day: '2026-11-29', name: 'Heartbeat', outcomes: { success: 1430, failure: 10, cancelled: 0 } }),
        ],
      }),
      'Europe/Berlin',
    );
    expect(events).toHaveLength(3);
    const [first, second, pastBand] = events;
    expect(first).toMatchObject({ start: '2026-11-30', end: '2026-12-01', allDay: true });
    expect(second).toMatchObject({ start: '2026-12-01', end: '2026-12-02', allDay: true });
    expect(first?.title).toMatch(/^Every minute · 1[,.\u202f\u00a0]?440 runs$/);
    expect(first?.classNames).toEqual(['cal-band', 'cal-band--upcoming', `cal-c${scheduleColor('s-dense')}`]);
    expect(pastBand?.title).toMatch(/^Heartbeat · Every minute · 1[,.\u202f\u00a0]?440 runs · 10 failed$/);
    expect(pastBand?.classNames).toContain('cal-tone--mixed');
    expect(itemOf(pastBand!)).toMatchObject({ kind: 'band', scheduleId: 's-dense' });
    expect(bandTitle(band({ count: 1, per_day: 1, kind: 'upcoming' }))).toBe('Every minute · 1 run');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
  });

  it('spans consecutive dense days of one schedule, day to last_day, with runs a day or in all', () => {
    const [even, uneven] = toCalendarEvents(
      data({
        bands: [
          band({ day: '2026-11-30', last_day: '2026-12-02', days: 3, count: 4320, per_day: 1440 }),
          band({ schedule_id: 's2', day: '2026-12-04', last_day: '2026-12-05', days: 2, count: 942, per_day: null }),
        ],
      }),
      'UTC',
    );
    expect(even).toMatchObject({ start: '2026-11-30', end: '2026-12-03', allDay: true }); // end is exclusive
    expect(even?.title).toMatch(/^Every minute · 1[,.\u202f\u00a0]?440 runs a day$/);
    expect(uneven).toMatchObject({ start: '2026-12-04', end: '2026-12-06' });
    expect(uneven?.title).toBe('Every minute · 942 runs over 2 days');
  });

  it('draws the engine’s band of one-off jobs (schedule_id null) as an all-day band: once-colour upcoming, outcome tone past', () => {
    const oneOffs = { schedule_id: null, name: 'One-off jobs', summary: 'One-off jobs' } as const;
    const events = toCalendarEvents(
      data({
        bands: [
          band({ ...oneOffs, kind: 'upcoming', day: '2026-12-01', last_day: '2026-12-01', count: 60, per_day: 60 }),
          band({ ...oneOffs, kind: 'past', day: '2026-11-30', last_day: '2026-11-30', count: 60, per_day: 60, outcomes: { success: 55, failure: 5, cancelled: 0 } }),
        ],
        // a quieter day's one-off job is not banded by the engine, and stays an item
        past: [past({ job_id: 'once-quiet', schedule_id: null, attempted_at: '2026-12-02T10:00:00Z' })],
      }),
      'UTC',
    );
    expect(events).toHaveLength(3);
    const [upcomingBand, pastBand, quiet] = events;
    expect(upcomingBand).toMatchObject({ start: '2026-12-01', end: '2026-12-02', allDay: true, title: 'One-off jobs · 60 runs' });
    expect(upcomingBand?.classNames).toEqual(['cal-band', 'cal-band--upcoming', 'cal-c-once']);
    expect(pastBand).toMatchObject({ start: '2026-11-30', end: '2026-12-01', allDay: true, title: 'One-off jobs · 60 runs · 5 failed' });
    expect(pastBand?.classNames).toEqual(['cal-band', 'cal-band--past', 'cal-tone--mixed']);
    expect(itemOf(upcomingBand!)).toMatchObject({ kind: 'band', scheduleId: null });
    expect(itemOf(quiet!)).toMatchObject({ kind: 'past', jobId: 'once-quiet', scheduleId: null });
  });

  it('reads a past band’s outcomes, which carry every count (zeros too, running when some still run)', () => {
    const [allFailed, stillRunning] = toCalendarEvents(
      data({
        bands: [
          band({ kind: 'past', count: 8, outcomes: { success: 0, failure: 8, cancelled: 0 } }),
          band({ kind: 'past', schedule_id: 's2', count: 3, outcomes: { success: 0, failure: 0, cancelled: 0, running: 3 } }),
        ],
      }),
      'UTC',
    );
    expect(allFailed?.classNames).toContain('cal-tone--failure');
    expect(allFailed?.title).toBe('Every minute · 8 runs · 8 failed');
    expect(stillRunning?.classNames).toContain('cal-tone--running');
    expect(stillRunning?.title).toBe('Every minute · 3 runs');
  });

  it('gives every event a distinct id, so live refreshes update items in place', () => {
    const events = toCalendarEvents(
      data({
        past: [past({ job_id: 'a' }), past({ job_id: 'b' })],
        upcoming: [upcoming({ at: '2026-12-01T08:00:00Z' }), upcoming({ at: '2026-12-01T09:00:00Z' })],
        bands: [
          band({ kind: 'past', day: '2026-11-29' }),
          band({ kind: 'upcoming', day: '2026-11-29' }),
          band({ kind: 'upcoming', day: '2026-11-29', schedule_id: null, name: 'One-off jobs', summary: 'One-off jobs' }),
        ],
      }),
      'UTC',
    );
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('calendar mapping: click-through', () => {
  it('opens a past run’s detail, an upcoming run’s schedule or pending job, and a band’s schedule (a one-off band: nowhere)', () => {
    expect(targetOf({ kind: 'past', jobId: 'j1', scheduleId: 's1', run: past() })).toEqual({
      to: '/jobs/detail/$jobId',
      params: { jobId: 'j1' },
    });
    expect(targetOf({ kind: 'upcoming', jobId: 'j2', scheduleId: 's1', run: upcoming() })).toEqual({
      to: '/schedules/$scheduleId',
      params: { scheduleId: 's1' },
    });
    expect(targetOf({ kind: 'upcoming', jobId: 'j3', scheduleId: null, run: upcoming({ schedule_id: null }) })).toEqual({
      to: '/jobs/job/$jobId',
      params: { jobId: 'j3' },
    });
    expect(targetOf({ kind: 'band', scheduleId: 's9', band: band() })).toEqual({
      to: '/schedules/$scheduleId',
      params: { scheduleId: 's9' },
    });
    // a band of one-off jobs has no page: the calendar page opens its day instead
    expect(targetOf({ kind: 'band', scheduleId: null, band: band({ schedule_id: null, name: 'One-off jobs' }) })).toBeNull();
  });
});

describe('calendar mapping: counts and the first run', () => {
  it('writes large counts with group separators, in titles and tooltips', () => {
    const big = band({ count: 681004, per_day: null, days: 7, last_day: '2026-12-06', name: 'Health check', summary: 'Every 3 seconds' });
    expect(bandTitle(big)).toBe('Health check · Every 3 seconds · 681,004 runs over 7 days');
    expect(describeItem({ kind: 'band', scheduleId: 's-dense', band: big })).toBe('Every 3 seconds: 681,004 runs over 7 days');
    const pastDay = band({ kind: 'past', count: 28800, outcomes: { success: 27000, failure: 1800, cancelled: 0 } });
    expect(describeItem({ kind: 'band', scheduleId: 's-dense', band: pastDay })).toBe(
      'Every minute: 28,800 runs this day\n27,000 succeeded, 1,800 failed, 0 cancelled',
    );
  });

  it('finds the hour of the earliest run in view, whatever its day', () => {
    const events = toCalendarEvents(
      data({
        past: [past({ attempted_at: '2026-11-30T13:10:00Z' })], // 14:10 in Berlin
        upcoming: [upcoming({ at: '2026-12-03T07:00:00Z' }), upcoming({ at: '2026-12-20T05:00:00Z' })], // 08:00; 06:00 but out of view
        bands: [band()], // all-day: no time
      }),
      'Europe/Berlin',
    );
    expect(firstRunHour(events, '2026-11-29T00:00:00', '2026-12-06T00:00:00')).toBe('08:00:00');
    expect(firstRunHour(events, '2026-12-07T00:00:00', '2026-12-14T00:00:00')).toBeNull();
  });
});
