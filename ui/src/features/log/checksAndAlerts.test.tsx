/** The live log with checks and alerts: which check failed and why, and alerts in words. */
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { PayloadOf } from '../../api/events';
import type { EventType, LogEvent } from '../../api/types';
import { ok } from '../../test/FakeTransport';
import { makeEvent, makeSettings, type EventFields } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

const event = <K extends EventType>(kind: K, payload: Partial<PayloadOf<K>>, fields: Partial<EventFields> = {}) =>
  makeEvent(kind, payload, { job_id: 'job-aaaaaaaa-1', schedule_id: 'sched-1', ...fields });

function logWith(history: LogEvent[]) {
  const engine = emptyEngine()
    .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
    .on('GET', '/api/logs', ok({ data: [...history].reverse(), limit: 200 }));
  return renderApp(engine, '/log');
}

const FAILED_CHECKS: PayloadOf<'job.response'>['assertions'] = [
  { item: { status: '2xx' }, passed: true, actual: 200 },
  { item: { json: 'data.items[0].ok', equals: true }, passed: false, actual: false, message: 'data.items[0].ok is false, expected true' },
  { item: { latency_ms_max: 800 }, passed: false, actual: 1250, message: 'took 1250 ms, more than 800 ms' },
];

describe('Live log: checks and alerts', () => {
  it('says on a response’s line which check failed and why, and lists every check with what it saw when expanded', async () => {
    const response = event('job.response', { status: 200, body: '{"data":{"items":[{"ok":false}]}}', assertions: FAILED_CHECKS });
    const finished = event('job.finished', { outcome: 'assertion_failed', status: 200, state: 'retryable' });
    const { user } = logWith([response, finished]);

    const row = await screen.findByTestId(`log-row-${response.id}`);
    expect(within(row).getByText('2 of 3 checks failed')).toHaveClass('badge--danger');
    expect(within(row).getByText('data.items[0].ok is false, expected true')).toBeInTheDocument();
    // the run's end reads as a failure, not as the 200 it got
    const end = screen.getByTestId(`log-row-${finished.id}`);
    expect(within(end).getByText('check failed')).toHaveClass('badge--danger');

    await user.click(within(row).getByRole('button', { name: /^Expand / }));
    const checks = within(row).getByRole('region', { name: 'Checks' });
    const items = within(checks).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent('passedstatus is 2xxsaw 200');
    expect(items[1]).toHaveTextContent('faileddata.items[0].ok equals truedata.items[0].ok is false, expected truesaw false');
    expect(items[2]).toHaveTextContent('failedanswers within 800 mstook 1250 ms, more than 800 mssaw 1,250 ms');
  });

  it('shows a response whose checks all passed as such', async () => {
    const response = event('job.response', { assertions: [FAILED_CHECKS[0]!] });
    logWith([response]);
    const row = await screen.findByTestId(`log-row-${response.id}`);
    expect(within(row).getByText('check passed')).toBeInTheDocument();
  });

  it('shows a changed response as before → after by path, and failing and recovered with their words', async () => {
    const changed = event('job.changed', {
      previous_job_id: 'job-bbbbbbbb-0',
      diff: [
        { path: 'status', before: 503, after: 200 },
        { path: 'body.data.version', before: '1.4.2', after: '1.5.0' },
        { path: 'body.data.flags[2]', after: 'beta' },
        { path: 'body.data.legacy', before: true },
      ],
      more: 3,
      message: 'Deploy status changed: status 503 → 200 and 6 more',
      channels: ['desktop', 'webhook'],
    });
    const failing = event('schedule.failing', { failures: 3, last_failure: 'check failed: data.ok is false, expected true', message: 'Deploy status failed 3 times in a row: check failed: data.ok is false, expected true' });
    const recovered = event('schedule.recovered', { failures: 4, failing_since: '2026-11-30T07:45:00.000Z', message: 'Deploy status works again: 200 OK, after 4 failed runs' });
    const { user } = logWith([failing, recovered, changed]);

    const changedRow = await screen.findByTestId(`log-row-${changed.id}`);
    expect(within(changedRow).getByText('Deploy status changed: status 503 → 200 and 6 more')).toBeInTheDocument();
    await user.click(within(changedRow).getByRole('button', { name: /^Expand / }));
    const list = within(changedRow).getByRole('list', { name: 'What changed' });
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'status503→200',
      'body.data.version"1.4.2"→"1.5.0"',
      'body.data.flags[2]added"beta"',
      'body.data.legacyremoved, wastrue',
      'and 3 more differences',
    ]);
    expect(within(changedRow).getByText('a desktop notification and the webhook')).toBeInTheDocument();
    expect(within(changedRow).getByRole('link', { name: 'the previous run' })).toHaveAttribute('href', '/jobs/detail/job-bbbbbbbb-0');

    const failingRow = screen.getByTestId(`log-row-${failing.id}`);
    await user.click(within(failingRow).getByRole('button', { name: /^Expand / }));
    const failingDetails = within(failingRow).getByRole('group', { name: 'Schedule failing' });
    expect(failingDetails).toHaveTextContent('Failed3 failed runs in a row');
    expect(failingDetails).toHaveTextContent('Last failurecheck failed: data.ok is false, expected true');

    const recoveredRow = screen.getByTestId(`log-row-${recovered.id}`);
    await user.click(within(recoveredRow).getByRole('button', { name: /^Expand / }));
    const recoveredDetails = within(recoveredRow).getByRole('group', { name: 'Schedule recovered' });
    expect(recoveredDetails).toHaveTextContent('Failing sinceNov 30, 07:45 AM');
    expect(recoveredDetails).toHaveTextContent('Before this run4 failed runs in a row');
  });
});
