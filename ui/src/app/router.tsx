import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
  type RouterHistory,
} from '@tanstack/react-router';
import { AppShell } from './AppShell';
import { PageError } from './PageError';
import { JobsView } from '../features/jobs/JobsView';
import { parseJobsSearch } from '../features/jobs/filters';

import { EmptyState } from '../components/EmptyState';
import { parseCalendarSearch } from '../features/calendar/search';
import { parseLogSearch } from '../features/log/search';
import { parseScheduleSearch } from '../features/schedule/search';

// The builder (with CodeMirror), the calendar (FullCalendar), the live log, run details and
// schedules' pages (with their charts) and settings each load on first use, keeping the
// first paint light.
const builderRoutes = () => import('../features/builder/BuilderRoutes');

export interface NewJobSearch {
  from_job?: string;
  from_schedule?: string;
  /** With `from_job`: fill the form from this attempt's request, to send it again (edit and replay). */
  replay_attempt?: number;
}

function parseNewJobSearch(search: Record<string, unknown>): NewJobSearch {
  const out: NewJobSearch = {};
  if (typeof search.from_job === 'string') out.from_job = search.from_job;
  if (typeof search.from_schedule === 'string') out.from_schedule = search.from_schedule;
  const attempt = Number(search.replay_attempt);
  if (out.from_job && Number.isInteger(attempt) && attempt > 0) out.replay_attempt = attempt;
  return out;
}

const rootRoute = createRootRoute({ component: AppShell });

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  // `throw: true`: the router throws its redirect (a Response, not an Error) itself
  beforeLoad: () => redirect({ to: '/jobs', throw: true }),
});

const jobsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/jobs',
  validateSearch: parseJobsSearch,
  component: JobsView,
});

const newJobRoute = createRoute({
  getParentRoute: () => jobsRoute,
  path: '/new',
  validateSearch: parseNewJobSearch,
  component: lazyRouteComponent(builderRoutes, 'NewJobBuilder'),
});

const editJobRoute = createRoute({
  getParentRoute: () => jobsRoute,
  path: '/job/$jobId',
  component: lazyRouteComponent(builderRoutes, 'EditJobBuilder'),
});

/** A schedule's own page: its rule and next runs, its ledger over time, its jobs and actions. */
const scheduleRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/schedules/$scheduleId',
  validateSearch: parseScheduleSearch,
  component: lazyRouteComponent(() => import('../features/schedule/SchedulePage'), 'SchedulePage'),
});

/** Editing a schedule: the builder over its page. */
const editScheduleRoute = createRoute({
  getParentRoute: () => scheduleRoute,
  path: '/edit',
  component: lazyRouteComponent(builderRoutes, 'EditScheduleBuilder'),
});

/** A job's run detail: attempts, request and response, compare, replay. A page of its own. */
const jobDetailRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/jobs/detail/$jobId',
  component: lazyRouteComponent(() => import('../features/detail/JobDetailPage'), 'JobDetailPage'),
});

const calendarRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/calendar',
  validateSearch: parseCalendarSearch,
  component: lazyRouteComponent(() => import('../features/calendar/CalendarPage'), 'CalendarPage'),
});

const logRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/log',
  validateSearch: parseLogSearch,
  component: lazyRouteComponent(() => import('../features/log/LiveLogPage'), 'LiveLogPage'),
});

const settingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings',
  component: lazyRouteComponent(() => import('../features/settings/SettingsPage'), 'SettingsPage'),
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  jobsRoute.addChildren([newJobRoute, editJobRoute]),
  jobDetailRoute,
  scheduleRoute.addChildren([editScheduleRoute]),
  calendarRoute,
  logRoute,
  settingsRoute,
]);

export function createAppRouter(history: RouterHistory) {
  return createRouter({
    routeTree,
    history,
    defaultPreload: false,
    // Each route's page renders inside its own boundary: a page that throws shows this in
    // its place, and the shell around it (sidebar, top bar) keeps working.
    defaultErrorComponent: PageError,
    defaultNotFoundComponent: () => (
      <section className="page" aria-labelledby="page-title">
        <h1 id="page-title" className="visually-hidden">
          Not found
        </h1>
        <EmptyState title="Nothing here">
          <p>This page does not exist. Pick a view on the left.</p>
        </EmptyState>
      </section>
    ),
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

declare module '@tanstack/react-router' {
  interface Register {
    router: AppRouter;
  }
}
