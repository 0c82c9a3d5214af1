/** Pausing a schedule for a while, and what its row and page say of a timed pause, failing runs and limits (SPEC 7.3, 7.4). */
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Schedule } from '../../api/types';
import { stubChartEnvironment } from '../../test/chart';
import { ok, type FakeTransport } from '../../test/FakeTransport';
import { makeSchedule, makeSettings, page } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

/** 23:30 UTC on 30 November: already 1 December, 00:30, in Berlin. */
const NOW = '2026-11-30T23:30:00.000Z';

function hourly(overrides: Partial<Schedule> = {}): Schedule {
  return makeSchedule({
    id: 'sched-1',
    name: 'Nightly sync',
    summary: 'Every hour',
    frequency: { repeat_every: [1, 'hours'] },
    next_run_at: '2026-12-01T00:00:00Z',
    ...overrides,
  });
}

/** An engine with one schedule that `/disable` pauses (until what the body asks). */
function engineWith(schedule: Schedule, zone = 'Europe/Berlin'): { engine: FakeTransport; current: () => Schedule } {
  let current = schedule;
  const engine = emptyEngine()
    .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: zone }) }))
    .on('GET', '/api/schedules', () => ok(page([current])))
    .on('GET', `/api/schedules/${schedule.id}`, () => ok({ data: current }))
    .on('GET', `/api/schedules/${schedule.id}/runs`, ok({ data: [] }))
    .on('POST', `/api/schedules/${schedule.id}/disable`, (request) => {
      const until = (request.body as { until?: string } | undefined)?.until ?? null;
      current = { ...current, disabled_at: NOW, next_run_at: null, pending_job_id: null, resume_at: until && new Date(until).toISOString() };
      return ok({ data: current });
    });
  return { engine, current: () => current };
}

async function openPauseDialog(user: ReturnType<typeof renderApp>['user'], scope: HTMLElement = document.body) {
  await user.click(within(scope).getByRole('button', { name: 'Pause' }));
  return screen.findByRole('dialog', { name: 'Pause this schedule?' });
}

describe('pausing a schedule for a while', () => {
  beforeEach(() => {
    stubChartEnvironment({ width: 900 });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(NOW));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('pauses for 1 hour from its page, and then says until when', async () => {
    const { engine } = engineWith(hourly());
    const { user } = renderApp(engine, '/schedules/sched-1');
    await screen.findByRole('heading', { level: 1, name: 'Nightly sync' });

    const dialog = await openPauseDialog(user);
    await user.click(within(dialog).getByRole('button', { name: 'Pause for 1 hour' }));
    await waitFor(() => expect(engine.requestsTo('POST', '/api/schedules/sched-1/disable')).toHaveLength(1));
    const until = (engine.requestsTo('POST', '/api/schedules/sched-1/disable')[0]?.body as { until: string }).until;
    expect(Date.parse(until) - Date.parse(NOW)).toBe(3_600_000);
    expect(screen.queryByRole('dialog', { name: 'Pause this schedule?' })).not.toBeInTheDocument();

    // the heading's badge, and the next runs' place: 01:30 in Berlin
    const heading = await screen.findByRole('heading', { level: 1, name: /Nightly sync Paused until Dec 1, 01:30 AM/ });
    expect(within(heading).getByText('Paused until Dec 1, 01:30 AM')).toBeInTheDocument();
    const resumes = await screen.findByText(/it resumes by itself then/);
    expect(resumes).toHaveTextContent('Paused until Tue, Dec 1, 2026, 01:30 AM GMT+1: it resumes by itself then.');
    expect(screen.getByRole('button', { name: 'Resume' })).toBeInTheDocument();
  });

  it('pauses until tomorrow 9:00 in the display time zone, from the Jobs list', async () => {
    const { engine } = engineWith(hourly());
    const { user } = renderApp(engine, '/jobs');
    const row = await screen.findByTestId('schedule-sched-1');

    const dialog = await openPauseDialog(user, row);
    await user.click(within(dialog).getByRole('button', { name: 'Pause until tomorrow 9:00' }));
    await waitFor(() => expect(engine.requestsTo('POST', '/api/schedules/sched-1/disable')).toHaveLength(1));
    // it is 1 December in Berlin already: tomorrow is the 2nd
    expect(engine.requestsTo('POST', '/api/schedules/sched-1/disable')[0]?.body).toEqual({ until: '2026-12-02T09:00:00+01:00' });
    expect(await within(row).findByText('Paused until Dec 2, 09:00 AM')).toBeInTheDocument();
  });

  it('pauses until resumed as before: no time sent, no time shown', async () => {
    const { engine } = engineWith(hourly());
    const { user } = renderApp(engine, '/schedules/sched-1');
    await screen.findByRole('heading', { level: 1, name: 'Nightly sync' });
    const dialog = await openPauseDialog(user);
    await user.click(within(dialog).getByRole('button', { name: 'Pause schedule' }));
    expect(await screen.findByText('Paused: no run is planned until it is resumed.')).toBeInTheDocument();
    expect(engine.requestsTo('POST', '/api/schedules/sched-1/disable')[0]?.body).toBeUndefined();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(/^Nightly sync Paused$/);
  });
});

describe('a schedule that fails, and its limits', () => {
  beforeEach(() => {
    stubChartEnvironment({ width: 900 });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(NOW));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const failing = () =>
    hourly({
      failures_in_row: 4,
      failing_since: '2026-11-30T20:00:00Z',
      overlap: 'skip',
      max_runs: 10,
      runs_sent: 3,
      until: '2026-12-24T17:00:00Z',
      quiet_hours: { from: '22:00', to: '07:00', timezone: 'Europe/Berlin', action: 'defer' },
    });

  it('says on its page since when it fails, how many runs in a row, and the limits it runs within', async () => {
    const { engine } = engineWith(failing());
    renderApp(engine, '/schedules/sched-1');
    const heading = await screen.findByRole('heading', { level: 1, name: /Nightly sync/ });
    expect(within(heading).getByText('Failing')).toHaveAttribute('title', 'Failing since Mon, Nov 30, 2026, 09:00:00 PM GMT+1: 4 failed runs in a row');

    const facts = (term: string) => {
      const dt = screen.getByText(term, { selector: 'dt' });
      return dt.nextElementSibling;
    };
    expect(facts('Failing')).toHaveTextContent('since Nov 30, 09:00 PM, 4 failed runs in a row');
    expect(facts('When a run is due while one runs')).toHaveTextContent('skip the new run');
    expect(facts('Run limit')).toHaveTextContent('3 of 10 runs sent');
    expect(facts('No runs after')).toHaveTextContent('Thu, Dec 24, 2026, 06:00 PM GMT+1');
    expect(facts('Quiet hours')).toHaveTextContent('22:00–07:00 (Europe/Berlin): runs due then are moved to their end');
  });

  it('shows a failed run in a row before it counts as failing, and nothing of limits it does not have', async () => {
    const { engine } = engineWith(hourly({ failures_in_row: 1 }));
    renderApp(engine, '/schedules/sched-1');
    const term = await screen.findByText('Failed runs in a row', { selector: 'dt' });
    expect(term.nextElementSibling).toHaveTextContent('1');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(/^Nightly sync$/);
    for (const absent of ['Failing', 'Run limit', 'No runs after', 'Quiet hours', 'When a run is due while one runs']) {
      expect(screen.queryByText(absent, { selector: 'dt' })).not.toBeInTheDocument();
    }
  });

  it('marks a failing schedule in the Jobs list', async () => {
    const { engine } = engineWith(failing());
    renderApp(engine, '/jobs');
    const row = await screen.findByTestId('schedule-sched-1');
    expect(within(row).getByText('Failing')).toBeInTheDocument();
    expect(within(row).queryByText(/Paused/)).not.toBeInTheDocument();
  });
});
