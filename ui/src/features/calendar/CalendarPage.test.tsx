import { screen, waitFor } from '@testing-library/react';
import { CalendarImpl } from '@fullcalendar/core/internal';
import { describe, expect, it, vi } from 'vitest';
import type { CalendarBand, CalendarData, CalendarUpcomingRun } from '../../api/types';
import { ok } from '../../test/FakeTransport';
import { makeSchedule, makeSettings } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

const SETTINGS = makeSettings({ default_timezone: 'Europe/Berlin' });

function answer(from: string, to: string, extraBands: CalendarBand[] = []): CalendarData {
  return {
    from,
    to,
    timezone: 'Europe/Berlin',
    dense_threshold: 48,
    past: [
      {
        job_id: 'job-1',
        schedule_id: null,
        name: 'Deploy hook',
        method: 'POST',
        url: 'https://api.example.com/deploy',
        scheduled_at: '2026-12-01T08:00:00Z',
        attempted_at: '2026-12-01T08:00:00Z',
        finished_at: '2026-12-01T08:00:01Z',
        state: 'completed',
        outcome: 'success',
        status: 200,
        duration_ms: 120,
        attempt: 1,
      },
    ],
    upcoming: [],
    bands: [
      {
        schedule_id: 'sched-1',
        name: 'Heartbeat',
        day: '2026-12-02',
        last_day: '2026-12-02',
        days: 1,
        kind: 'upcoming',
        count: 1440,
        per_day: 1440,
        first: '2026-12-01T23:00:00Z',
        last: '2026-12-02T22:59:00Z',
        summary: 'Every minute',
        outcomes: null,
      },
      ...extraBands,
    ],
  };
}

/** What the engine sends for a day with more one-off jobs than `dense_threshold`. */
const ONE_OFFS: CalendarBand = {
  schedule_id: null,
  name: 'One-off jobs',
  day: '2026-12-03',
  last_day: '2026-12-03',
  days: 1,
  kind: 'upcoming',
  count: 60,
  per_day: 60,
  first: '2026-12-03T09:00:00Z',
  last: '2026-12-03T09:59:00Z',
  summary: 'One-off jobs',
  outcomes: null,
};

describe('Calendar', () => {
  it('asks for the visible week in the display zone, and draws runs and bands', async () => {
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: SETTINGS }))
      .on('GET', '/api/calendar', (req) => ok({ data: answer(req.query.get('from')!, req.query.get('to')!) }));
    const { user, history } = renderApp(engine, '/calendar?view=week&date=2026-12-01');

    await waitFor(() => expect(engine.requestsTo('GET', '/api/calendar')).toHaveLength(1));
    const asked = engine.requestsTo('GET', '/api/calendar')[0]!.query;
    // the week of 1 December 2026 (Sunday to Sunday), midnight in Berlin = 23:00 UTC the day before
    expect(asked.get('from')).toBe('2026-11-28T23:00:00.000Z');
    expect(asked.get('to')).toBe('2026-12-05T23:00:00.000Z');
    expect(asked.get('tz')).toBe('Europe/Berlin');

    expect(await screen.findByText('Deploy hook')).toBeInTheDocument();
    expect(screen.getByText(/^Heartbeat · Every minute · 1[,.\u202f\u00a0]?440 runs$/)).toBeInTheDocument();
    // 08:00 UTC is 09:00 in Berlin
    expect(screen.getByText('Deploy hook').closest('.cal-event')).toHaveTextContent('09:00Deploy hook');

    await user.click(screen.getByText('Deploy hook'));
    await waitFor(() => expect(history.location.pathname).toBe('/jobs/detail/job-1'));
  });

  it('opens the week scrolled to its first run, not to the current hour', async () => {
    const scroll = vi.spyOn(CalendarImpl.prototype, 'scrollToTime');
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: SETTINGS }))
      .on('GET', '/api/calendar', (req) => ok({ data: answer(req.query.get('from')!, req.query.get('to')!) }));
    renderApp(engine, '/calendar?view=week&date=2026-12-01');
    await screen.findByText('Deploy hook');
    // its one timed run is at 08:00 UTC, 09:00 in Berlin
    await waitFor(() => expect(scroll).toHaveBeenLastCalledWith('09:00:00'));
  });

  it('stacks at most two runs side by side in a week, so a chip keeps its time whole', async () => {
    // jsdom lays nothing out, so FullCalendar cannot place chips here: check what it is told
    const scroll = vi.spyOn(CalendarImpl.prototype, 'scrollToTime');
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: SETTINGS }))
      .on('GET', '/api/calendar', (req) => ok({ data: answer(req.query.get('from')!, req.query.get('to')!) }));
    const { user } = renderApp(engine, '/calendar?view=week&date=2026-12-01');
    await waitFor(() => expect(scroll).toHaveBeenCalled());
    const calendar = scroll.mock.contexts[0] as CalendarImpl;
    expect(calendar.view.getOption('eventMaxStack')).toBe(2); // four in a ~125 px column cut "14:00" to "14:0"
    await user.click(screen.getByRole('radio', { name: 'Day' }));
    await waitFor(() => expect(calendar.view.type).toBe('timeGridDay'));
    expect(calendar.view.getOption('eventMaxStack')).toBe(4); // a day's column is wide
  });

  it('asks again for the next range when navigating', async () => {
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: SETTINGS }))
      .on('GET', '/api/calendar', (req) => ok({ data: answer(req.query.get('from')!, req.query.get('to')!) }));
    const { user } = renderApp(engine, '/calendar?view=week&date=2026-12-01');
    await waitFor(() => expect(engine.requestsTo('GET', '/api/calendar')).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(engine.requestsTo('GET', '/api/calendar')).toHaveLength(2));
    expect(engine.requestsTo('GET', '/api/calendar')[1]!.query.get('from')).toBe('2026-12-05T23:00:00.000Z');
    await user.click(screen.getByRole('radio', { name: 'Month' }));
    await waitFor(() => expect(engine.requestsTo('GET', '/api/calendar')).toHaveLength(3));
    // the month grid of December 2026 starts on Sunday 29 November
    expect(engine.requestsTo('GET', '/api/calendar')[2]!.query.get('from')).toBe('2026-11-28T23:00:00.000Z');
  });

  it('opens a schedule’s page from its band and from its upcoming run', async () => {
    const upcoming: CalendarUpcomingRun = {
      job_id: 'job-next',
      schedule_id: 'sched-2',
      name: 'Nightly sync',
      method: 'POST',
      url: 'https://api.example.com/sync',
      at: '2026-12-04T01:00:00Z',
      summary: 'At 02:00 AM',
    };
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: SETTINGS }))
      .on('GET', '/api/calendar', (req) => ok({ data: { ...answer(req.query.get('from')!, req.query.get('to')!), upcoming: [upcoming] } }))
      .on('GET', '/api/schedules/sched-1', ok({ data: makeSchedule({ id: 'sched-1', name: 'Heartbeat' }) }))
      .on('GET', '/api/schedules/sched-2', ok({ data: makeSchedule({ id: 'sched-2', name: 'Nightly sync' }) }))
      .on('GET', /^\/api\/schedules\/sched-\d\/runs$/, ok({ data: [] }));
    const { user, history } = renderApp(engine, '/calendar?view=week&date=2026-12-01');

    await user.click(await screen.findByText(/^Heartbeat · Every minute/));
    expect(await screen.findByRole('heading', { level: 1, name: 'Heartbeat' })).toBeInTheDocument();
    expect(history.location.pathname).toBe('/schedules/sched-1');

    history.back();
    await user.click(await screen.findByText('Nightly sync'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Nightly sync' })).toBeInTheDocument();
    expect(history.location.pathname).toBe('/schedules/sched-2');
  });

  it('opens the day of a band of one-off jobs when it is clicked (it has no schedule to open)', async () => {
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: SETTINGS }))
      .on('GET', '/api/calendar', (req) => ok({ data: answer(req.query.get('from')!, req.query.get('to')!, [ONE_OFFS]) }));
    const { user, history } = renderApp(engine, '/calendar?view=week&date=2026-12-01');

    await user.click(await screen.findByText('One-off jobs · 60 runs'));
    await waitFor(() => expect(history.location.search).toBe('?view=day&date=2026-12-03'));
    expect(history.location.pathname).toBe('/calendar');
    // the day, midnight to midnight in Berlin
    await waitFor(() => expect(engine.requestsTo('GET', '/api/calendar').at(-1)!.query.get('from')).toBe('2026-12-02T23:00:00.000Z'));
  });
});
