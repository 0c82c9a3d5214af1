/**
 * The events the engine really makes (fixtures/events.ts, written by `cargo test` from one
 * real event of each kind, the recovery after a crash included) through the UI's own event
 * handling: the live stream's parsing, the log's rows and the live invalidation. tsc checks
 * the fixtures against the generated `Event`, and `EXPECTED` is keyed by fixture, so a kind
 * or a field the engine adds and the UI does not know fails the build or this test.
 */
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { keysForEvent } from '../app/liveInvalidation';
import { ok } from '../test/FakeTransport';
import { makeSettings } from '../test/fixtures';
import { emptyEngine, renderApp } from '../test/renderApp';
import { eventFixtures } from './fixtures/events';
import { toLogEvent } from './transport';
import type { LogEvent, LogPage } from './types';

type FixtureName = keyof typeof eventFixtures;
const f = eventFixtures;

interface Expected {
  /** What the log line shows, beside the time, the kind and the job. */
  shows: Array<string | RegExp>;
  /** What it must not show. */
  hides?: string[];
  /** The accessible name of what expanding the row shows. */
  details: string;
  /** Whether it moves something on the calendar (a run appears, finishes, goes or moves). */
  calendar: boolean;
  /** Whether it changes a row of its schedule's ledger. */
  ledger?: boolean;
}

const EXPECTED: Record<FixtureName, Expected> = {
  'job.created': {
    shows: [f['job.created'].payload.source, 'GET', f['job.created'].payload.url, /^due /],
    details: 'created payload',
    calendar: true,
  },
  'job.updated': {
    shows: [`changed ${f['job.updated'].payload.changed.join(', ')}`],
    details: 'updated payload',
    calendar: true,
  },
  'job.cancelled': { shows: [f['job.cancelled'].payload.reason], details: 'cancelled payload', calendar: true },
  'job.started': { shows: [`attempt ${f['job.started'].payload.attempt}`], details: 'started payload', calendar: false },
  'job.request': {
    shows: [f['job.request'].payload.method, f['job.request'].payload.url],
    details: 'Request headers',
    calendar: false,
  },
  // its checks, in a word on the line and one by one expanded
  'job.response': {
    shows: [String(f['job.response'].payload.status), `${f['job.response'].payload.body.length} B`, `${f['job.response'].payload.assertions.length} checks passed`],
    details: 'Checks',
    calendar: false,
  },
  'job.error': { shows: [f['job.error'].payload.error], details: 'error payload', calendar: false },
  'job.error (recovered after a crash)': {
    shows: [/^interrupted: /, /^retry /],
    details: 'error payload',
    calendar: false,
  },
  'job.finished': {
    shows: [f['job.finished'].payload.outcome, String(f['job.finished'].payload.status), f['job.finished'].payload.state],
    details: 'finished payload',
    calendar: true,
  },
  // the attempt Chime stopped during is no failure of the target: it runs again
  'job.finished (recovered after a crash)': {
    shows: ['interrupted', /runs again/],
    hides: ['error'],
    details: 'finished payload',
    calendar: true,
  },
  // a stretch of runs that never became jobs: no job, its schedule's ledger
  'job.missed': {
    shows: [`${f['job.missed'].payload.count} runs missed while the computer slept (merged into one run)`, /^· due /],
    details: 'missed payload',
    calendar: false,
    ledger: true,
  },
  'job.waiting': {
    shows: ['waiting for the network', `· ${f['job.waiting'].payload.host}, up to 0 ms`],
    details: 'waiting payload',
    calendar: false,
    ledger: false,
  },
  // alerts read as their notifications do; expanded, what they are about in words
  'job.changed': { shows: [f['job.changed'].payload.message], details: 'What changed', calendar: false, ledger: false },
  'schedule.failing': { shows: [f['schedule.failing'].payload.message], details: 'Schedule failing', calendar: false, ledger: false },
  'schedule.recovered': { shows: [f['schedule.recovered'].payload.message], details: 'Schedule recovered', calendar: false, ledger: false },
};

// Object.entries types its keys as plain strings
const fixtures = Object.entries(eventFixtures) as Array<[FixtureName, LogEvent]>;

/** The log page with `event` as its history, the display zone UTC. */
function logWith(event: LogEvent) {
  const engine = emptyEngine()
    .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
    .on('GET', '/api/logs', ok({ data: [event], limit: 200 } satisfies LogPage<LogEvent>));
  return renderApp(engine, '/log');
}

describe('every event kind the engine makes', () => {
  it.each(fixtures)('%s arrives whole through the live stream', (_, event) => {
    expect(toLogEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it.each(fixtures)('%s shows its facts in the log, and its details expanded', async (name, event) => {
    const { user } = logWith(event);
    const row = await screen.findByTestId(`log-row-${event.id}`);
    const expected = EXPECTED[name];
    for (const text of expected.shows) expect(within(row).getByText(text)).toBeInTheDocument();
    for (const text of expected.hides ?? []) expect(within(row).queryByText(text)).not.toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: /^Expand / }));
    expect(within(row).getByLabelText(expected.details)).toBeInTheDocument();
    expect(screen.queryByText(/something went wrong/i)).not.toBeInTheDocument();
  });

  it.each(fixtures)('%s refreshes its job, the list it is in and, if it moves a run, the calendar and its schedule’s ledger', (name, event) => {
    const keys = keysForEvent(event);
    // A schedule's run is listed in its schedule's row, a one-off job in the lists of jobs.
    if (event.schedule_id) {
      expect(keys).toContainEqual(['schedules', 'list']);
      expect(keys).not.toContainEqual(['jobs', 'list']);
    } else expect(keys).toContainEqual(['jobs', 'list']);
    if (event.job_id !== null) expect(keys).toContainEqual(['jobs', 'detail', event.job_id]);
    else expect(keys.filter((k) => k[0] === 'jobs' && k[1] === 'detail')).toEqual([]);
    if (EXPECTED[name].calendar) expect(keys).toContainEqual(['calendar']);
    else expect(keys).not.toContainEqual(['calendar']);
    const ledger = ['schedules', 'runs', event.schedule_id];
    if (EXPECTED[name].ledger) expect(keys).toContainEqual(ledger);
    else expect(keys).not.toContainEqual(ledger);
  });
});
