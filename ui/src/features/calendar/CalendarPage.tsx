import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useRouter, useSearch } from '@tanstack/react-router';
import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/daygrid';
import timeGridPlugin from '@fullcalendar/timegrid';
import interactionPlugin, { type DateClickArg } from '@fullcalendar/interaction';
import type { DatesSetArg, EventClickArg, EventContentArg } from '@fullcalendar/core';
import 'virtual:fullcalendar.css';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import { Button } from '../../components/Button';
import { IconButton } from '../../components/IconButton';
import { IconChevron } from '../../components/icons';
import { SegmentedControl } from '../../components/SegmentedControl';
import { Skeleton } from '../../components/Skeleton';
import { Spinner } from '../../components/Spinner';
import { useDisplayZone } from '../settings/useSettings';
import { wallClock } from '../../lib/zones';
import { describeItem, firstRunHour, rangeQuery, targetOf, toCalendarEvents, type CalendarItem } from './mapping';
import { CALENDAR_VIEWS, type CalendarSearch, type CalendarView } from './search';
import './calendar.css';

const FC_VIEW: Record<CalendarView, string> = {
  month: 'dayGridMonth',
  week: 'timeGridWeek',
  day: 'timeGridDay',
};

function viewOf(fcView: string): CalendarView {
  return (Object.keys(FC_VIEW) as CalendarView[]).find((v) => FC_VIEW[v] === fcView) ?? 'week';
}

/** The hour to open the time grid at when nothing runs in view: an hour before now in the display zone. */
function scrollTimeFor(zone: string): string {
  const hour = Number(wallClock(Date.now(), zone).slice(11, 13));
  return `${String(Math.max(0, hour - 1)).padStart(2, '0')}:00:00`;
}

function EventContent({ event, timeText, view }: EventContentArg) {
  const item = event.extendedProps.item as CalendarItem | undefined;
  const compact = view.type === 'dayGridMonth' && !event.allDay;
  return (
    <span className="cal-event" title={item ? describeItem(item) : event.title}>
      {compact && <span className="cal-event__dot" aria-hidden="true" />}
      {timeText && !event.allDay && <span className="cal-event__time">{timeText}</span>}
      <span className="cal-event__title">{event.title}</span>
    </span>
  );
}

/** `#/calendar`: month, week and day views of past and upcoming runs, live. */
export function CalendarPage() {
  const client = useClient();
  const navigate = useNavigate();
  const router = useRouter();
  const search = useSearch({ from: '/calendar' });
  const zone = useDisplayZone();
  const calendarRef = useRef<FullCalendar>(null);
  const [visible, setVisible] = useState<{ start: Date; end: Date } | null>(null);
  const [title, setTitle] = useState('');
  const view: CalendarView = search.view ?? 'week';

  const range = useMemo(() => (visible && zone ? rangeQuery(visible.start, visible.end, zone) : null), [visible, zone]);
  const calendar = useQuery({
    queryKey: queryKeys.calendarRange(range ?? { from: '', to: '', tz: '' }),
    queryFn: () => client.calendar(range!),
    enabled: range !== null,
    // navigating keeps the last range on screen until the next one arrives: no flash
    placeholderData: keepPreviousData,
  });
  // While the next range loads, the last answer stays: FullCalendar shows only what falls
  // in the visible range, so nothing wrong is drawn and nothing flashes.
  const events = useMemo(() => (calendar.data && zone ? toCalendarEvents(calendar.data, zone) : []), [calendar.data, zone]);

  const api = () => calendarRef.current?.getApi();

  // Each range opens on its first run (another day's 08:00 runs were below the fold of
  // "now"), once: live refreshes of the same range leave the scroll where the person put it.
  const scrolledFor = useRef<string | null>(null);
  useEffect(() => {
    if (!visible || !zone || !calendar.data || calendar.isPlaceholderData) return;
    const [from, to] = [visible.start, visible.end].map((d) => d.toISOString().slice(0, 19)) as [string, string];
    if (scrolledFor.current === `${from}/${to}`) return;
    scrolledFor.current = `${from}/${to}`;
    calendarRef.current?.getApi().scrollToTime(firstRunHour(events, from, to) ?? scrollTimeFor(zone));
  }, [events, visible, zone, calendar.data, calendar.isPlaceholderData]);

  const onDatesSet = useCallback(
    (arg: DatesSetArg) => {
      setVisible({ start: arg.start, end: arg.end });
      setTitle(arg.view.title);
      const date = arg.view.currentStart.toISOString().slice(0, 10);
      const nextView = viewOf(arg.view.type);
      // Only when the address says something else: FullCalendar reports its dates on every
      // mount, and a navigation, even to the same address, hands the route a new match, which
      // resets its error boundary and mounts this page again; if the calendar then failed
      // after reporting (as it did under the desktop's frozen Object.prototype), that was an
      // endless mount loop instead of one error.
      const shown = router.latestLocation.search as CalendarSearch;
      if (router.latestLocation.pathname === '/calendar' && shown.view === nextView && shown.date === date) return;
      void navigate({ to: '/calendar', search: { view: nextView, date }, replace: true });
    },
    [navigate, router],
  );

  const onEventClick = useCallback(
    (arg: EventClickArg) => {
      arg.jsEvent.preventDefault();
      const item = arg.event.extendedProps.item as CalendarItem | undefined;
      // a band of one-off jobs has no page of its own: open its day
      if (item?.kind === 'band' && item.scheduleId === null) {
        api()?.changeView(FC_VIEW.day, item.band.day);
        return;
      }
      const target = item ? targetOf(item) : null;
      if (!target) return;
      if (target.to === '/jobs/detail/$jobId') void navigate({ to: target.to, params: target.params });
      else if (target.to === '/jobs/job/$jobId') void navigate({ to: target.to, params: target.params, search: {} });
      else void navigate({ to: target.to, params: target.params, search: {} });
    },
    [navigate],
  );

  const onDateClick = useCallback((arg: DateClickArg) => {
    // In the month view a click on a day opens that day.
    if (arg.view.type === 'dayGridMonth') api()?.changeView(FC_VIEW.day, arg.date);
  }, []);

  const empty = !calendar.isPending && !calendar.isPlaceholderData && !calendar.error && events.length === 0;

  return (
    <section className="page calendar-page" aria-labelledby="page-title">
      <header className="page__header calendar-page__header">
        <h1 id="page-title" className="page__title">
          Calendar
        </h1>
        <div className="calendar-page__nav">
          <Button size="sm" onClick={() => api()?.today()}>
            Today
          </Button>
          <IconButton size="sm" label="Previous" icon={<IconChevron className="icon-flip" />} onClick={() => api()?.prev()} />
          <IconButton size="sm" label="Next" icon={<IconChevron />} onClick={() => api()?.next()} />
          <h2 className="calendar-page__title" aria-live="polite">
            {title || <Skeleton width={160} height={14} />}
          </h2>
        </div>
        <div className="page__tools">
          <span className="calendar-page__status" role="status">
            {calendar.error ? (
              <span className="calendar-page__error">
                {errorMessage(calendar.error)}{' '}
                <Button size="sm" variant="ghost" onClick={() => void calendar.refetch()}>
                  Try again
                </Button>
              </span>
            ) : calendar.isFetching ? (
              <Spinner size={12} label="Loading runs" />
            ) : empty ? (
              <span className="faint">Nothing runs in this range. Press N to schedule a job.</span>
            ) : null}
          </span>
          {zone && (
            <span className="calendar-page__zone faint" title="The default time zone, set in Settings">
              {zone.replace(/_/g, ' ')}
            </span>
          )}
          <SegmentedControl<CalendarView>
            label="Calendar view"
            value={view}
            onChange={(next) => api()?.changeView(FC_VIEW[next])}
            options={CALENDAR_VIEWS.map((v) => ({ value: v, label: v[0]!.toUpperCase() + v.slice(1) }))}
          />
        </div>
      </header>
      <div className="calendar-page__body">
        {zone ? (
          <FullCalendar
            ref={calendarRef}
            plugins={[dayGridPlugin, timeGridPlugin, interactionPlugin]}
            initialView={FC_VIEW[view]}
            initialDate={search.date}
            // Wall-clock times of the display zone are handed over as UTC (see mapping.ts).
            timeZone="UTC"
            now={() => wallClock(Date.now(), zone)}
            nowIndicator
            headerToolbar={false}
            height="100%"
            events={events}
            eventContent={(arg) => <EventContent {...arg} />}
            eventClick={onEventClick}
            eventInteractive
            dateClick={onDateClick}
            datesSet={onDatesSet}
            navLinks
            navLinkDayClick={(date) => api()?.changeView(FC_VIEW.day, date)}
            dayMaxEvents
            eventMaxStack={4}
            // a week's column fits two chips side by side with their time whole ("14:00", not "14:0")
            views={{ timeGridWeek: { eventMaxStack: 2 } }}
            defaultTimedEventDuration="00:15:00"
            displayEventEnd={false}
            slotDuration="00:30:00"
            scrollTime={scrollTimeFor(zone)}
            allDayText="All day"
            eventTimeFormat={{ hour: '2-digit', minute: '2-digit', hour12: false }}
            slotLabelFormat={{ hour: '2-digit', minute: '2-digit', hour12: false }}
          />
        ) : (
          <div className="calendar-page__placeholder" aria-busy="true">
            <Skeleton height={480} />
          </div>
        )}
      </div>
    </section>
  );
}
