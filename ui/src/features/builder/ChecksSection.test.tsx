/** The builder's "Checks and alerts": every check kind, a schedule's alerts and limits, a JSON path picked from a response. */
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Attempt, Job } from '../../api/types';
import { fail, ok } from '../../test/FakeTransport';
import { makeJob, makeOutcome, makeSchedule, makeSettings, page } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

async function openNewJob(engine = emptyEngine()) {
  const app = renderApp(engine.on('POST', '/api/jobs', ok({ data: makeJob() }, 201)), '/jobs/new');
  const url = await screen.findByLabelText('URL');
  await app.user.type(url, 'https://api.example.com/orders');
  return { ...app, engine };
}

const section = () => screen.getByRole('region', { name: 'Checks and alerts' });
const openSection = async (user: ReturnType<typeof renderApp>['user']) => user.click(within(section()).getByRole('button', { name: /Checks and alerts/ }));
const addCheck = async (user: ReturnType<typeof renderApp>['user'], kind: string) =>
  user.click(within(screen.getByRole('group', { name: 'Add a check' })).getByRole('button', { name: kind }));
const sent = (engine: ReturnType<typeof emptyEngine>) => engine.requestsTo('POST', '/api/jobs').at(-1)?.body as Record<string, unknown>;

function answered(job: Job, body: string, at = '2026-11-30T08:00:00.000Z'): Job {
  const attempt: Attempt = {
    attempt: 1,
    started_at: at,
    finished_at: at,
    duration_ms: 40,
    outcome: 'success',
    request: null,
    response: { status: 200, headers: { 'content-type': 'application/json' }, body, truncated: false },
    error: null,
    retry_at: null,
  };
  return { ...job, state: 'completed', last_outcome: makeOutcome(200, { finished_at: at }), attempts: [attempt] };
}

describe('builder: checks and alerts', () => {
  it('adds a check of every kind and sends them as the job’s assert list', async () => {
    const { user, engine } = await openNewJob();
    expect(within(section()).getByRole('button', { name: /Checks and alerts/ })).toHaveTextContent('no checks');
    await openSection(user);
    // a one-off job has checks, and nothing of a schedule's
    expect(screen.queryByRole('group', { name: 'Alerts' })).not.toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Quiet hours' })).not.toBeInTheDocument();

    for (const kind of ['Status', 'JSON path', 'JSON path', 'Body matches', 'Header', 'Latency', 'Certificate']) await addCheck(user, kind);
    const status = screen.getByLabelText('Check 1 statuses');
    expect(status).toHaveValue('2xx');
    await user.clear(status);
    await user.type(status, '200, 204');
    await user.type(screen.getByLabelText('Check 2 path'), 'data.items[[0].ok'); // [[ types a [
    await user.type(screen.getByLabelText('Check 2 value'), 'true');
    await user.type(screen.getByLabelText('Check 3 path'), 'data.name');
    await user.selectOptions(screen.getByLabelText('Check 3 test'), 'contains');
    await user.type(screen.getByLabelText('Check 3 value'), 'order');
    await user.type(screen.getByLabelText('Check 4 pattern'), '"status":\\s*"ok"');
    await user.type(screen.getByLabelText('Check 5 header name'), 'content-type');
    await user.type(screen.getByLabelText('Check 5 pattern'), 'json');
    expect(screen.getByLabelText('Check 6 milliseconds')).toHaveValue(1000);
    expect(screen.getByLabelText('Check 7 days')).toHaveValue(14);
    await user.click(screen.getByRole('button', { name: 'Remove check 7' }));

    await user.click(screen.getByRole('button', { name: 'Schedule job' }));
    await waitFor(() => expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(1));
    expect(sent(engine).assert).toEqual([
      { status: [200, 204] },
      { json: 'data.items[0].ok', equals: true },
      { json: 'data.name', contains: 'order' },
      { body_matches: '"status":\\s*"ok"' },
      { header: 'content-type', matches: 'json' },
      { latency_ms_max: 1000 },
    ]);
    for (const member of ['alert', 'overlap', 'max_runs', 'until', 'quiet_hours']) expect(sent(engine)).not.toHaveProperty(member);
  });

  it('says which check cannot be read, and sends nothing', async () => {
    const { user, engine } = await openNewJob();
    await openSection(user);
    await addCheck(user, 'JSON path');
    await user.click(screen.getByRole('button', { name: 'Schedule job' }));
    expect(await within(section()).findByText('Check 1: A path into the JSON body, such as data.items[0].ok.')).toBeInTheDocument();
    // in the row of the check it is about
    expect(screen.getByLabelText('Check 1 path')).toHaveAccessibleDescription('Check 1: A path into the JSON body, such as data.items[0].ok.');
    expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(0);
  });

  it('shows the engine’s refusal of a check under the checks, and opens the section for it', async () => {
    const engine = emptyEngine().on('POST', '/api/jobs', fail(422, 'invalid', 'assert[1].body_matches', 'assert[1].body_matches: is not a valid regex: unclosed group'));
    renderApp(engine, '/jobs/new');
    const { user } = { user: (await import('@testing-library/user-event')).default.setup() };
    await user.type(await screen.findByLabelText('URL'), 'https://api.example.com/orders');
    await openSection(user);
    await addCheck(user, 'Status');
    await addCheck(user, 'Body matches');
    await user.type(screen.getByLabelText('Check 2 pattern'), '(ok');
    await openSection(user); // closed again: the error opens it
    await user.click(screen.getByRole('button', { name: 'Schedule job' }));
    expect(await screen.findByText('assert[1].body_matches: is not a valid regex: unclosed group')).toBeInTheDocument();
    expect(within(section()).getByRole('button', { name: /Checks and alerts/ })).toHaveAttribute('aria-expanded', 'true');
    // by the check it names, not the first one
    expect(screen.getByLabelText('Check 2 pattern')).toHaveAccessibleDescription('assert[1].body_matches: is not a valid regex: unclosed group');
    expect(screen.getByLabelText('Check 1 statuses')).not.toHaveAccessibleDescription();
    // fixing the pattern takes the engine's refusal away
    await user.type(screen.getByLabelText('Check 2 pattern'), ')');
    expect(screen.queryByText('assert[1].body_matches: is not a valid regex: unclosed group')).not.toBeInTheDocument();
  });

  it('sets a schedule’s alerts, overlap, limits and quiet hours', async () => {
    const { user, engine } = await openNewJob(emptyEngine().on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'Europe/Berlin' }) })));
    await user.click(screen.getByRole('tab', { name: 'Every' }));
    await openSection(user);
    await user.click(screen.getByRole('switch', { name: /Default: tell the first failure/ }));
    await user.type(screen.getByLabelText('Alert after failed runs in a row'), '5');
    await user.click(screen.getByRole('switch', { name: 'Tell when the response changes' }));
    await user.type(screen.getByLabelText('Ignore these paths when comparing'), 'headers.date{Enter}body.generated_at');
    await user.click(screen.getByRole('switch', { name: 'Webhook' }));
    await user.selectOptions(screen.getByLabelText('When a run is due while the last one still runs'), 'skip');
    await user.type(screen.getByLabelText('Stop after runs'), '10');
    await user.type(screen.getByLabelText('No runs after'), '2026-12-24T18:00');
    await user.click(screen.getByRole('switch', { name: /None: it runs at any hour/ }));
    await user.click(screen.getByRole('radio', { name: 'Moved to their end' }));
    expect(screen.getByLabelText('Quiet hours’ time zone')).toHaveValue('Europe/Berlin');

    await user.click(screen.getByRole('button', { name: 'Create schedule' }));
    await waitFor(() => expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(1));
    expect(sent(engine)).toMatchObject({
      repeat_every: [5, 'minutes'],
      alert: { after_failures: 5, on_recovery: true, on_change: true, change_ignore: ['headers.date', 'body.generated_at'], channels: ['desktop'] },
      overlap: 'skip',
      max_runs: 10,
      until: '2026-12-24T18:00:00+01:00',
      quiet_hours: { from: '22:00', to: '07:00', timezone: 'Europe/Berlin', action: 'defer' },
    });
    expect(sent(engine)).not.toHaveProperty('assert');
  });

  it('picks a JSON path for a new job from a test request it sends', async () => {
    const tried = makeJob({ id: 'try-1', state: 'available' });
    const engine = emptyEngine()
      .on('POST', '/api/jobs', ok({ data: tried }, 201))
      .on('GET', '/api/jobs/try-1', ok({ data: answered(tried, JSON.stringify({ data: { items: [{ ok: true, id: 7 }], note: 'x'.repeat(100) }, 'a.b': 1 })) }));
    renderApp(engine, '/jobs/new');
    const { user } = { user: (await import('@testing-library/user-event')).default.setup() };
    await user.type(await screen.findByLabelText('URL'), 'https://api.example.com/orders');
    await openSection(user);
    await user.click(screen.getByRole('button', { name: 'Pick from the response' }));
    expect(screen.getByText('No response yet to pick from.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send a test request' }));
    expect(engine.requestsTo('POST', '/api/jobs')[0]?.body).toMatchObject({ retry: { max_attempts: 1 } });

    const tree = await screen.findByRole('group', { name: 'Response to pick from' });
    expect(within(section()).getByText(/From the test request/)).toBeInTheDocument();
    // a key the engine's paths cannot name is shown, not offered
    expect(within(tree).queryByRole('button', { name: /a\.b/ })).not.toBeInTheDocument();
    await user.click(within(tree).getByRole('button', { name: 'Check that data.items[0].ok equals true' }));
    expect(screen.getByLabelText('Check 1 path')).toHaveValue('data.items[0].ok');
    expect(screen.getByLabelText('Check 1 test')).toHaveValue('equals');
    expect(screen.getByLabelText('Check 1 value')).toHaveValue('true');
    await user.click(within(tree).getByRole('button', { name: 'Check that data.items[0].id equals 7' }));
    expect(screen.getByLabelText('Check 2 value')).toHaveValue('7');
    // a long value is cut in its button's name too, and picked whole
    await user.click(within(tree).getByRole('button', { name: `Check that data.note equals "${'x'.repeat(59)}…` }));
    expect(screen.getByLabelText('Check 3 value')).toHaveValue(`"${'x'.repeat(100)}"`);
  });

  it('edits a schedule’s checks and alerts, picks from its last run, and removes what is cleared', async () => {
    const schedule = makeSchedule({
      id: 'sched-1',
      frequency: { repeat_every: [1, 'hours'] },
      args: { method: 'get', url: 'https://api.example.com/orders', assert: [{ status: '2xx' }] },
      assert: [{ status: '2xx' }, { json: 'data.ok', exists: true }],
      alert: { after_failures: 3, on_recovery: true, on_change: false, change_ignore: [], channels: ['desktop', 'webhook'] },
      overlap: 'queue',
      max_runs: 20,
    });
    const pending = makeJob({ schedule_id: 'sched-1', state: 'scheduled' });
    const last = answered(makeJob({ id: 'run-9', schedule_id: 'sched-1' }), '{"data":{"ok":false,"count":12}}', '2026-11-30T08:00:00.000Z');
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
      .on('GET', '/api/schedules/sched-1', ok({ data: schedule }))
      .on('GET', '/api/schedules/sched-1/runs', ok({ data: [] }))
      .on('GET', '/api/jobs', ok(page([pending, last])))
      .on('GET', '/api/jobs/run-9', ok({ data: last }))
      .on('PATCH', '/api/schedules/sched-1', ok({ data: schedule }));
    const { user } = renderApp(engine, '/schedules/sched-1/edit');

    const toggle = await within(await screen.findByRole('region', { name: 'Checks and alerts' })).findByRole('button', { name: /Checks and alerts/ });
    expect(toggle).toHaveAttribute('aria-expanded', 'true'); // it sets some: open
    expect(screen.getByLabelText('Check 1 statuses')).toHaveValue('2xx');
    expect(screen.getByLabelText('Check 2 path')).toHaveValue('data.ok');
    expect(screen.getByLabelText('Check 2 test')).toHaveValue('exists');
    expect(screen.getByLabelText('Alert after failed runs in a row')).toHaveValue(3);
    expect(screen.getByLabelText('When a run is due while the last one still runs')).toHaveValue('queue');
    expect(screen.getByLabelText('Stop after runs')).toHaveValue(20);

    await user.click(screen.getByRole('button', { name: 'Pick from the response' }));
    const tree = await screen.findByRole('group', { name: 'Response to pick from' });
    expect(screen.getByText(/From the run of Nov 30, 08:00 AM/)).toBeInTheDocument();
    await user.click(within(tree).getByRole('button', { name: 'Check that data.count equals 12' }));
    await user.click(screen.getByRole('button', { name: 'Remove check 1' }));
    await user.clear(screen.getByLabelText('Stop after runs'));
    await user.click(screen.getByRole('switch', { name: 'Alerts of its own' }));

    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(engine.requestsTo('PATCH', '/api/schedules/sched-1')).toHaveLength(1));
    expect(engine.requestsTo('PATCH', '/api/schedules/sched-1')[0]?.body).toMatchObject({
      assert: [{ json: 'data.ok', exists: true }, { json: 'data.count', equals: 12 }],
      alert: null,
      overlap: 'queue',
      max_runs: null,
      until: null,
      quiet_hours: null,
    });
  });
});
