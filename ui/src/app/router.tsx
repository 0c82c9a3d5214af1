import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
  type RouterHistory,
} from '@tanstack/react-router';
import { AppShell } from './AppShell';
import { JobsView } from '../features/jobs/JobsView';
import { parseJobsSearch } from '../features/jobs/filters';

// The builder (with CodeMirror) loads on first use, keeping the first paint light.
const builderRoutes = () => import('../features/builder/BuilderRoutes');
import { ComingSoon } from '../features/placeholders/ComingSoon';
import { IconCalendar, IconPulse, IconSettings } from '../components/icons';

export interface NewJobSearch {
  from_job?: string;
  from_schedule?: string;
}

function parseNewJobSearch(search: Record<string, unknown>): NewJobSearch {
  const out: NewJobSearch = {};
  if (typeof search.from_job === 'string') out.from_job = search.from_job;
  if (typeof search.from_schedule === 'string') out.from_schedule = search.from_schedule;
  return out;
}

const rootRoute = createRootRoute({ component: AppShell });

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/jobs' });
  },
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

const editScheduleRoute = createRoute({
  getParentRoute: () => jobsRoute,
  path: '/schedule/$scheduleId',
  component: lazyRouteComponent(builderRoutes, 'EditScheduleBuilder'),
});

const calendarRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/calendar',
  component: () => (
    <ComingSoon title="Calendar" icon={<IconCalendar size={18} />}>
      Upcoming and past runs by month, week and day, coloured by outcome.
    </ComingSoon>
  ),
});

const logRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/log',
  component: () => (
    <ComingSoon title="Live log" icon={<IconPulse size={18} />}>
      Every request and response as it happens, with filters and side-by-side runs.
    </ComingSoon>
  ),
});

const settingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings',
  component: () => (
    <ComingSoon title="Settings" icon={<IconSettings size={18} />}>
      API key, signing secret, retention, default time zone and notifications.
    </ComingSoon>
  ),
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  jobsRoute.addChildren([newJobRoute, editJobRoute, editScheduleRoute]),
  calendarRoute,
  logRoute,
  settingsRoute,
]);

export function createAppRouter(history: RouterHistory) {
  return createRouter({
    routeTree,
    history,
    defaultPreload: false,
    defaultNotFoundComponent: () => (
      <ComingSoon title="Nothing here">This page does not exist. Pick a view on the left.</ComingSoon>
    ),
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

declare module '@tanstack/react-router' {
  interface Register {
    router: AppRouter;
  }
}
