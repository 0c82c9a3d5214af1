import { Profiler } from 'react';
import { QueryClient } from '@tanstack/react-query';
import { createMemoryHistory } from '@tanstack/react-router';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../app/App';
import type { PayloadOf } from '../../api/events';
import type { EventType, LogEvent } from '../../api/types';
import { FakeTransport, ok } from '../../test/FakeTransport';
import { makeEvent, makeJob, makeSchedule, makeSettings, page, type EventFields } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

const SETTINGS = makeSettings();

/** An event of job-aaaaaaaa-1 unless `fields` says otherwise. */
const event = <K extends EventType>(kind: K, payload: Partial<PayloadOf<K>>, fields: Partial<EventFields> = {}) =>
  makeEvent(kind, payload, { job_id: 'job-aaaaaaaa-1', ...fields });

function engineWith(history: LogEvent[] = []): FakeTransport {
  return emptyEngine()
    .on('GET', '/api/settings', ok({ data: SETTINGS }))
    .on('GET', '/api/logs', ok({ data: [...history].reverse(), limit: 200 }));
}

const rows = () => screen.queryAllByTestId(/^log-row-/);

describe('Live log', () => {
  it('renders 1,000 events pushed in one tick in one commit', async () => {
    const engine = engineWith();
    let commits = 0;
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    render(
      <Profiler id="app" onRender={() => (commits += 1)}>
        <App transport={engine} history={createMemoryHistory({ initialEntries: ['/log'] })} queryClient={queryClient} />
      </Profiler>,
    );
    expect(await screen.findByRole('heading', { name: 'No events yet' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Schedule' })).toBeInTheDocument());
    await new Promise((r) => setTimeout(r, 50)); // let startup settle
    const before = commits;

    act(() => {
      for (let i = 0; i < 1000; i++) {
        engine.push(event('job.request', { method: 'POST', url: `https://api.example.com/items/${i}`, headers: {} }));
      }
    });
    expect(commits).toBe(before); // buffered: nothing rendered yet
    await waitFor(() => expect(screen.getByLabelText('Events shown')).toHaveTextContent('1,000'));
    expect(commits - before).toBe(1);
    // virtualised: only a screenful of rows is in the DOM
    expect(rows().length).toBeGreaterThan(0);
    expect(rows().length).toBeLessThan(100);
  });

  it('keeps events while paused, says how many are new, and shows them on resume', async () => {
    const first = event('job.request', { method: 'GET', url: 'https://status.example.com/ping', headers: {} });
    const engine = engineWith([first]);
    const { user } = renderApp(engine, '/log');
    expect(await screen.findByTestId(`log-row-${first.id}`)).toBeInTheDocument();
    expect(screen.getByText('Following')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    const later = [1, 2, 3].map((n) => event('job.request', { method: 'GET', url: `https://status.example.com/${n}`, headers: {} }));
    act(() => later.forEach((e) => engine.push(e)));
    const jump = await screen.findByRole('button', { name: /3 new events · Jump to latest/ });
    expect(screen.queryByTestId(`log-row-${later[0]!.id}`)).not.toBeInTheDocument();
    expect(screen.getByLabelText('Events shown')).toHaveTextContent('1');

    await user.click(jump);
    for (const e of later) expect(await screen.findByTestId(`log-row-${e.id}`)).toBeInTheDocument();
    expect(screen.getByText('Following')).toBeInTheDocument();
  });

  it('expands a response row to its request line, masked headers and a foldable JSON body', async () => {
    const request = event('job.request', {
      method: 'POST',
      url: 'https://api.example.com/hooks/deploy?env=prod',
      headers: { authorization: 'Bearer sk_live_123', 'content-type': 'application/json' },
      body: '{"ref":"main"}',
    });
    const response = event('job.response', {
      status: 201,
      headers: { 'content-type': 'application/json', 'set-cookie': 'session=abc123' },
      body: '{"deployment":{"id":42,"status":"queued","steps":["build","ship"]}}',
      truncated: false,
      duration_ms: 87,
    });
    const { user } = renderApp(engineWith([request, response]), '/log');
    const row = await screen.findByTestId(`log-row-${response.id}`);
    expect(within(row).queryByRole('group', { name: 'Response body' })).not.toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: `Expand response ${response.id}` }));
    // the request it answered, found in the log
    expect(within(row).getByText('https://api.example.com/hooks/deploy?env=prod')).toBeInTheDocument();
    expect(within(row).getAllByText('87 ms')).toHaveLength(2); // in the line and in the details
    // the body as a tree: keys and values, nested nodes unfolded to two levels
    const body = within(row).getByRole('group', { name: 'Response body' });
    expect(within(body).getByText('"deployment"')).toBeInTheDocument();
    expect(within(body).getByText('"queued"')).toBeInTheDocument();
    expect(within(body).getByText('42')).toBeInTheDocument();
    const steps = within(body).getByRole('button', { name: /"steps"/ });
    expect(steps).toHaveAttribute('aria-expanded', 'false'); // third level: folded
    await user.click(steps);
    expect(within(body).getByText('"ship"')).toBeInTheDocument();
    // a secret header stays masked until revealed
    const headers = within(row).getByRole('region', { name: 'Response headers' });
    expect(within(headers).queryByText('session=abc123')).not.toBeInTheDocument();
    expect(within(headers).getByText('••••••••')).toBeInTheDocument();
    expect(within(headers).getByText('application/json')).toBeInTheDocument();
    await user.click(within(headers).getByRole('button', { name: 'Reveal secret' }));
    expect(within(headers).getByText('session=abc123')).toBeInTheDocument();
  });

  it('says how many runs a schedule missed, when, why and what became of them, and what a catch-up waits for', async () => {
    const stretch = { planned_at: '2026-11-30T01:00:00Z', until: '2026-11-30T07:45:00Z', count: 28, reason: 'asleep', action: 'merged' } as const;
    const missed = event('job.missed', stretch, { job_id: null, schedule_id: 'sched-1', attempt: null });
    const skipped = event('job.missed', { planned_at: '2026-11-30T08:00:00Z', reason: 'closed', action: 'skipped' }, { schedule_id: 'sched-1', attempt: null });
    const waiting = event('job.waiting', { host: 'api.example.com:443', up_to_ms: 30_000 }, { schedule_id: 'sched-1' });
    renderApp(engineWith([missed, skipped, waiting]), '/log');

    const stretchRow = await screen.findByTestId(`log-row-${missed.id}`);
    expect(within(stretchRow).getByText('missed')).toHaveClass('log-type');
    expect(within(stretchRow).getByText('28 runs missed while the computer slept (merged into one run)')).toBeInTheDocument();
    expect(within(stretchRow).getByText('· Nov 30, 01:00 AM – Nov 30, 07:45 AM')).toBeInTheDocument();
    const oneRow = screen.getByTestId(`log-row-${skipped.id}`);
    expect(within(oneRow).getByText('Missed while Chime was closed (skipped)')).toBeInTheDocument();
    expect(within(oneRow).getByText('· due Nov 30, 08:00 AM')).toBeInTheDocument();
    const waitRow = screen.getByTestId(`log-row-${waiting.id}`);
    expect(within(waitRow).getByText('waiting')).toHaveClass('log-type');
    expect(within(waitRow).getByText('waiting for the network')).toBeInTheDocument();
    expect(within(waitRow).getByText('· api.example.com:443, up to 30.0 s')).toBeInTheDocument();
  });

  it('opens a schedule’s page from its events: runs it missed, and its jobs’ events expanded', async () => {
    const schedule = makeSchedule({ id: 'sched-1', name: 'Nightly sync' });
    const missed = event('job.missed', { count: 3, action: 'merged' }, { job_id: null, schedule_id: schedule.id, attempt: null });
    const started = event('job.started', {}, { schedule_id: schedule.id });
    const engine = engineWith([missed, started])
      .on('GET', `/api/schedules/${schedule.id}`, ok({ data: schedule }))
      .on('GET', `/api/schedules/${schedule.id}/runs`, ok({ data: [] }));
    const { user, history } = renderApp(engine, '/log');

    const startedRow = await screen.findByTestId(`log-row-${started.id}`);
    await user.click(within(startedRow).getByRole('button', { name: `Expand started ${started.id}` }));
    expect(within(startedRow).getByRole('link', { name: 'Open run' })).toBeInTheDocument();
    await user.click(within(startedRow).getByRole('link', { name: 'Open schedule' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Nightly sync' })).toBeInTheDocument();
    expect(history.location.pathname).toBe('/schedules/sched-1');

    history.back();
    const missedRow = await screen.findByTestId(`log-row-${missed.id}`);
    await user.click(within(missedRow).getByRole('link', { name: 'schedule' })); // no job: the schedule is what it links
    await waitFor(() => expect(history.location.pathname).toBe('/schedules/sched-1'));
  });

  it('filters by any schedule, found by typing its name: the list shows the newest, the search reaches the rest', async () => {
    const schedules = Array.from({ length: 120 }, (_, i) => makeSchedule({ name: `Report ${i + 1}` })).reverse();
    const older = schedules.at(-3)!; // far past the first page
    const olderName = 'Report 3';
    const engine = engineWith().on('GET', '/api/schedules', (request) => {
      const q = (request.query.get('q') ?? '').toLowerCase();
      const hits = schedules.filter((s) => (s.name ?? '').toLowerCase().includes(q));
      return ok({ ...page(hits.slice(0, Number(request.query.get('limit')))), total: hits.length });
    });
    const { user, history } = renderApp(engine, '/log');

    const picker = await screen.findByRole('combobox', { name: 'Schedule' });
    expect(picker).toHaveValue('All schedules');
    await user.click(picker);
    const listed = await screen.findAllByRole('option');
    expect(listed[0]).toHaveTextContent('All schedules');
    expect(listed[1]).toHaveTextContent('Report 120');
    expect(screen.queryByRole('option', { name: olderName })).not.toBeInTheDocument();

    await user.clear(picker);
    await user.type(picker, 'report 3');
    await screen.findByRole('option', { name: olderName });
    // the name typed whole comes first, before the newer "Report 39" to "Report 30"
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual([olderName, ...Array.from({ length: 10 }, (_, i) => `Report ${39 - i}`)]);
    await user.keyboard('{Enter}');
    expect(picker).toHaveValue(olderName);
    expect(engine.requestsTo('GET', '/api/schedules').at(-1)?.query.get('q')).toBe('report 3');
    await waitFor(() => expect(history.location.search).toBe(`?schedule=${older.id}`));
    await waitFor(() => expect(engine.requestsTo('GET', '/api/logs').at(-1)?.query.get('schedule_id')).toBe(older.id));
  });

  it('shows only the names that fit what is typed while its search is on its way', async () => {
    const schedules = Array.from({ length: 120 }, (_, i) => makeSchedule({ name: `Report ${i + 1}` })).reverse();
    let answerHeld: () => void = () => {};
    const engine = engineWith().on('GET', '/api/schedules', (request) => {
      const q = (request.query.get('q') ?? '').toLowerCase();
      const answer = ok(page(schedules.filter((s) => (s.name ?? '').toLowerCase().includes(q)).slice(0, 50)));
      if (q !== 'report 7') return answer;
      return new Promise((resolve) => (answerHeld = () => resolve(answer)));
    });
    const { user } = renderApp(engine, '/log');
    const picker = await screen.findByRole('combobox', { name: 'Schedule' });
    await user.clear(picker);
    await user.type(picker, 'report 7');
    await waitFor(() => expect(engine.requestsTo('GET', '/api/schedules').at(-1)?.query.get('q')).toBe('report 7'));
    // the answer to "report " (the newest 50, Report 120 to 71) shows what fits only
    const names = () => screen.getAllByRole('option').map((o) => o.textContent);
    expect(names()).toEqual(Array.from({ length: 9 }, (_, i) => `Report ${79 - i}`));
    act(() => answerHeld());
    await waitFor(() => expect(names()[0]).toBe('Report 7'));
  });

  it('names the schedule in the address even when the picker’s list does not hold it', async () => {
    const listed = makeSchedule({ name: 'Newest' });
    const picked = makeSchedule({ id: 'sched-old', name: 'Quarterly export' });
    const engine = engineWith()
      .on('GET', '/api/schedules', ok(page([listed])))
      .on('GET', '/api/schedules/sched-old', ok({ data: picked }));
    renderApp(engine, '/log?schedule=sched-old');
    const picker = await screen.findByRole('combobox', { name: 'Schedule' });
    await waitFor(() => expect(picker).toHaveValue('Quarterly export'));
    await waitFor(() => expect(engine.requestsTo('GET', '/api/logs').at(-1)?.query.get('schedule_id')).toBe('sched-old'));
  });

  it('reveals a redacted request secret from the job’s definition, asked for only on Reveal', async () => {
    const request = event('job.request', {
      method: 'POST',
      url: 'https://api.example.com/hooks/deploy',
      headers: { Authorization: 'Bearer REDACTED', Cookie: 'REDACTED', Accept: '*/*' },
      truncated: false,
    });
    const job = makeJob({ id: 'job-aaaaaaaa-1' });
    job.request.headers = { authorization: 'Bearer sk_live_123', 'X-Env': 'prod' };
    const engine = engineWith([request]).on('GET', '/api/jobs/job-aaaaaaaa-1', ok({ data: job }));
    const { user } = renderApp(engine, '/log');
    const row = await screen.findByTestId(`log-row-${request.id}`);
    await user.click(within(row).getByRole('button', { name: `Expand request ${request.id}` }));
    const headers = within(row).getByRole('region', { name: 'Request headers' });
    expect(within(headers).getByText('Bearer ••••••••')).toBeInTheDocument();
    expect(engine.requestsTo('GET', '/api/jobs/job-aaaaaaaa-1')).toHaveLength(0);

    await user.click(within(headers).getByRole('button', { name: 'Reveal 2 secrets' }));
    expect(await within(headers).findByText('Bearer sk_live_123')).toBeInTheDocument();
    expect(within(headers).getByText('from the job’s definition')).toBeInTheDocument();
    // the job defines no cookie: the record's placeholder is not passed off as the value
    expect(within(headers).getByText('Chime does not keep this value')).toBeInTheDocument();
    expect(headers).not.toHaveTextContent('REDACTED');
    expect(engine.requestsTo('GET', '/api/jobs/job-aaaaaaaa-1')).toHaveLength(1);
  });

  it('never reveals a response’s redacted Set-Cookie from the job’s request headers', async () => {
    const request = event('job.request', { method: 'GET', url: 'https://api.example.com/login', headers: { Accept: '*/*' }, truncated: false });
    const response = event('job.response', { status: 200, headers: { 'Set-Cookie': 'REDACTED' }, body: '', truncated: false, duration_ms: 3 });
    const job = makeJob({ id: 'job-aaaaaaaa-1' });
    job.request.headers = { 'Set-Cookie': 'a request header of the same name' };
    const engine = engineWith([request, response]).on('GET', '/api/jobs/job-aaaaaaaa-1', ok({ data: job }));
    const { user } = renderApp(engine, '/log');
    const row = await screen.findByTestId(`log-row-${response.id}`);
    await user.click(within(row).getByRole('button', { name: `Expand response ${response.id}` }));
    const headers = within(row).getByRole('region', { name: 'Response headers' });
    await user.click(within(headers).getByRole('button', { name: 'Reveal secret' }));
    expect(within(headers).getByText('Chime does not keep this value')).toBeInTheDocument();
    expect(headers).not.toHaveTextContent('REDACTED');
    expect(headers).not.toHaveTextContent('a request header of the same name');
  });

  it('shows the redirects a response followed, in order, and a request body cut in the log', async () => {
    const request = event('job.request', { method: 'POST', url: 'https://api.example.com/deploy', headers: {}, body: '{"ref":"ma', truncated: true });
    const response = event('job.response', {
      status: 200,
      headers: {},
      body: '',
      truncated: false,
      duration_ms: 30,
      redirects: [
        { status: 301, url: 'https://api.example.com/v2/deploy' },
        { status: 307, url: 'https://eu.api.example.com/v2/deploy' },
      ],
    });
    const { user } = renderApp(engineWith([request, response]), '/log');
    const responseRow = await screen.findByTestId(`log-row-${response.id}`);
    expect(responseRow).toHaveTextContent('after 2 redirects');
    await user.click(within(responseRow).getByRole('button', { name: `Expand response ${response.id}` }));
    const hops = within(within(responseRow).getByRole('region', { name: 'Redirects' })).getAllByRole('listitem');
    expect(hops.map((hop) => hop.textContent)).toEqual(['301→https://api.example.com/v2/deploy', '307→https://eu.api.example.com/v2/deploy']);

    const requestRow = screen.getByTestId(`log-row-${request.id}`);
    await user.click(within(requestRow).getByRole('button', { name: `Expand request ${request.id}` }));
    expect(within(requestRow).getByText(/Body cut in the log/)).toBeInTheDocument();
  });

  it('filters by status and text at once, and by job through the server', async () => {
    const ok200 = event('job.response', { status: 200, headers: {}, body: '{"fine":true}', truncated: false, duration_ms: 5 });
    const err503 = event('job.response', { status: 503, headers: {}, body: 'upstream down', truncated: false, duration_ms: 5 });
    const err500 = event('job.response', { status: 500, headers: {}, body: 'database locked', truncated: false, duration_ms: 5 }, { job_id: 'job-bbbbbbbb-2' });
    const engine = engineWith([ok200, err503, err500]);
    const { user, history } = renderApp(engine, '/log');
    await screen.findByTestId(`log-row-${ok200.id}`);
    await user.keyboard('/'); // on the log, `/` is the log's own search
    expect(screen.getByRole('searchbox', { name: 'Search the log' })).toHaveFocus();

    await user.click(within(screen.getByRole('group', { name: 'Status' })).getByRole('button', { name: '5xx' }));
    await waitFor(() => expect(screen.queryByTestId(`log-row-${ok200.id}`)).not.toBeInTheDocument());
    expect(screen.getByTestId(`log-row-${err503.id}`)).toBeInTheDocument();
    expect(screen.getByTestId(`log-row-${err500.id}`)).toBeInTheDocument();

    await user.type(screen.getByRole('searchbox', { name: 'Search the log' }), 'DATABASE');
    await waitFor(() => expect(screen.queryByTestId(`log-row-${err503.id}`)).not.toBeInTheDocument());
    expect(screen.getByTestId(`log-row-${err500.id}`)).toBeInTheDocument();
    const address = new URLSearchParams(history.location.search);
    expect([address.get('status'), address.get('q')]).toEqual(['5xx', 'DATABASE']); // filters live in the address

    // the job filter goes to the server, which answers only that job's events
    engine.on('GET', '/api/logs', (req) => ok({ data: req.query.get('job_id') === 'job-bbbbbbbb-2' ? [err500] : [], limit: 200 }));
    await user.click(within(screen.getByTestId(`log-row-${err500.id}`)).getByRole('button', { name: /job-bbbb/ }));
    await waitFor(() => expect(engine.requestsTo('GET', '/api/logs').some((r) => r.query.get('job_id') === 'job-bbbbbbbb-2')).toBe(true));
    expect(await screen.findByText('Job job-bbbb')).toBeInTheDocument();
    // a live event of another job does not show: once a later one of this job has, it never came
    const elsewhere = event('job.response', { status: 502, headers: {}, body: 'database', truncated: false, duration_ms: 1 });
    const later = event('job.response', { status: 500, headers: {}, body: 'database again', truncated: false, duration_ms: 1 }, { job_id: 'job-bbbbbbbb-2' });
    act(() => engine.push(elsewhere));
    act(() => engine.push(later));
    expect(await screen.findByTestId(`log-row-${later.id}`)).toBeInTheDocument();
    expect(screen.queryByTestId(`log-row-${elsewhere.id}`)).not.toBeInTheDocument();
    expect(rows()).toHaveLength(2);
  });

  it('finds jobs, not lines: searching a URL keeps that job’s response and finished events', async () => {
    const deploy = { job_id: 'job-deploy-1' };
    const request = event('job.request', { method: 'POST', url: 'https://api.example.com/hooks/deploy', headers: {} }, deploy);
    const response = event('job.response', { status: 201, headers: {}, body: '{"id":7}', truncated: false, duration_ms: 40 }, deploy);
    const other = event('job.request', { method: 'GET', url: 'https://status.example.com/ping', headers: {} }, { job_id: 'job-ping-1' });
    const engine = engineWith([request, response, other]);
    const { user } = renderApp(engine, '/log');
    await screen.findByTestId(`log-row-${other.id}`);
    const search = screen.getByRole('searchbox', { name: 'Search the log' });
    // the box is as wide as its placeholder says
    expect(search.style.minWidth).toMatch(/ch$/);
    expect(parseFloat(search.style.minWidth)).toBeGreaterThanOrEqual(search.getAttribute('placeholder')!.length);

    await user.type(search, 'hooks/deploy');
    await waitFor(() => expect(screen.queryByTestId(`log-row-${other.id}`)).not.toBeInTheDocument());
    expect(screen.getByTestId(`log-row-${request.id}`)).toBeInTheDocument();
    expect(screen.getByTestId(`log-row-${response.id}`)).toBeInTheDocument();
    const finished = event('job.finished', { state: 'completed', outcome: 'success', status: 201, duration_ms: 40, retry_at: null }, deploy);
    act(() => engine.push(finished));
    expect(await screen.findByTestId(`log-row-${finished.id}`)).toBeInTheDocument();
  });

  it('shows the request as it went on the wire, with the headers Chime added', async () => {
    const sent = {
      'User-Agent': 'chime/0.1.0',
      Accept: '*/*',
      'Content-Type': 'application/json',
      'Content-Length': '14',
      'X-Env': 'prod',
    };
    const request = event('job.request', { method: 'POST', url: 'https://api.example.com/hooks/deploy', headers: sent, body: '{"ref":"main"}', truncated: false });
    const response = event('job.response', { status: 204, headers: {}, body: '', truncated: false, duration_ms: 9 });
    const { user } = renderApp(engineWith([request, response]), '/log');

    const requestRow = await screen.findByTestId(`log-row-${request.id}`);
    await user.click(within(requestRow).getByRole('button', { name: `Expand request ${request.id}` }));
    const onRequest = within(requestRow).getByRole('region', { name: 'Request headers' });
    for (const [name, value] of Object.entries(sent)) {
      expect(within(onRequest).getByText(name)).toBeInTheDocument();
      expect(within(onRequest).getByText(value)).toBeInTheDocument();
    }

    const responseRow = screen.getByTestId(`log-row-${response.id}`);
    await user.click(within(responseRow).getByRole('button', { name: `Expand response ${response.id}` }));
    const onResponse = within(responseRow).getByRole('region', { name: 'Request headers' });
    expect(within(onResponse).getByText('User-Agent')).toBeInTheDocument();
    expect(within(onResponse).getByText('14')).toBeInTheDocument();
  });

  it('loads older events when scrolled to the top', async () => {
    const page = Array.from({ length: 200 }, (_, i) => event('job.request', { method: 'GET', url: `https://x.test/${i}`, headers: {} }));
    const engine = engineWith(page);
    renderApp(engine, '/log');
    await screen.findByLabelText('Events shown');
    await waitFor(() => expect(screen.getByLabelText('Events shown')).toHaveTextContent('200'));
    const older = [event('job.request', { method: 'GET', url: 'https://x.test/older', headers: {} }, { id: page[0]!.id - 1 })];
    engine.on('GET', '/api/logs', (req) => ok({ data: req.query.get('before') ? older : [], limit: 200 }));
    fireEvent.scroll(screen.getByRole('region', { name: 'Events' }).firstElementChild!, { target: { scrollTop: 0 } });
    await waitFor(() => expect(screen.getByLabelText('Events shown')).toHaveTextContent('201'));
    const asked = engine.requestsTo('GET', '/api/logs').find((r) => r.query.get('before'));
    expect(asked?.query.get('before')).toBe(String(page[0]!.id));
    expect(asked?.query.get('limit')).toBe('200');
  });

  it('drops a page of history still on its way when the filter changes', async () => {
    const jobB = { job_id: 'job-bbbbbbbb-2' };
    const page = Array.from({ length: 200 }, (_, i) => event('job.request', { method: 'GET', url: `https://x.test/${i}`, headers: {} }));
    const stale = event('job.request', { method: 'GET', url: 'https://x.test/stale', headers: {} }, { ...jobB, id: page[0]!.id - 1 });
    const fresh = event('job.request', { method: 'GET', url: 'https://x.test/fresh', headers: {} }, jobB);
    const engine = engineWith(page).on('GET', '/api/logs', (req) =>
      ok({ data: req.query.get('before') ? [stale] : req.query.get('job_id') ? [fresh] : [...page].reverse(), limit: 200 }),
    );
    // the older page is answered only once the filter has changed
    let answerOlder!: () => void;
    const olderHeld = new Promise<void>((resolve) => (answerOlder = resolve));
    let olderAsked = false;
    const send = engine.request.bind(engine);
    engine.request = async (method, url, body) => {
      if (url.includes('before=')) {
        olderAsked = true;
        await olderHeld;
      }
      return send(method, url, body);
    };
    const { history } = renderApp(engine, '/log');
    await waitFor(() => expect(screen.getByLabelText('Events shown')).toHaveTextContent('200'));
    fireEvent.scroll(screen.getByRole('region', { name: 'Events' }).firstElementChild!, { target: { scrollTop: 0 } });
    await waitFor(() => expect(olderAsked).toBe(true));

    act(() => history.push('/log?job=job-bbbbbbbb-2'));
    expect(await screen.findByTestId(`log-row-${fresh.id}`)).toBeInTheDocument();
    answerOlder();
    // a live event after it: once it shows, the older answer has long been handled
    const live = event('job.request', { method: 'GET', url: 'https://x.test/live', headers: {} }, jobB);
    act(() => engine.push(live));
    expect(await screen.findByTestId(`log-row-${live.id}`)).toBeInTheDocument();
    expect(screen.queryByTestId(`log-row-${stale.id}`)).not.toBeInTheDocument();
    expect(screen.getByLabelText('Events shown')).toHaveTextContent('2');
  });
});
