/**
 * The desktop window runs with Tauri's `freezePrototype` (tauri.conf.json): the page starts
 * with `Object.freeze(Object.prototype)` already done. FullCalendar's Preact used to throw
 * there on its first re-render (it copied a vnode's own `constructor` with `=`), so the
 * calendar never mounted, and the page remounted it over and over (100% CPU, memory without
 * end). Browsers and jsdom do not freeze the prototype, so no other test saw it. This file
 * freezes it as Tauri does, before any module of the app loads; vitest runs each test file
 * in a process of its own, so the other files are not affected.
 */
import { vi } from 'vitest';

vi.hoisted(() => {
  Object.freeze(Object.prototype);
});

import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CalendarData } from '../../api/types';
import { ok } from '../../test/FakeTransport';
import { makeEvent, makeSettings } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

const SCHEDULE = 'ad97efdf-0000-4000-8000-000000000001';

/** What the engine answered while a schedule ran every 2 seconds: a past and an upcoming band, today. */
function denseDay(from: string, to: string, day: string): CalendarData {
  return {
    from,
    to,
    timezone: 'UTC',
    dense_threshold: 48,
    past: [],
    upcoming: [],
    bands: [
      {
        schedule_id: SCHEDULE,
        name: 'every two',
        day,
        last_day: day,
        days: 1,
        kind: 'past',
        count: 486,
        per_day: 486,
        first: `${day}T08:50:39.289000Z`,
        last: `${day}T09:06:49.289000Z`,
        summary: 'Every 2 seconds',
        outcomes: { cancelled: 0, failure: 243, success: 243 },
      },
      {
        schedule_id: SCHEDULE,
        name: 'every two',
        day,
        last_day: day,
        days: 1,
        kind: 'upcoming',
        count: 22_500,
        per_day: 22_500,
        first: `${day}T09:06:51.289000Z`,
        last: `${day}T23:59:59.289000Z`,
        summary: 'Every 2 seconds',
        outcomes: null,
      },
    ],
  };
}

describe('Calendar under a frozen Object.prototype (the desktop window)', () => {
  it('is frozen here, as in the app', () => {
    expect(Object.isFrozen(Object.prototype)).toBe(true);
    // the "override mistake" that broke Preact: a plain object cannot get its own `constructor` by `=`
    expect(() => {
      const copy = {} as { constructor: unknown };
      copy.constructor = undefined;
    }).toThrow(TypeError);
  });

  it('draws the week with the dense bands, and keeps working through navigation and live refreshes', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const engine = emptyEngine()
      .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
      .on('GET', '/api/calendar', (req) => ok({ data: denseDay(req.query.get('from')!, req.query.get('to')!, today) }));
    const errors: unknown[] = [];
    const consoleError = vi.spyOn(console, 'error').mockImplementation((...args) => errors.push(args));
    const { user, history } = renderApp(engine, '/calendar');

    // the week with now in it: both bands, on today
    await appears(/^every two · Every 2 seconds · 486 runs · 243 failed$/);
    await appears(/^every two · Every 2 seconds · 22[,.\u202f\u00a0]?500 runs$/);
    expect(history.location.search).toBe(`?view=week&date=${weekStart(today)}`);

    // other views: each re-renders FullCalendar's own components (Preact's re-render queue, where it threw)
    await user.click(screen.getByRole('radio', { name: 'Day' }));
    await waitFor(() => expect(history.location.search).toBe(`?view=day&date=${today}`));
    await appears(/486 runs · 243 failed$/);
    await user.click(screen.getByRole('radio', { name: 'Month' }));
    await waitFor(() => expect(history.location.search).toMatch(/^\?view=month&date=\d{4}-\d{2}-01$/));
    await appears(/486 runs · 243 failed$/);
    const asked = engine.requestsTo('GET', '/api/calendar').length;
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(engine.requestsTo('GET', '/api/calendar').length).toBe(asked + 1));
    await user.click(screen.getByRole('button', { name: 'Previous' }));
    await appears(/486 runs · 243 failed$/);

    // the live events of a run refresh the calendar (at most every 2 s); it draws the new answer
    const before = engine.requestsTo('GET', '/api/calendar').length;
    const run = { schedule_id: SCHEDULE };
    for (const event of [makeEvent('job.created', {}, run), makeEvent('job.started', {}, run), makeEvent('job.finished', {}, run)]) engine.push(event);
    await waitFor(() => expect(engine.requestsTo('GET', '/api/calendar').length).toBe(before + 1), { timeout: 5000 });
    await appears(/486 runs · 243 failed$/);

    expect(screen.queryByText(/something went wrong/i)).not.toBeInTheDocument();
    expect(errors).toEqual([]);
    consoleError.mockRestore();
  });
});

/**
 * Waits for a text, without findByText: on failure that prints the whole page at every try,
 * which, with the calendar broken (Preact stuck mid-render), never got to its timeout.
 */
async function appears(text: RegExp): Promise<void> {
  await waitFor(() => expect(screen.queryByText(text)).not.toBeNull());
}

/** The Sunday that starts the week of `day` (FullCalendar's default first day). */
function weekStart(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - date.getUTCDay());
  return date.toISOString().slice(0, 10);
}
