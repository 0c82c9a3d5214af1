import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LedgerRun, PreviewAnswer, Schedule } from '../../api/types';
import { stubChartEnvironment } from '../../test/chart';
import { fail, ok, type FakeTransport } from '../../test/FakeTransport';
import { makeEvent, makeJob, makeMissed, makeOutcome, makeRun, makeSchedule, makeSettings, page } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

const NEXT = '2026-11-30T10:00:00Z';
const FOLLOWING: PreviewAnswer = {
  description: 'Every hour',
  next: ['2026-11-30T11:00:00Z', '2026-11-30T12:00:00Z', '2026-11-30T13:00:00Z', '2026-11-30T14:00:00Z'],
  notes: [],
};

function hourly(overrides: Partial<Schedule> = {}): Schedule {
  return makeSchedule({ name: 'Nightly sync', summary: 'Every hour', frequency: { repeat_every: [1, 'hours'] }, next_run_at: NEXT, ...overrides });
}

/**
 * The last day of an hourly schedule, oldest first: the computer slept from 01:00 to 05:00
 * (the first run caught up late, the next three merged into it), a run on time, one that
 * failed, and two runs skipped while Chime was closed.
 */
function aDay(): LedgerRun[] {
  return [
    makeRun(9, { drift_ms: 4 * 3_600_000 + 30_000, reason: 'asleep', action: 'ran' }),
    makeMissed(8, 3, 'asleep', 'merged'),
    makeRun(5, { duration_ms: 120 }),
    makeRun(4, { outcome: 'failure', duration_ms: 300 }),
    makeMissed(3, 2, 'closed', 'skipped'),
  ];
}

function engineFor(schedule: Schedule, runs: LedgerRun[] = aDay()): FakeTransport {
  return emptyEngine()
    .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
    .on('GET', `/api/schedules/${schedule.id}`, ok({ data: schedule }))
    .on('GET', `/api/schedules/${schedule.id}/runs`, ok({ data: runs }))
    .on('POST', '/api/schedules/preview', ok({ data: FOLLOWING }));
}

/** The ledger's line that says `text`. */
async function ledgerRow(text: string): Promise<HTMLElement> {
  const table = await screen.findByRole('table', { name: 'Ledger' });
  const row = within(table).getByText(text).closest('tr');
  if (!row) throw new Error(`no ledger row says ${text}`);
  return row;
}

describe('a schedule’s page', () => {
  beforeEach(() => {
    stubChartEnvironment({ width: 900 });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('shows the rule in words and the next runs the engine gives, after the schedule’s own next run', async () => {
    const schedule = hourly();
    const engine = engineFor(schedule);
    renderApp(engine, `/schedules/${schedule.id}`);

    expect(await screen.findByRole('heading', { level: 1, name: 'Nightly sync' })).toBeInTheDocument();
    expect(screen.getByText('Every hour')).toBeInTheDocument();
    const next = await screen.findByRole('list', { name: 'Next runs' });
    await waitFor(() => expect(within(next).getAllByRole('listitem')).toHaveLength(5));
    const times = within(next).getAllByRole('listitem').map((li) => li.querySelector('time')?.getAttribute('dateTime'));
    expect(times).toEqual([NEXT, ...FOLLOWING.next]);
    // asked from the next run, so an interval keeps its phase
    expect(engine.requestsTo('POST', '/api/schedules/preview').at(-1)?.body).toEqual({ repeat_every: [1, 'hours'], count: 4, from: NEXT });
  });

  it('says a paused schedule plans nothing, and asks for no next runs', async () => {
    const schedule = hourly({ disabled_at: '2026-11-30T08:00:00Z', next_run_at: null, pending_job_id: null });
    const engine = engineFor(schedule);
    renderApp(engine, `/schedules/${schedule.id}`);
    expect(await screen.findByText('Paused: no run is planned until it is resumed.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(engine.requestsTo('POST', '/api/schedules/preview')).toHaveLength(0);
  });

  it('lists the last day’s ledger: what ran, failed or was missed, and why, a stretch on one line', async () => {
    const schedule = hourly();
    const engine = engineFor(schedule);
    renderApp(engine, `/schedules/${schedule.id}`);

    const merged = await ledgerRow('3 runs missed while the computer slept (merged into one run)');
    expect(within(merged).getByText('Missed')).toBeInTheDocument();
    expect(within(merged).getAllByRole('time')).toHaveLength(2); // from and until
    const skipped = await ledgerRow('2 runs missed while Chime was closed (skipped)');
    expect(within(skipped).getByText('Missed')).toBeInTheDocument();
    const late = await ledgerRow('Ran late: due while the computer slept');
    expect(within(late).getByText('Succeeded')).toBeInTheDocument();
    expect(within(late).getByText('4 h 0 m')).toBeInTheDocument(); // how late
    expect(within(late).getByRole('link', { name: 'Open run' })).toBeInTheDocument();

    const rows = within(screen.getByRole('table', { name: 'Ledger' })).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(5);
    // newest first: the skipped stretch, the failure, the run on time, the merged stretch, the late run
    expect(rows.map((r) => within(r).getAllByText(/^(Succeeded|Failed|Missed)$/)[0]?.textContent)).toEqual([
      'Missed',
      'Failed',
      'Succeeded',
      'Missed',
      'Succeeded',
    ]);
    expect(within(rows[2]!).getByText('on time')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('120 ms')).toBeInTheDocument();

    expect(screen.getByText('2 succeeded · 1 failed · 5 missed · 1 ran late')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Last day: 2 succeeded · 1 failed · 5 missed · 1 ran late' })).toBeInTheDocument();
    expect(await screen.findByRole('img', { name: 'Duration and lateness of the 3 runs that went out' })).toBeInTheDocument(); // the chart loads on its own

    const asked = engine.requestsTo('GET', `/api/schedules/${schedule.id}/runs`)[0]!.query;
    expect(Date.parse(asked.get('to')!) - Date.parse(asked.get('from')!)).toBe(24 * 3_600_000);
    expect(asked.get('limit')).toBe('5000');
  });

  it('draws a stretch of missed runs as one band over the timeline, saying why', async () => {
    const schedule = hourly();
    renderApp(engineFor(schedule), `/schedules/${schedule.id}`);
    const strip = await screen.findByRole('img', { name: /^Last day: / });
    const bands = Array.from(strip.querySelectorAll('.timeline__band')).map((b) => b.getAttribute('title'));
    expect(bands).toHaveLength(2);
    expect(bands[0]).toMatch(/: 3 runs missed while the computer slept \(merged into one run\)$/);
    expect(bands[1]).toMatch(/: 2 runs missed while Chime was closed \(skipped\)$/);
    const failed = strip.querySelectorAll('.timeline__slice--failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.getAttribute('title')).toMatch(/: 1 failed$/);
  });

  it('shows runs missed while it is open, as soon as their job.missed arrives', async () => {
    const schedule = hourly();
    const engine = engineFor(schedule, []);
    renderApp(engine, `/schedules/${schedule.id}`);
    expect(await screen.findByText('Nothing was planned in this range.')).toBeInTheDocument();

    engine.on('GET', `/api/schedules/${schedule.id}/runs`, ok({ data: [makeMissed(2, 2, 'paused', 'skipped')] }));
    engine.push(makeEvent('job.missed', { count: 2, reason: 'paused' }, { job_id: null, schedule_id: schedule.id, attempt: null }));
    expect(await ledgerRow('2 runs missed while paused (skipped)')).toBeInTheDocument();
  });

  it('asks for the last week when it is picked, and keeps the choice in the address', async () => {
    const schedule = hourly();
    const engine = engineFor(schedule);
    const { user, history } = renderApp(engine, `/schedules/${schedule.id}`);
    await screen.findByRole('table', { name: 'Ledger' });
    await user.click(screen.getByRole('radio', { name: 'Last week' }));
    await waitFor(() => expect(engine.requestsTo('GET', `/api/schedules/${schedule.id}/runs`)).toHaveLength(2));
    const asked = engine.requestsTo('GET', `/api/schedules/${schedule.id}/runs`)[1]!.query;
    expect(Date.parse(asked.get('to')!) - Date.parse(asked.get('from')!)).toBe(7 * 24 * 3_600_000);
    expect(history.location.search).toBe('?range=week');
    expect(await screen.findByRole('img', { name: /^Last week: / })).toBeInTheDocument();
  });

  it('keeps the rest of the page when the ledger cannot be read, and tries again', async () => {
    const schedule = hourly();
    const engine = engineFor(schedule).on('GET', `/api/schedules/${schedule.id}/runs`, fail(500, 'internal', null, 'The ledger is locked.'));
    const { user } = renderApp(engine, `/schedules/${schedule.id}`);
    const runs = await screen.findByRole('region', { name: 'Runs' });
    expect(await within(runs).findByRole('alert')).toHaveTextContent('The ledger is locked.');
    expect(screen.getByText('Every hour')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: /^Jobs/ })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Live log' })).toBeInTheDocument(); // the shell still works

    engine.on('GET', `/api/schedules/${schedule.id}/runs`, ok({ data: aDay() }));
    await user.click(within(runs).getByRole('button', { name: 'Try again' }));
    expect(await ledgerRow('2 runs missed while Chime was closed (skipped)')).toBeInTheDocument();
  });

  it('says in the chart’s place when it cannot draw, and keeps the ledger', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(() => {
      throw new Error('No canvas here.');
    });
    vi.spyOn(console, 'error').mockImplementation(() => {}); // React reports the caught error
    const schedule = hourly();
    renderApp(engineFor(schedule), `/schedules/${schedule.id}`);
    const chart = await screen.findByRole('region', { name: 'Drift and duration' });
    expect(await within(chart).findByRole('alert')).toHaveTextContent('Could not show the chart: No canvas here.');
    expect(await ledgerRow('2 runs missed while Chime was closed (skipped)')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Nightly sync' })).toBeInTheDocument();
  });

  it('says when the schedule itself cannot be loaded, with the way back', async () => {
    const engine = emptyEngine().on('GET', '/api/schedules/gone', fail(404, 'not_found', null, 'No schedule gone.'));
    const { user, history } = renderApp(engine, '/schedules/gone');
    expect(await screen.findByText('No schedule gone.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Back to jobs' }));
    await waitFor(() => expect(history.location.pathname).toBe('/jobs'));
  });

  it('lists its jobs, each opening its run', async () => {
    const schedule = hourly();
    const done = makeJob({ schedule_id: schedule.id, run: 7, state: 'completed', last_outcome: makeOutcome(200, { duration_ms: 95 }) });
    const engine = engineFor(schedule).on('GET', '/api/jobs', (req) => ok(page(req.query.get('schedule_id') === schedule.id ? [done] : [])));
    const { user, history } = renderApp(engine, `/schedules/${schedule.id}`);
    const jobs = await screen.findByRole('table', { name: 'Jobs of this schedule' });
    expect(await within(jobs).findByText('#7')).toBeInTheDocument();
    expect(within(jobs).getByText('200')).toBeInTheDocument();
    await user.click(within(jobs).getAllByRole('link')[0]!);
    await waitFor(() => expect(history.location.pathname).toBe(`/jobs/detail/${done.id}`));
  });

  it('runs now, pauses after asking, and goes back to the list once deleted', async () => {
    const schedule = hourly();
    let current = schedule;
    const engine = engineFor(schedule)
      .on('GET', `/api/schedules/${schedule.id}`, () => ok({ data: current }))
      .on('POST', `/api/schedules/${schedule.id}/run`, ok({ data: makeJob({ schedule_id: schedule.id }) }))
      .on('POST', `/api/schedules/${schedule.id}/disable`, () => {
        current = { ...schedule, disabled_at: '2026-11-30T09:00:00Z', next_run_at: null };
        return ok({ data: current });
      })
      .on('DELETE', `/api/schedules/${schedule.id}`, ok(null, 204));
    const { user, history } = renderApp(engine, `/schedules/${schedule.id}`);
    await screen.findByRole('heading', { level: 1, name: 'Nightly sync' });

    await user.click(screen.getByRole('button', { name: 'Run now' }));
    await waitFor(() => expect(engine.requestsTo('POST', `/api/schedules/${schedule.id}/run`)).toHaveLength(1));

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Pause this schedule?' })).getByRole('button', { name: 'Pause schedule' }));
    expect(await screen.findByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(await screen.findByText('Paused: no run is planned until it is resumed.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete this schedule?' })).getByRole('button', { name: 'Delete schedule' }));
    await waitFor(() => expect(history.location.pathname).toBe('/jobs'));
    expect(engine.requestsTo('DELETE', `/api/schedules/${schedule.id}`)).toHaveLength(1);
  });

  it('opens the editor over the page, and closing it comes back to the page', async () => {
    const schedule = hourly({ args: { method: 'post', url: 'https://api.example.com/sync' } });
    const { user, history } = renderApp(engineFor(schedule).on('GET', '/api/status', ok({ data: { paused: false, allow_http_for_this_run: false } })), `/schedules/${schedule.id}?range=week`);
    await screen.findByRole('heading', { level: 1, name: 'Nightly sync' });
    await user.click(screen.getByRole('button', { name: 'Edit' }));
    const drawer = await screen.findByRole('dialog', { name: 'Edit schedule' });
    expect(await within(drawer).findByLabelText('URL')).toHaveValue('https://api.example.com/sync');
    expect(history.location.pathname).toBe(`/schedules/${schedule.id}/edit`);

    await user.click(within(drawer).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit schedule' })).not.toBeInTheDocument());
    expect(history.location.pathname).toBe(`/schedules/${schedule.id}`);
    expect(history.location.search).toBe('?range=week');
    expect(screen.getByRole('heading', { level: 1, name: 'Nightly sync' })).toBeInTheDocument();
  });
});
