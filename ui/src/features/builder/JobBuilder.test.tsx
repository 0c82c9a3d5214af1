import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fail, ok } from '../../test/FakeTransport';
import { makeJob, makeOutcome, makeSettings } from '../../test/fixtures';
import { DRAFT_KEY } from './draft';
import { emptyEngine, renderApp } from '../../test/renderApp';

/** The body editor's content (it lives in a shadow root, see JsonEditor). */
function bodyEditor(): HTMLElement {
  const host = document.querySelector('[data-json-editor="Body"]');
  if (!host?.shadowRoot) throw new Error('no body editor');
  return within(host.shadowRoot as unknown as HTMLElement).getByRole('textbox', { name: 'Body' });
}

async function openNewJob(engine = emptyEngine()) {
  const app = renderApp(engine, '/jobs/new');
  const url = await screen.findByLabelText('URL');
  return { ...app, engine, url };
}

describe('JobBuilder', () => {
  afterEach(() => vi.useRealTimers());

  it('checks the URL as it is typed and sends nothing while it is wrong', async () => {
    const { user, url, engine } = await openNewJob();
    expect(url).not.toHaveAttribute('aria-invalid');

    await user.type(url, 'not a url');
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(url).toHaveAccessibleDescription('Not a full URL: start with https://');

    await user.click(screen.getByRole('button', { name: 'Schedule job' }));
    expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(0);

    await user.clear(url);
    await user.type(url, 'http://localhost:8080/hook');
    expect(url).not.toHaveAttribute('aria-invalid');
    expect(url).toHaveAccessibleDescription(/Plain http/);

    await user.clear(url);
    await user.type(url, 'https://api.example.com/hook');
    expect(url).not.toHaveAttribute('aria-invalid');
    expect(url).not.toHaveAccessibleDescription(/Plain http/);
  });

  it.each([
    { case: 'refused by Settings', allow_http: false, flag: false, says: /Chime refuses it unless “allow http” is on in Settings/ },
    { case: 'allowed by the setting', allow_http: true, flag: false, says: /allowed by “allow http” in Settings/ },
    { case: 'allowed by --allow-http', allow_http: false, flag: true, says: /allowed for this run \(Chime was started with --allow-http\)/ },
  ])('says what happens to a plain http URL as the engine has it: $case', async ({ allow_http, flag, says }) => {
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings({ allow_http }) }))
      .on('GET', '/api/status', ok({ data: { paused: false, allow_http_for_this_run: flag } }));
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'http://localhost:8080/hook');
    await waitFor(() => expect(url).toHaveAccessibleDescription(says));
    if (allow_http || flag) expect(url).not.toHaveAccessibleDescription(/refuses/);
  });

  it('shows a server 422 on `cron` under the cron field, not as a banner', async () => {
    const engine = emptyEngine().on(
      'POST',
      '/api/jobs',
      fail(422, 'invalid', 'cron', 'cron: day-of-week 8 is out of range 0-7'),
    );
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'https://api.example.com/report');
    await user.click(screen.getByRole('tab', { name: 'Cron' }));
    const cron = screen.getByLabelText('Cron expression');
    await user.clear(cron);
    await user.type(cron, '0 9 * * 8');
    await user.click(screen.getByRole('button', { name: 'Create schedule' }));

    await waitFor(() => expect(cron).toHaveAccessibleDescription('cron: day-of-week 8 is out of range 0-7'));
    expect(cron).toHaveAttribute('aria-invalid', 'true');
    const sent = engine.requestsTo('POST', '/api/jobs')[0]?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ method: 'post', url: 'https://api.example.com/report', cron: '0 9 * * 8' });
    expect(typeof sent.timezone).toBe('string');
    expect(sent).not.toHaveProperty('schedule_in');
    expect(screen.getByRole('dialog', { name: 'New job' })).toBeInTheDocument(); // still open
    expect(screen.queryByText('cron: day-of-week 8 is out of range 0-7', { selector: '.banner' })).not.toBeInTheDocument();

    // editing the field clears the server's message
    await user.type(cron, '{Backspace}5');
    expect(cron).not.toHaveAccessibleDescription(/out of range/);
  });

  it('maps nested error fields (retry.max_attempts) into the advanced section and opens it', async () => {
    const engine = emptyEngine().on(
      'POST',
      '/api/jobs',
      fail(422, 'invalid', 'retry.max_attempts', 'retry.max_attempts: must be at most 20'),
    );
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'https://api.example.com/x');
    await user.click(screen.getByRole('button', { name: 'Schedule job' }));
    const attempts = await screen.findByLabelText('Max attempts');
    await waitFor(() => expect(attempts).toHaveAccessibleDescription('retry.max_attempts: must be at most 20'));
    expect(screen.getByRole('button', { name: /Advanced/ })).toHaveAttribute('aria-expanded', 'true');
  });

  it('shows an error without a known field as a banner', async () => {
    const engine = emptyEngine().on('POST', '/api/jobs', fail(500, 'internal', null, 'database is locked'));
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'https://api.example.com/x');
    await user.click(screen.getByRole('button', { name: 'Schedule job' }));
    expect(await screen.findByText('database is locked')).toHaveClass('banner');
  });

  it('fills method, URL, headers and body from a pasted curl command', async () => {
    const engine = emptyEngine().on('POST', '/api/import/curl', (req) =>
      ok({
        data: {
          method: 'put',
          url: 'https://api.example.com/items/7',
          query: { expand: 'owner' },
          headers: { 'X-Token': 'abc123', 'Content-Type': 'application/json' },
          body: { name: 'seven', tags: ['a'] },
          echoed: req.body,
        },
      }),
    );
    const { user, url } = await openNewJob(engine);
    await user.click(screen.getByRole('button', { name: 'Paste curl' }));
    const dialog = await screen.findByRole('dialog', { name: 'Paste a curl command' });
    const command = `curl -X PUT 'https://api.example.com/items/7?expand=owner' -H 'X-Token: abc123' -H 'Content-Type: application/json' --data '{"name":"seven","tags":["a"]}'`;
    await user.click(within(dialog).getByLabelText('curl command'));
    await user.paste(command);
    await user.click(within(dialog).getByRole('button', { name: 'Fill the form' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Paste a curl command' })).not.toBeInTheDocument());
    expect(engine.requestsTo('POST', '/api/import/curl')[0]?.body).toEqual({ command });
    // said at the top of the form, not in a toast over the footer's "Schedule job"
    const notice = within(screen.getByRole('dialog', { name: 'New job' })).getByText(/^Filled from curl/);
    expect(notice.compareDocumentPosition(screen.getByLabelText('Name')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(document.querySelector('.toasts')).toBeEmptyDOMElement();
    expect(screen.getByRole('combobox', { name: 'Method' })).toHaveValue('put');
    expect(url).toHaveValue('https://api.example.com/items/7');

    await user.click(screen.getByRole('tab', { name: /Headers/ }));
    expect(screen.getByLabelText('Header 1 name')).toHaveValue('X-Token');
    expect(screen.getByLabelText('Header 1 value')).toHaveValue('abc123');
    expect(screen.getByLabelText('Header 2 name')).toHaveValue('Content-Type');

    await user.click(screen.getByRole('tab', { name: /Query/ }));
    expect(screen.getByLabelText('Query parameter 1 name')).toHaveValue('expand');
    expect(screen.getByLabelText('Query parameter 1 value')).toHaveValue('owner');

    await user.click(screen.getByRole('tab', { name: /Body/ }));
    expect(JSON.parse(bodyEditor().textContent ?? '')).toEqual({ name: 'seven', tags: ['a'] });
  });

  it('saves a one-off job with the request and the delay it was given', async () => {
    const engine = emptyEngine().on('POST', '/api/jobs', ok({ data: makeJob() }, 201));
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'https://api.example.com/hook');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Method' }), 'get');
    await user.click(screen.getByRole('tab', { name: /Headers/ }));
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'Accept');
    await user.type(screen.getByLabelText('Header 1 value'), 'text/plain');
    const runIn = screen.getByLabelText('Run in');
    await user.clear(runIn);
    await user.type(runIn, '30');
    await user.selectOptions(screen.getByLabelText('Run in unit'), 'seconds');
    await user.click(screen.getByRole('button', { name: 'Schedule job' }));

    await waitFor(() => expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(1));
    expect(engine.requestsTo('POST', '/api/jobs')[0]?.body).toEqual({
      method: 'get',
      url: 'https://api.example.com/hook',
      headers: { Accept: 'text/plain' },
      schedule_in: [30, 'seconds'],
      name: 'GET /hook', // suggested from the method and path
    });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New job' })).not.toBeInTheDocument());
  });

  it('"Send now" creates a one-off job, polls it, and shows the response', async () => {
    const tried = makeJob({ id: 'try-1', state: 'available' });
    const done = {
      ...tried,
      state: 'completed' as const,
      last_outcome: makeOutcome(200, { duration_ms: 31 }),
      attempts: [
        {
          attempt: 1,
          started_at: '2026-11-29T07:00:00.000000Z',
          finished_at: '2026-11-29T07:00:00.031000Z',
          duration_ms: 31,
          outcome: 'success' as const,
          request: { method: 'POST', url: 'https://api.example.com/echo', headers: {}, body: '{}' },
          response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}', truncated: false },
          error: null,
          retry_at: null,
        },
      ],
    };
    const engine = emptyEngine()
      .on('POST', '/api/jobs', ok({ data: tried }, 201))
      .once('GET', '/api/jobs/try-1', ok({ data: { ...tried, state: 'executing', attempts: [] } }))
      .on('GET', '/api/jobs/try-1', ok({ data: done }));
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'https://api.example.com/echo');
    await user.click(screen.getByRole('button', { name: 'Send now' }));

    const response = await screen.findByRole('region', { name: 'Response' });
    expect(await within(response).findByText('200', {}, { timeout: 3000 })).toBeInTheDocument();
    expect(within(response).getByLabelText('Response body')).toHaveTextContent('"ok": true');
    const created = engine.requestsTo('POST', '/api/jobs')[0]?.body as Record<string, unknown>;
    expect(created).toMatchObject({ method: 'post', url: 'https://api.example.com/echo', retry: { max_attempts: 1 } });
    expect(created).not.toHaveProperty('cron');
    expect(created).not.toHaveProperty('schedule_in');
    expect(engine.requestsTo('GET', '/api/jobs/try-1').length).toBeGreaterThanOrEqual(2);
  });

  it('starts a new cron schedule in the default time zone of Settings, and creates it there', async () => {
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'Europe/Berlin' }) }))
      .on('POST', '/api/jobs', ok({ data: makeJob() }, 201));
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'https://api.example.com/standup');
    await user.click(screen.getByRole('tab', { name: 'Cron' }));
    expect(screen.getByLabelText('Time zone')).toHaveValue('Europe/Berlin');
    await waitFor(() =>
      expect(engine.requestsTo('POST', '/api/schedules/preview').at(-1)?.body).toMatchObject({ timezone: 'Europe/Berlin' }),
    );
    await user.click(screen.getByRole('button', { name: 'Create schedule' }));
    await waitFor(() => expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(1));
    expect(engine.requestsTo('POST', '/api/jobs')[0]?.body).toMatchObject({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' });
  });

  it('shows the engine’s retry, timeout and catch-up defaults, and leaves them to the engine', async () => {
    const defaults = { retry: { max_attempts: 5, backoff: 'fixed', base_ms: 2000 }, timeout_ms: 45_000, catch_up: 'skip' };
    const engine = emptyEngine()
      .on('GET', '/api/status', ok({ data: { paused: false, allow_http_for_this_run: false, defaults } }))
      .on('POST', '/api/jobs', ok({ data: makeJob() }, 201));
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'https://api.example.com/poll');
    await user.click(screen.getByRole('tab', { name: 'Every' }));
    const advanced = screen.getByRole('button', { name: /Advanced/ });
    await waitFor(() => expect(advanced).toHaveTextContent('5 attempts · fixed backoff · timeout 45 s · catch-up skip'));
    await user.click(advanced);
    expect(screen.getByLabelText('Max attempts')).toHaveAttribute('placeholder', '5');
    expect(screen.getByLabelText('Max attempts')).toHaveAccessibleDescription('Default 5');
    expect(screen.getByLabelText('Retry base (seconds)')).toHaveAttribute('placeholder', '2');
    expect(screen.getByLabelText('Timeout (seconds)')).toHaveAttribute('placeholder', '45');
    expect(screen.getByRole('combobox', { name: 'Backoff' })).toHaveDisplayValue('Default: Fixed');
    expect(screen.getByRole('combobox', { name: 'Catch-up' })).toHaveDisplayValue('Default: Skip them');

    await user.click(screen.getByRole('button', { name: 'Create schedule' }));
    await waitFor(() => expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(1));
    const sent = engine.requestsTo('POST', '/api/jobs')[0]?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ repeat_every: [5, 'minutes'] });
    for (const field of ['retry', 'timeout', 'catch_up']) expect(sent).not.toHaveProperty(field);
  });

  it('shows the Settings’ network wait as a schedule’s default, and sends the one typed', async () => {
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings({ network_wait_seconds: 45 }) }))
      .on('POST', '/api/jobs', ok({ data: makeJob() }, 201));
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'https://api.example.com/poll');
    await user.click(screen.getByRole('button', { name: /Advanced/ }));
    const wait = screen.getByLabelText('Network wait (seconds)');
    expect(wait).toBeDisabled(); // a one-off job never catches up
    await user.click(screen.getByRole('tab', { name: 'Every' }));
    expect(wait).toBeEnabled();
    await waitFor(() => expect(wait).toHaveAttribute('placeholder', '45'));
    expect(wait).toHaveAccessibleDescription('Default 45 (Settings): a caught-up run waits this long for its host');
    await user.type(wait, '120');
    await user.click(screen.getByRole('button', { name: 'Create schedule' }));
    await waitFor(() => expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(1));
    expect(engine.requestsTo('POST', '/api/jobs')[0]?.body).toMatchObject({ repeat_every: [5, 'minutes'], network_wait: 120 });
  });

  it('sends only the retry members that were set', async () => {
    const engine = emptyEngine().on('POST', '/api/jobs', ok({ data: makeJob() }, 201));
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'https://api.example.com/x');
    await user.click(screen.getByRole('button', { name: /Advanced/ }));
    await user.type(screen.getByLabelText('Max attempts'), '4');
    await user.click(screen.getByRole('button', { name: 'Schedule job' }));
    await waitFor(() => expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(1));
    expect((engine.requestsTo('POST', '/api/jobs')[0]?.body as Record<string, unknown>).retry).toEqual({ max_attempts: 4 });
  });

  it('asks for the name first, and names a new job after its method and path until one is typed', async () => {
    const engine = emptyEngine().on('POST', '/api/jobs', ok({ data: makeJob() }, 201));
    const { user, url } = await openNewJob(engine);
    const name = screen.getByLabelText('Name');
    const fields = Array.from(screen.getByRole('dialog', { name: 'New job' }).querySelectorAll('input, select, textarea'));
    expect(fields.indexOf(name)).toBe(0); // above the request, not under Advanced
    expect(name).toHaveValue('');

    await user.type(url, 'https://api.example.com/hooks/deploy');
    expect(name).toHaveValue('POST /hooks/deploy');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Method' }), 'put');
    expect(name).toHaveValue('PUT /hooks/deploy');

    await user.clear(name);
    await user.type(name, 'Deploy production');
    await user.clear(url);
    await user.type(url, 'https://api.example.com/hooks/other');
    expect(name).toHaveValue('Deploy production'); // typed names stay
    await user.click(screen.getByRole('button', { name: 'Schedule job' }));
    await waitFor(() => expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(1));
    expect(engine.requestsTo('POST', '/api/jobs')[0]?.body).toMatchObject({ name: 'Deploy production' });
  });

  it('leaves an existing job’s name alone', async () => {
    const job = makeJob({ name: null, args: { method: 'post', url: 'https://api.example.com/hooks/x' } });
    const engine = emptyEngine().on('GET', `/api/jobs/${job.id}`, ok({ data: job }));
    renderApp(engine, `/jobs/job/${job.id}`);
    expect(await screen.findByLabelText('Name')).toHaveValue('');
  });

  it('lists the runs of an every-5-seconds schedule to the second, and keeps the list current', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true }); // the page's own timers run; the test moves the clock on too
    vi.setSystemTime(Date.parse('2026-11-30T14:07:00.000Z'));
    // as the engine answers: the next ten runs after the moment it is asked
    const engine = emptyEngine().on('POST', '/api/schedules/preview', () => {
      const next = Array.from({ length: 10 }, (_, i) => new Date((Math.floor(Date.now() / 5000) + 1 + i) * 5000).toISOString());
      return ok({ data: { description: 'Every 5 seconds', next, notes: [] } });
    });
    const { user } = await openNewJob(engine);
    await user.click(screen.getByRole('tab', { name: 'Every' }));
    const amount = screen.getByLabelText('Repeat every');
    await user.clear(amount);
    await user.type(amount, '5');
    await user.selectOptions(screen.getByLabelText('Repeat every unit'), 'seconds');
    const runs = await screen.findByRole('list', { name: 'Next runs' });
    const times = () => within(runs).getAllByRole('listitem').map((li) => li.querySelector('time')!.textContent);
    await waitFor(() => expect(times()[0]).toMatch(/\d\d:\d\d:\d\d/));
    expect(new Set(times()).size).toBe(10); // ten different times, not "02:07 PM" ten times
    const first = times()[0];

    const asked = engine.requestsTo('POST', '/api/schedules/preview').length;
    await act(() => vi.advanceTimersByTimeAsync(7000)); // the first runs are past
    await waitFor(() => expect(engine.requestsTo('POST', '/api/schedules/preview').length).toBeGreaterThan(asked));
    await waitFor(() => expect(times()[0]).not.toBe(first));
    expect(times()).not.toContain(first);
    for (const li of within(runs).getAllByRole('listitem')) expect(li).not.toHaveTextContent(/ago/);
  });

  it('closes on Esc', async () => {
    const { user, history } = await openNewJob();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New job' })).not.toBeInTheDocument());
    expect(history.location.pathname).toBe('/jobs');
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull(); // nothing typed, nothing kept
  });

  it('keeps a filled new job as a draft on Esc or Cancel, opens it again, and drops it once saved', async () => {
    const engine = emptyEngine().on('POST', '/api/jobs', ok({ data: makeJob() }, 201));
    const { user, url } = await openNewJob(engine);
    await user.type(url, 'https://api.example.com/hooks/deploy');
    await user.click(screen.getByRole('tab', { name: /Headers/ }));
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'X-Env');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New job' })).not.toBeInTheDocument());
    expect(await screen.findByText('Draft kept: “New job” opens it again')).toBeInTheDocument();

    await user.keyboard('n');
    expect(await screen.findByText('Your unsaved draft, as you left it.')).toBeInTheDocument();
    expect(screen.getByLabelText('URL')).toHaveValue('https://api.example.com/hooks/deploy');
    expect(screen.getByLabelText('Name')).toHaveValue('POST /hooks/deploy'); // still following the URL
    await user.click(screen.getByRole('tab', { name: /Headers/ }));
    expect(screen.getByLabelText('Header 1 name')).toHaveValue('X-Env');

    await user.click(screen.getByRole('button', { name: 'Cancel' })); // unchanged since: the draft stays as it was
    await user.keyboard('n');
    expect(await screen.findByLabelText('URL')).toHaveValue('https://api.example.com/hooks/deploy');
    await user.click(screen.getByRole('button', { name: 'Schedule job' }));
    await waitFor(() => expect(engine.requestsTo('POST', '/api/jobs')).toHaveLength(1));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New job' })).not.toBeInTheDocument());
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull();

    await user.keyboard('n');
    expect(await screen.findByLabelText('URL')).toHaveValue('');
    expect(screen.queryByText('Your unsaved draft, as you left it.')).not.toBeInTheDocument();
  });

  it('keeps the draft as it is typed, so a window closed with the builder open loses nothing', async () => {
    const { user, url, unmount } = await openNewJob();
    await user.type(url, 'https://api.example.com/hooks/nightly');
    // the desktop app destroys the webview with its window: no Esc, no Cancel, sessionStorage gone
    unmount();
    sessionStorage.clear();

    renderApp(emptyEngine(), '/jobs/new');
    expect(await screen.findByText('Your unsaved draft, as you left it.')).toBeInTheDocument();
    expect(screen.getByLabelText('URL')).toHaveValue('https://api.example.com/hooks/nightly');
    expect(screen.getByLabelText('Name')).toHaveValue('POST /hooks/nightly');
  });

  it('keeps no draft of a new job typed back to empty', async () => {
    const { user, url } = await openNewJob();
    await user.type(url, 'x');
    expect(localStorage.getItem(DRAFT_KEY)).not.toBeNull();
    await user.clear(url);
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull();
  });

  it('"Discard draft" starts a new job from nothing', async () => {
    const { user, url } = await openNewJob();
    await user.type(url, 'https://api.example.com/x');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.keyboard('n');
    await user.click(await screen.findByRole('button', { name: 'Discard draft' }));
    await waitFor(() => expect(screen.getByLabelText('URL')).toHaveValue(''));
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull();
  });

  it('asks before dropping changes to an existing job', async () => {
    const job = makeJob({ name: 'Reminder', args: { method: 'post', url: 'https://api.example.com/remind' } });
    const engine = emptyEngine().on('GET', `/api/jobs/${job.id}`, ok({ data: job }));
    const { user, history } = renderApp(engine, `/jobs/job/${job.id}`);
    const url = await screen.findByLabelText('URL');
    await user.type(url, '/later');
    await user.keyboard('{Escape}');
    const ask = await screen.findByRole('dialog', { name: 'Discard your changes?' });
    await user.click(within(ask).getByRole('button', { name: 'Keep' }));
    expect(screen.getByRole('dialog', { name: 'Edit job' })).toBeInTheDocument();
    expect(url).toHaveValue('https://api.example.com/remind/later');

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Discard your changes?' })).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(history.location.pathname).toBe('/jobs'));
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull(); // an edit is never kept as a new job's draft
  });
});
