import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Attempt, Job } from '../../api/types';
import { stubChartEnvironment } from '../../test/chart';
import { ok } from '../../test/FakeTransport';
import { makeJob, makeOutcome, makeSchedule, makeSettings, page } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

const TIME = /\b\d\d:\d\d(:\d\d)?\b/;

function attempt(n: number, at: string): Attempt {
  return {
    attempt: n,
    started_at: at,
    finished_at: at,
    duration_ms: 12,
    outcome: 'success',
    request: { method: 'POST', url: 'https://api.example.com/beat', headers: {}, truncated: false },
    response: { status: 200, headers: {}, body: '{}', truncated: false },
    error: null,
    retry_at: null,
  };
}

/** The runs of an every-5-seconds schedule, oldest first, all in one minute. */
function everyFiveSeconds(): { runs: Job[]; opened: Job } {
  const schedule = makeSchedule({ name: 'Heartbeat' });
  const runs = Array.from({ length: 8 }, (_, i) => {
    const at = `2026-11-30T14:07:${String(5 * i).padStart(2, '0')}.000Z`;
    return makeJob({
      schedule_id: schedule.id,
      run: i + 1,
      state: 'completed',
      scheduled_at: at,
      last_outcome: makeOutcome(200, { duration_ms: 2 + (i % 3), finished_at: at }),
      attempts: [attempt(1, at)],
    });
  });
  return { runs, opened: runs[runs.length - 1]! };
}

describe('run detail of a schedule whose runs are seconds apart', () => {
  let chart: { labels: string[] };
  beforeEach(() => {
    chart = stubChartEnvironment({ width: 900 }); // room for several time labels
  });
  afterEach(() => vi.unstubAllGlobals());

  function open() {
    const { runs, opened } = everyFiveSeconds();
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
      .on('GET', /^\/api\/jobs\/job-/, (req) => ok({ data: runs.find((j) => req.path.endsWith(j.id)) }))
      .on('GET', /^\/api\/schedules\//, ok({ data: makeSchedule({ id: opened.schedule_id! }) }))
      .on('GET', '/api/jobs', ok(page([...runs].reverse())));
    return { ...renderApp(engine, `/jobs/detail/${opened.id}`), runs };
  }

  it('labels the chart to the second, without repeating a label', async () => {
    open();
    await screen.findByRole('img', { name: 'Durations and outcomes of the last 8 runs' });
    await waitFor(() => expect(chart.labels.some((l) => /02:07:\d\d/.test(l))).toBe(true));
    const times = chart.labels.filter((l) => TIME.test(l));
    expect(times.length).toBeGreaterThan(1);
    expect(times.every((l) => /\d\d:\d\d:\d\d/.test(l))).toBe(true);
    expect(new Set(times).size).toBe(times.length);
    // nor on the duration axis
    const durations = chart.labels.filter((l) => / m?s$/.test(l));
    expect(new Set(durations).size).toBe(durations.length);
  });

  it('shows the seconds in Compare’s run pickers', async () => {
    open();
    const picker = await screen.findByRole('combobox', { name: 'Run A' });
    const labels = within(picker).getAllByRole('option').map((o) => o.textContent);
    expect(labels.length).toBeGreaterThan(2);
    expect(labels.every((l) => /\d\d:\d\d:\d\d/.test(l))).toBe(true);
    expect(new Set(labels).size).toBe(labels.length);
  });
});

describe('run detail of a job whose credentials the engine redacted', () => {
  function open() {
    const sent = (apiKey: string): Attempt['request'] => ({
      method: 'POST',
      url: 'https://api.example.com/deploy',
      headers: { Authorization: 'Bearer REDACTED', 'X-Api-Key': apiKey, Accept: '*/*' },
      truncated: false,
    });
    const first = { ...attempt(1, '2026-11-30T14:07:00.000Z'), request: sent('k-old') }; // recorded before redaction
    const second = {
      ...attempt(2, '2026-11-30T14:08:00.000Z'),
      request: sent('REDACTED'),
      response: { status: 200, headers: { 'Set-Cookie': 'REDACTED' }, body: '{}', truncated: false },
    };
    const job = makeJob({ state: 'completed', attempt: 2, attempts: [first, second] });
    job.request.headers = { authorization: 'Bearer sk_live_123', 'x-api-key': 'k-now' };
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings() }))
      .on('GET', `/api/jobs/${job.id}`, ok({ data: job }));
    return renderApp(engine, `/jobs/detail/${job.id}`);
  }

  it('reveals request secrets from the job’s definition and says a response’s are not kept', async () => {
    const { user } = open();
    const pane = await screen.findByRole('region', { name: 'Attempt 2' });
    const request = within(pane).getByRole('region', { name: 'Request headers' });
    await user.click(within(request).getByRole('button', { name: 'Reveal 2 secrets' }));
    expect(within(request).getByText('Bearer sk_live_123')).toBeInTheDocument();
    expect(within(request).getByText('k-now')).toBeInTheDocument();
    expect(request).not.toHaveTextContent('REDACTED');

    const response = within(pane).getByRole('region', { name: 'Response headers' });
    await user.click(within(response).getByRole('button', { name: 'Reveal secret' }));
    expect(within(response).getByText('Chime does not keep this value')).toBeInTheDocument();
    expect(response).not.toHaveTextContent('REDACTED');
  });

  it('compares secrets masked, even on hover, and revealed from each run’s record or definition', async () => {
    const { user } = open();
    const compare = await screen.findByRole('region', { name: 'Compare runs' });
    const diff = within(compare).getByRole('region', { name: 'Request differences' });
    const row = within(diff).getByText('headers.x-api-key').closest('tr')!;
    const [before, after] = [row.querySelector('.diff__value--before')!, row.querySelector('.diff__value--after')!];
    expect([before.textContent, after.textContent]).toEqual(['••••••••', '••••••••']);
    expect(before.getAttribute('title')).toBe('••••••••');

    await user.click(within(compare).getByRole('button', { name: 'Reveal secrets' }));
    expect(before).toHaveTextContent('k-old'); // recorded whole, before redaction
    expect(after).toHaveTextContent('k-now'); // redacted in the record: from the job
    expect(after.getAttribute('title')).toBe('k-now');
  });
});

describe('run detail of a redirected attempt', () => {
  it('shows the chain of redirects and says the request body was cut in the log', async () => {
    const at = '2026-11-30T14:07:00.000Z';
    const redirected: Attempt = {
      ...attempt(1, at),
      request: { method: 'POST', url: 'https://api.example.com/beat', headers: {}, body: '{"big":"…', truncated: true },
      response: { status: 200, headers: {}, body: '{}', truncated: false, redirects: [{ status: 302, url: 'https://api.example.com/beat/' }] },
    };
    const job = makeJob({ state: 'completed', attempt: 1, attempts: [redirected] });
    renderApp(
      emptyEngine()
        .on('GET', '/api/settings', ok({ data: makeSettings() }))
        .on('GET', `/api/jobs/${job.id}`, ok({ data: job })),
      `/jobs/detail/${job.id}`,
    );
    const pane = await screen.findByRole('region', { name: 'Response' });
    const hops = within(within(pane).getByRole('region', { name: 'Redirects' })).getAllByRole('listitem');
    expect(hops.map((hop) => hop.textContent)).toEqual(['302→https://api.example.com/beat/']);
    expect(within(pane).getByText('Followed 1 redirect')).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: 'Request' })).getByText(/Body cut in the log/)).toBeInTheDocument();
  });
});
