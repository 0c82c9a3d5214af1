/** The run detail of a run whose check failed: which one and why, and the alerts it raised. */
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../api/types';
import { ok } from '../../test/FakeTransport';
import { makeEvent, makeJob, makeOutcome, makeSettings } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

const CHECK_WORDS = 'check failed: data.items[0].ok is false, expected true';

const failedAttempt: Attempt = {
  attempt: 1,
  started_at: '2026-11-30T09:00:00.000Z',
  finished_at: '2026-11-30T09:00:00.120Z',
  duration_ms: 120,
  outcome: 'assertion_failed',
  request: { method: 'GET', url: 'https://api.example.com/orders', headers: {}, truncated: false },
  response: {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"data":{"items":[{"ok":false}]}}',
    truncated: false,
    assertions: [
      { item: { status: '2xx' }, passed: true, actual: 200 },
      { item: { json: 'data.items[0].ok', equals: true }, passed: false, actual: false, message: 'data.items[0].ok is false, expected true' },
    ],
  },
  error: CHECK_WORDS,
  retry_at: null,
};

describe('run detail: checks and alerts', () => {
  it('reads a 200 that failed a check as a failure, and says which check failed, why, and what it saw', async () => {
    const job = makeJob({
      name: 'Orders feed',
      state: 'discarded',
      attempt: 1,
      max_attempts: 1,
      last_outcome: makeOutcome(200, { error: CHECK_WORDS }),
      attempts: [failedAttempt],
    });
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
      .on('GET', `/api/jobs/${job.id}`, ok({ data: job }))
      .on('GET', '/api/logs', ok({ data: [], limit: 50 }));
    renderApp(engine, `/jobs/detail/${job.id}`);

    const attempts = await screen.findByRole('table', { name: 'Attempts' });
    const result = within(attempts).getByText('200 · check failed');
    expect(result).toHaveClass('badge--danger');
    expect(within(attempts).getByText(CHECK_WORDS)).toBeInTheDocument();
    expect(screen.getByText('Failed')).toHaveClass('badge--danger'); // the job's state

    const response = screen.getByRole('region', { name: 'Response' });
    const checks = within(response).getByRole('region', { name: 'Checks' });
    expect(within(checks).getByText('· 1 of 2 checks failed')).toBeInTheDocument();
    const failed = within(checks).getAllByRole('listitem')[1]!;
    expect(failed).toHaveTextContent('failed');
    expect(failed).toHaveTextContent('data.items[0].ok equals true');
    expect(failed).toHaveTextContent('data.items[0].ok is false, expected true');
    expect(failed).toHaveTextContent('saw false');
  });

  it('shows the alerts the run raised: its schedule failing, and what changed in its response', async () => {
    const job = makeJob({ schedule_id: 'sched-1', state: 'discarded', last_outcome: makeOutcome(503), attempts: [] });
    const failing = makeEvent(
      'schedule.failing',
      { failures: 3, last_failure: '503 Service Unavailable', message: 'Orders feed failed 3 times in a row: 503 Service Unavailable' },
      { job_id: job.id, schedule_id: 'sched-1', attempt: null },
    );
    const changed = makeEvent(
      'job.changed',
      { diff: [{ path: 'status', before: 200, after: 503 }], more: 0, message: 'Orders feed changed: status 200 → 503' },
      { job_id: job.id, schedule_id: 'sched-1', attempt: null },
    );
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
      .on('GET', `/api/jobs/${job.id}`, ok({ data: job }))
      .on('GET', '/api/schedules/sched-1', ok({ data: null }))
      .on('GET', '/api/logs', ok({ data: [failing, changed], limit: 50 }));
    renderApp(engine, `/jobs/detail/${job.id}`);

    const alerts = await screen.findByRole('region', { name: 'Alerts' });
    expect(within(alerts).getByText('Orders feed failed 3 times in a row: 503 Service Unavailable')).toBeInTheDocument();
    expect(within(alerts).getByRole('group', { name: 'Schedule failing' })).toHaveTextContent('Failed3 failed runs in a row');
    expect(within(alerts).getByRole('list', { name: 'What changed' })).toHaveTextContent('status200→503');
    // asked for this job's alerts only
    const asked = engine.requestsTo('GET', '/api/logs').at(-1)!;
    expect(asked.query.get('job_id')).toBe(job.id);
    expect(asked.query.get('event')).toBe('schedule.failing,schedule.recovered,job.changed');
  });
});
