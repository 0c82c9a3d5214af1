import { act, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fail, ok } from '../../test/FakeTransport';
import type { Schedule } from '../../api/types';
import { IconPlay } from '../../components/icons';
import { makeEvent, makeJob, makeOutcome, makeSchedule, page } from '../../test/fixtures';
import { FakeIntersectionObserver } from '../../test/intersection';
import { emptyEngine, renderApp } from '../../test/renderApp';

describe('JobsView', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('says what to do when there are no jobs yet', async () => {
    renderApp(emptyEngine());
    expect(await screen.findByText('No jobs yet. Press N to create one, or paste a curl command.')).toBeInTheDocument();
  });

  it('shows schedules and one-off jobs in one table, with the schedule in words and its history', async () => {
    const schedule = makeSchedule({ name: 'Daily report', summary: 'At 09:00 AM, Monday through Friday' });
    const oneOff = makeJob({ request: { method: 'get', url: 'https://status.example.com/ping', query: {}, headers: {}, body: null } });
    const history = [
      makeJob({ schedule_id: schedule.id, state: 'scheduled' }),
      makeJob({ schedule_id: schedule.id, state: 'completed', last_outcome: makeOutcome(200, { duration_ms: 120 }) }),
      makeJob({ schedule_id: schedule.id, state: 'discarded', last_outcome: makeOutcome(503) }),
    ];
    const engine = emptyEngine()
      .on('GET', '/api/schedules', ok(page([schedule])))
      .on('GET', '/api/jobs', (req) => {
        const asked = req.query.get('schedule_id');
        // Unfiltered, the newest page would be the schedule's runs alone.
        return ok(page(asked === schedule.id ? history : asked === 'none' ? [oneOff] : history));
      });
    renderApp(engine);

    const scheduleRow = await screen.findByTestId(`schedule-${schedule.id}`);
    expect(within(scheduleRow).getByRole('link', { name: 'Daily report' })).toBeInTheDocument();
    expect(within(scheduleRow).getByText('At 09:00 AM, Monday through Friday')).toBeInTheDocument();
    // last outcome = newest finished run: 200, with its duration
    expect(await within(scheduleRow).findByText('200')).toBeInTheDocument();
    expect(within(scheduleRow).getByText('120 ms')).toBeInTheDocument();
    const strip = within(scheduleRow).getByRole('img', { name: 'Last runs of Daily report' });
    const outcomes = Array.from(strip.querySelectorAll('[data-outcome]')).map((el) => el.getAttribute('data-outcome'));
    expect(outcomes).toEqual(['failure', 'success', 'pending']); // oldest first

    const historyRequest = engine.requestsTo('GET', '/api/jobs').find((r) => r.query.get('schedule_id') === schedule.id);
    expect(historyRequest?.query.get('limit')).toBe('20');
    expect(historyRequest?.query.get('order_by')).toBe('["scheduled_at","desc"]');

    const jobRow = screen.getByTestId(`job-${oneOff.id}`);
    expect(within(jobRow).getByText('status.example.com/ping')).toBeInTheDocument(); // no name: host + path
    expect(within(jobRow).getByText(/^once at /)).toBeInTheDocument();
  });

  it('refetches and shows the new outcome when a job.finished event arrives', async () => {
    const pending = makeJob({ name: 'Deploy hook', state: 'scheduled' });
    const engine = emptyEngine().on('GET', '/api/jobs', ok(page([pending])));
    renderApp(engine);
    const row = await screen.findByTestId(`job-${pending.id}`);
    expect(within(row).queryByText('201')).not.toBeInTheDocument();
    const listCallsBefore = engine.requestsTo('GET', '/api/jobs').length;

    const finished = { ...pending, state: 'completed' as const, last_outcome: makeOutcome(201, { duration_ms: 87 }) };
    engine.on('GET', '/api/jobs', ok(page([finished])));
    engine.push(makeEvent('job.started', {}, { job_id: pending.id }));
    engine.push(makeEvent('job.response', {}, { job_id: pending.id }));
    engine.push(makeEvent('job.finished', {}, { job_id: pending.id }));

    expect(await within(row).findByText('201')).toBeInTheDocument();
    expect(within(row).getByText('87 ms')).toBeInTheDocument();
    // three events in one window: one refetch, not three. A later event's refetch comes
    // a window later; once it has, any refetch of the first three would have come too.
    engine.push(makeEvent('job.updated', {}, { job_id: pending.id }));
    await waitFor(() => expect(engine.requestsTo('GET', '/api/jobs').length - listCallsBefore).toBeGreaterThanOrEqual(2));
    expect(engine.requestsTo('GET', '/api/jobs').length - listCallsBefore).toBe(2);
  });

  it('counts a near next run down by the second', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true }); // the clock also moves by itself, as the page needs
    vi.setSystemTime(Date.parse('2026-11-30T08:00:00.000Z'));
    const schedule = makeSchedule({ name: 'Every 5 seconds', next_run_at: '2026-11-30T08:00:09.000Z' });
    renderApp(emptyEngine().on('GET', '/api/schedules', ok(page([schedule]))));
    const next = within(await screen.findByTestId(`schedule-${schedule.id}`)).getByRole('time');
    expect(next).toHaveTextContent('in 9 sec.');
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(next).toHaveTextContent('in 8 sec.');
    act(() => {
      vi.advanceTimersByTime(3000);
    });
    expect(next).toHaveTextContent('in 5 sec.');
  });

  it('keeps rows in place through Pause and Resume, asks neutrally, and resumes with a play icon', async () => {
    const soon = makeSchedule({ name: 'Soon', inserted_at: '2026-11-01T00:00:00Z', next_run_at: new Date(Date.now() + 60_000).toISOString() });
    const later = makeSchedule({ name: 'Later', inserted_at: '2026-11-02T00:00:00Z', next_run_at: new Date(Date.now() + 3_600_000).toISOString() });
    let soonNow: Schedule = soon;
    const engine = emptyEngine()
      .on('GET', '/api/schedules', () => ok(page([soonNow, later])))
      .on('POST', `/api/schedules/${soon.id}/disable`, () => {
        soonNow = { ...soon, disabled_at: new Date().toISOString(), next_run_at: null, pending_job_id: null };
        return ok({ data: soonNow });
      })
      .on('POST', `/api/schedules/${soon.id}/enable`, () => {
        soonNow = soon;
        return ok({ data: soonNow });
      });
    const { user } = renderApp(engine);
    const names = () => screen.getAllByRole('row').slice(1).map((row) => within(row).getByRole('link', { name: /Soon|Later/ }).textContent);
    await screen.findByTestId(`schedule-${soon.id}`);
    expect(names()).toEqual(['Later', 'Soon']); // newest first

    await user.click(within(screen.getByTestId(`schedule-${soon.id}`)).getByRole('button', { name: 'Pause' }));
    const dialog = await screen.findByRole('dialog', { name: 'Pause this schedule?' });
    const confirm = within(dialog).getByRole('button', { name: 'Pause schedule' });
    expect(confirm).not.toHaveClass('btn--danger'); // reversible: no red button
    await user.click(confirm);
    const row = screen.getByTestId(`schedule-${soon.id}`);
    const resume = await within(row).findByRole('button', { name: 'Resume' });
    expect(within(row).getByText('Paused')).toBeInTheDocument();
    expect(names()).toEqual(['Later', 'Soon']); // the paused row did not move

    const play = render(<IconPlay />).container.innerHTML;
    expect(resume.innerHTML).toContain(play); // ▶, not ↻ (which reads as "retry")
    expect(within(row).getByRole('button', { name: 'Run now' }).innerHTML).not.toContain(play);
    await user.click(resume);
    await waitFor(() => expect(within(row).queryByText('Paused')).not.toBeInTheDocument());
    expect(names()).toEqual(['Later', 'Soon']);
  });

  it('gives hover-only row actions no column of their own', async () => {
    const schedule = makeSchedule({ name: 'Nightly sync' });
    renderApp(emptyEngine().on('GET', '/api/schedules', ok(page([schedule]))));
    const row = await screen.findByTestId(`schedule-${schedule.id}`);
    const table = screen.getByRole('table', { name: 'Jobs and schedules' });
    const headers = within(table).getAllByRole('columnheader').map((th) => th.textContent);
    expect(headers).toEqual(['Name', 'Request', 'Schedule', 'Next run', 'Last outcome', 'Last 20']);
    expect(table.querySelectorAll('col')).toHaveLength(headers.length);
    expect(row.querySelectorAll('td')).toHaveLength(headers.length);
    // the actions are still there, in the last cell, for hover and keyboard
    const actions = within(row).getByRole('group', { name: 'Actions' });
    expect(actions.closest('td')).toBe(row.querySelector('td:last-child'));
    expect(within(actions).getByRole('button', { name: 'Pause' })).toBeInTheDocument();
  });

  it('opens a schedule’s own page (not its editor) from its row, and edits it from there', async () => {
    const schedule = makeSchedule({ name: 'Nightly sync', summary: 'At 02:00 AM', args: { method: 'post', url: 'https://api.example.com/sync' } });
    const engine = emptyEngine()
      .on('GET', '/api/schedules', ok(page([schedule])))
      .on('GET', `/api/schedules/${schedule.id}`, ok({ data: schedule }))
      .on('GET', `/api/schedules/${schedule.id}/runs`, ok({ data: [] }));
    const { user, history } = renderApp(engine);
    const row = await screen.findByTestId(`schedule-${schedule.id}`);
    await user.click(within(row).getByRole('link', { name: 'Nightly sync' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Nightly sync' })).toBeInTheDocument();
    expect(history.location.pathname).toBe(`/schedules/${schedule.id}`);
    expect(screen.getByText('At 02:00 AM')).toBeInTheDocument();
    expect(screen.queryByRole('dialog', { name: 'Edit schedule' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Edit' }));
    const drawer = await screen.findByRole('dialog', { name: 'Edit schedule' });
    expect(await within(drawer).findByLabelText('URL')).toHaveValue('https://api.example.com/sync');

    // and back to the list
    await user.click(within(drawer).getByRole('button', { name: 'Close' }));
    await user.click(within(screen.getByRole('navigation', { name: 'Breadcrumb' })).getByRole('link', { name: 'Jobs' }));
    expect(await screen.findByTestId(`schedule-${schedule.id}`)).toBeInTheDocument();
  });

  it('asks before deleting a schedule, then deletes it', async () => {
    const schedule = makeSchedule({ name: 'Nightly sync' });
    const engine = emptyEngine()
      .on('GET', '/api/schedules', ok(page([schedule])))
      .on('DELETE', `/api/schedules/${schedule.id}`, ok(null, 204));
    const { user } = renderApp(engine);
    const row = await screen.findByTestId(`schedule-${schedule.id}`);
    await user.click(within(row).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this schedule?' });
    expect(engine.requestsTo('DELETE', /schedules/)).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Delete schedule' }));
    await waitFor(() => expect(engine.requestsTo('DELETE', `/api/schedules/${schedule.id}`)).toHaveLength(1));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('keeps the confirmation open with the error when cancelling fails', async () => {
    const job = makeJob({ name: 'Reminder' });
    const engine = emptyEngine()
      .on('GET', '/api/jobs', ok(page([job])))
      .on('POST', `/api/jobs/${job.id}/cancel`, fail(409, 'conflict', null, 'The job has already finished.'));
    const { user } = renderApp(engine);
    const row = await screen.findByTestId(`job-${job.id}`);
    await user.click(within(row).getByRole('button', { name: 'Cancel' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this job?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel job' }));
    expect(await within(dialog).findByText('The job has already finished.')).toBeInTheDocument();
  });

  it('searches with q and filters by state', async () => {
    const engine = emptyEngine();
    const { user } = renderApp(engine);
    await screen.findByRole('heading', { name: 'No jobs yet' });
    await user.type(screen.getByRole('searchbox', { name: 'Search jobs' }), 'deploy');
    await waitFor(() =>
      expect(engine.requestsTo('GET', '/api/schedules').some((r) => r.query.get('q') === 'deploy')).toBe(true),
    );
    await user.selectOptions(screen.getByRole('combobox', { name: 'Filter by state' }), 'discarded');
    await waitFor(() =>
      expect(
        engine.requestsTo('GET', '/api/jobs').some((r) => r.query.get('state') === 'discarded' && r.query.get('q') === 'deploy'),
      ).toBe(true),
    );
    expect(await screen.findByText('Nothing matches')).toBeInTheDocument();
  });

  it('asks for a schedule’s last runs when its row comes on screen, not for every row at once', async () => {
    vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
    const schedules = [makeSchedule({ name: 'First' }), makeSchedule({ name: 'Second' }), makeSchedule({ name: 'Third' })];
    const engine = emptyEngine()
      .on('GET', '/api/schedules', ok(page(schedules)))
      .on('GET', '/api/jobs', (req) => {
        const asked = req.query.get('schedule_id');
        return ok(page(asked === 'none' ? [] : [makeJob({ schedule_id: asked, state: 'completed', last_outcome: makeOutcome(204) })]));
      });
    renderApp(engine);
    const rows = await Promise.all(schedules.map((s) => screen.findByTestId(`schedule-${s.id}`)));
    const runsAsked = () => engine.requestsTo('GET', '/api/jobs').flatMap((r) => r.query.get('schedule_id') ?? []).filter((id) => id !== 'none');
    await waitFor(() => expect(FakeIntersectionObserver.watched()).toEqual(expect.arrayContaining(rows)));
    expect(runsAsked()).toEqual([]);
    // a row waiting to be seen holds still: a shimmer off screen repaints every frame for nothing
    for (const row of rows) {
      expect(row.querySelectorAll('.skeleton--still')).toHaveLength(2);
      expect(row.querySelector('.skeleton:not(.skeleton--still)')).toBeNull();
    }

    act(() => FakeIntersectionObserver.scrollIntoView(rows[1]!));
    expect(await within(rows[1]!).findByText('204')).toBeInTheDocument();
    expect(runsAsked()).toEqual([schedules[1]!.id]);
    expect(FakeIntersectionObserver.watched()).not.toContain(rows[1]); // asked once, then left alone

    act(() => FakeIntersectionObserver.scrollIntoView(rows[0]!));
    expect(await within(rows[0]!).findByText('204')).toBeInTheDocument();
    expect(runsAsked()).toEqual([schedules[1]!.id, schedules[0]!.id]);
  });

  it('shows every job a page at a time, newest made first, with the count of all, and never a row out of order', async () => {
    const now = Date.parse('2026-12-05T12:00:00.000Z');
    const made = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    // 150 schedules made every 2 minutes, 30 one-off jobs every 10: the schedules' first
    // page reaches back 198 minutes, so the jobs made before that wait for its second.
    const schedules = Array.from({ length: 150 }, (_, i) => makeSchedule({ inserted_at: made(i * 2) }));
    const jobs = Array.from({ length: 30 }, (_, i) => makeJob({ inserted_at: made(i * 10 + 1) }));
    const paged =
      <T,>(all: T[]) =>
      (req: { query: URLSearchParams }) => {
        const offset = Number(req.query.get('offset') ?? 0);
        const limit = Number(req.query.get('limit'));
        return ok({ data: all.slice(offset, offset + limit), limit, offset, total: all.length });
      };
    const engine = emptyEngine().on('GET', '/api/schedules', paged(schedules)).on('GET', '/api/jobs', paged(jobs));
    const { user } = renderApp(engine);

    await screen.findByTestId(`schedule-${schedules[99]!.id}`);
    const shown = () => screen.getAllByTestId(/^(schedule|job)-/).map((row) => row.getAttribute('data-testid'));
    expect(shown()).toHaveLength(120);
    expect(shown()).toContain(`job-${jobs[19]!.id}`); // 191 minutes ago
    expect(shown()).not.toContain(`job-${jobs[20]!.id}`); // 201: a schedule of 200 may come first
    expect(screen.getByText('180', { selector: '.page__count' })).toBeInTheDocument();
    expect(screen.getByText('120 of 180 shown')).toBeInTheDocument();
    // (Each schedule's row asks for its own runs too.)
    const oneOffsAsked = () => engine.requestsTo('GET', '/api/jobs').filter((r) => r.query.get('schedule_id') === 'none');
    expect(oneOffsAsked().map((r) => r.query.get('order_by'))).toEqual(oneOffsAsked().map(() => '["inserted_at","desc"]'));

    await user.click(screen.getByRole('button', { name: 'Show more' }));
    await screen.findByTestId(`job-${jobs[29]!.id}`);
    const every = [...schedules.map((s) => ({ at: s.inserted_at, id: `schedule-${s.id}` })), ...jobs.map((j) => ({ at: j.inserted_at, id: `job-${j.id}` }))];
    expect(shown()).toEqual(every.sort((a, b) => b.at.localeCompare(a.at)).map((row) => row.id));
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
    // Only the list that stopped the rows was asked for its next page.
    expect(engine.requestsTo('GET', '/api/schedules').map((r) => r.query.get('offset'))).toContain('100');
    expect(oneOffsAsked().map((r) => r.query.get('offset'))).toEqual(oneOffsAsked().map(() => '0'));
  });
});
