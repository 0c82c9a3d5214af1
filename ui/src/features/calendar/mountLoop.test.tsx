/**
 * How a calendar that fails became 21 GB: FullCalendar reports its dates (`datesSet`) while it
 * mounts, the page wrote them to the address, and a navigation (even to the same address)
 * gives the route a new match, which resets the router's error boundary and mounts the page
 * again. When the calendar then failed after reporting (as it did in the desktop window, see
 * frozenPrototype.test.tsx), that was an endless mount loop in one task instead of one error.
 * jsdom has no layout, so the real FullCalendar does not fail at that point here: this one
 * does exactly that (report, then throw), and stops throwing after MOUNT_CAP mounts so that a
 * loop ends the test instead of hanging it.
 */
import { vi } from 'vitest';

const calendar = vi.hoisted(() => ({ mounts: 0 }));
const MOUNT_CAP = 25;

vi.mock('@fullcalendar/react', async () => {
  const { Component } = await import('react');
  class CalendarThatFailsAfterReporting extends Component<{ datesSet?: (arg: unknown) => void }> {
    override componentDidMount() {
      calendar.mounts += 1;
      const start = new Date('2026-11-29T00:00:00Z');
      const end = new Date('2026-12-06T00:00:00Z');
      this.props.datesSet?.({
        start,
        end,
        startStr: start.toISOString(),
        endStr: end.toISOString(),
        timeZone: 'UTC',
        view: { type: 'timeGridWeek', title: 'Nov 29 – Dec 5, 2026', currentStart: start, currentEnd: end },
      });
      if (calendar.mounts < MOUNT_CAP) throw new Error('the calendar failed after reporting its dates');
    }
    override render() {
      return <div className="fc" />;
    }
  }
  return { default: CalendarThatFailsAfterReporting };
});

import { screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ok } from '../../test/FakeTransport';
import { makeSettings } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

function engine() {
  return emptyEngine()
    .on('GET', '/api/settings', ok({ data: makeSettings({ default_timezone: 'UTC' }) }))
    .on('GET', '/api/calendar', (req) =>
      ok({
        data: {
          from: req.query.get('from'),
          to: req.query.get('to'),
          timezone: 'UTC',
          dense_threshold: 48,
          past: [],
          upcoming: [],
          bands: [],
        },
      }),
    );
}

/**
 * Leave the calendar through the sidebar and wait for the jobs view: a later event than
 * any remount of the calendar, after which it cannot mount again. A loop (in one task or
 * across tasks) has mounted it again and again by then.
 */
async function leave(user: ReturnType<typeof renderApp>['user']): Promise<void> {
  await user.click(screen.getByRole('link', { name: 'Jobs' }));
  await screen.findByRole('heading', { name: 'No jobs yet' });
}

describe('Calendar that fails while mounting', () => {
  beforeEach(() => {
    calendar.mounts = 0;
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });

  it('shows the error once instead of mounting again and again (no date in the address yet)', async () => {
    const { history, user } = renderApp(engine(), '/calendar');
    // the first report writes the address once (a new match: the boundary mounts the page once more)
    await waitFor(() => expect(history.location.search).toBe('?view=week&date=2026-11-29'));
    await waitFor(() => expect(screen.getByText(/something went wrong/i)).toBeInTheDocument());
    await leave(user);
    expect(calendar.mounts).toBeLessThanOrEqual(2);
  });

  it('does not navigate at all when the address already shows the reported dates', async () => {
    const { history, user } = renderApp(engine(), '/calendar?view=week&date=2026-11-29');
    const entries = history.length;
    expect(await screen.findByText(/something went wrong/i)).toBeInTheDocument();
    await leave(user);
    expect(calendar.mounts).toBe(1);
    expect(history.length).toBe(entries + 1); // the click on Jobs, and no navigation of its own
  });
});
