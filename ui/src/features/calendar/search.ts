export const CALENDAR_VIEWS = ['month', 'week', 'day'] as const;
export type CalendarView = (typeof CALENDAR_VIEWS)[number];

/** `#/calendar?view=week&date=2026-11-30`: the view and the date it shows survive navigation. */
export interface CalendarSearch {
  view?: CalendarView;
  date?: string;
}

export function parseCalendarSearch(search: Record<string, unknown>): CalendarSearch {
  const out: CalendarSearch = {};
  if (typeof search.view === 'string' && (CALENDAR_VIEWS as readonly string[]).includes(search.view)) {
    out.view = search.view as CalendarView;
  }
  if (typeof search.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(search.date)) out.date = search.date;
  return out;
}
