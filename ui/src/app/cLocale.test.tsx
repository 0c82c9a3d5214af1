import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../api/types';
import { bandTitle } from '../features/calendar/mapping';
import { stubChartEnvironment, stubCLocale } from '../test/chart';
import { ok } from '../test/FakeTransport';
import { makeEvent, makeJob, makeMissed, makeOutcome, makeRun, makeSchedule, makeSettings, page } from '../test/fixtures';
import { emptyEngine, renderApp } from '../test/renderApp';

/**
 * The desktop window on a machine whose locale is C or POSIX: WebKitGTK reports
 * `navigator.language === 'C'`, which Intl refuses. Every view must still work.
 */
describe('under the C locale (LANG=C.UTF-8)', () => {
  let chart: { labels: string[] };
  beforeEach(() => {
    stubCLocale();
    chart = stubChartEnvironment();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('opens a run of a schedule with its chart of recent runs', async () => {
    const schedule = makeSchedule({ name: 'Heartbeat' });
    const runs: Job[] = [0, 1, 2].map((i) =>
      makeJob({
        schedule_id: schedule.id,
        state: 'completed',
        scheduled_at: `2026-11-30T08:0${i}:00Z`,
        last_outcome: makeOutcome(200, { duration_ms: 1200 + i, finished_at: `2026-11-30T08:0${i}:01Z` }),
      }),
    );
    const opened = { ...runs[2]!, attempts: [] };
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
      .on('GET', `/api/jobs/${opened.id}`, ok({ data: opened }))
      .on('GET', `/api/schedules/${schedule.id}`, ok({ data: schedule }))
      .on('GET', '/api/jobs', ok(page([...runs].reverse())));
    renderApp(engine, `/jobs/detail/${opened.id}`);

    expect(await screen.findByRole('img', { name: 'Durations and outcomes of the last 3 runs' })).toBeInTheDocument();
    // drawn, with its axes labelled by the UI's formatters
    await waitFor(() => expect(chart.labels).toContain('1.00 s'));
    expect(chart.labels).toContain('Nov 30, 08:00 AM');
    expect(screen.queryByText(/something went wrong/i)).not.toBeInTheDocument();
  });

  it('opens a schedule’s page with its chart of drift and duration', async () => {
    const schedule = makeSchedule({ name: 'Heartbeat', summary: 'Every minute' });
    const runs = [0, 1, 2].map((i) =>
      makeRun(0, { planned_at: `2026-11-30T08:0${i}:00Z`, started_at: `2026-11-30T08:0${i}:01Z`, drift_ms: 1000, duration_ms: 1200 + i }),
    );
    const slept = { ...makeMissed(0, 40, 'asleep', 'merged'), planned_at: '2026-11-30T08:03:00Z', until: '2026-11-30T08:42:00Z' };
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
      .on('GET', `/api/schedules/${schedule.id}`, ok({ data: schedule }))
      .on('GET', `/api/schedules/${schedule.id}/runs`, ok({ data: [...runs, slept] }));
    renderApp(engine, `/schedules/${schedule.id}`);

    expect(await screen.findByRole('img', { name: 'Duration and lateness of the 3 runs that went out' })).toBeInTheDocument();
    await waitFor(() => expect(chart.labels).toContain('1.00 s'));
    expect(chart.labels.some((l) => /^Nov 30, 08:0\d AM$/.test(l))).toBe(true);
    expect(screen.getByText('40 runs missed while the computer slept (merged into one run)')).toBeInTheDocument();
    expect(screen.queryByText(/something went wrong|could not show/i)).not.toBeInTheDocument();
  });

  it('writes large counts on the calendar with group separators', () => {
    const title = bandTitle({
      schedule_id: 's1',
      name: 'Health check',
      day: '2026-11-29',
      last_day: '2026-12-05',
      days: 7,
      kind: 'upcoming',
      count: 681004,
      per_day: null,
      first: '2026-11-29T00:00:00Z',
      last: '2026-12-05T23:59:59Z',
      summary: 'Every 3 seconds',
      outcomes: null,
    });
    expect(title).toBe('Health check · Every 3 seconds · 681,004 runs over 7 days');
  });

  it('shows the live log and counts its events', async () => {
    const events = Array.from({ length: 1200 }, (_, i) =>
      makeEvent('job.request', { method: 'GET', url: `https://api.example.com/items/${i}` }, { job_id: `job-${i}` }),
    );
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings() }))
      .on('GET', '/api/logs', ok({ data: [], limit: 200 }));
    renderApp(engine, '/log');
    expect(await screen.findByRole('heading', { name: 'No events yet' })).toBeInTheDocument();
    act(() => events.forEach((e) => engine.push(e)));
    await waitFor(() => expect(screen.getByLabelText('Events shown')).toHaveTextContent('1,200'));
    expect(within(screen.getByRole('region', { name: 'Events' })).getAllByText(/^\d\d:\d\d:\d\d\.\d{3}$/).length).toBeGreaterThan(0);
  });
});
