import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import type { Schedule } from '../../api/types';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { IconChevron, IconCopy, IconEdit, IconPause, IconPlay, IconPulse, IconSend, IconTrash } from '../../components/icons';
import { PartBoundary } from '../../components/PartBoundary';
import { Skeleton } from '../../components/Skeleton';
import { MethodLabel } from '../jobs/RequestCell';
import { scheduleName } from '../jobs/rows';
import { ScheduleBadges } from '../jobs/ScheduleBadges';
import { useScheduleActions } from '../jobs/useScheduleActions';
import { useDisplayZone } from '../settings/useSettings';
import { JobsPanel } from './JobsPanel';
import { LedgerPanel } from './LedgerPanel';
import { RulePanel } from './RulePanel';
import { DEFAULT_RANGE, type LedgerRange } from './search';
import './schedule.css';

function Crumbs({ name }: { name: string | null }) {
  return (
    <nav className="schedule-page__crumbs" aria-label="Breadcrumb">
      <Link to="/jobs" search={{}} className="schedule-page__back">
        <IconChevron size={12} className="icon-flip" /> Jobs
      </Link>
      {name !== null && (
        <>
          <span className="faint">/</span>
          <span aria-current="page">{name}</span>
        </>
      )}
    </nav>
  );
}

/** Edit (the builder over this page), and what the Jobs list's row does: run now, pause or resume, duplicate, delete. */
function Actions({ schedule, name }: { schedule: Schedule; name: string }) {
  const navigate = useNavigate();
  const actions = useScheduleActions(schedule, name, () => void navigate({ to: '/jobs', search: {} }));
  const edit = () =>
    void navigate({ to: '/schedules/$scheduleId/edit', params: { scheduleId: schedule.id }, search: (prev) => ({ range: prev.range }) });
  return (
    <div className="page__tools schedule-page__tools">
      <Link to="/log" search={{ schedule: schedule.id }} className="btn btn--ghost btn--sm">
        In the log
      </Link>
      <Button size="sm" icon={<IconEdit />} onClick={edit}>
        Edit
      </Button>
      <Button size="sm" icon={<IconSend />} onClick={actions.run}>
        Run now
      </Button>
      {actions.paused ? (
        <Button size="sm" icon={<IconPlay />} onClick={actions.resume}>
          Resume
        </Button>
      ) : (
        <Button size="sm" icon={<IconPause />} onClick={actions.pause}>
          Pause
        </Button>
      )}
      <Button size="sm" icon={<IconCopy />} onClick={actions.duplicate}>
        Duplicate
      </Button>
      <Button size="sm" variant="ghost" icon={<IconTrash />} onClick={actions.remove}>
        Delete
      </Button>
      {actions.dialogs}
    </div>
  );
}

function Loading() {
  return (
    <div className="schedule-page__body" aria-busy="true">
      <Skeleton width="40%" height={20} />
      <Skeleton width="60%" height={14} />
      <Skeleton height={120} />
      <Skeleton height={220} />
    </div>
  );
}

function NotLoaded({ error }: { error: unknown }) {
  const navigate = useNavigate();
  return (
    <EmptyState icon={<IconPulse size={18} />} title="This schedule could not be loaded">
      <p>{errorMessage(error)}</p>
      <div className="empty-state__actions">
        <Button onClick={() => void navigate({ to: '/jobs', search: {} })}>Back to jobs</Button>
      </div>
    </EmptyState>
  );
}

function Body({ schedule, range, zone }: { schedule: Schedule; range: LedgerRange; zone: string | undefined }) {
  const navigate = useNavigate();
  const setRange = (next: LedgerRange) =>
    void navigate({ to: '/schedules/$scheduleId', params: { scheduleId: schedule.id }, search: { range: next === DEFAULT_RANGE ? undefined : next }, replace: true });
  return (
    <div className="schedule-page__body">
      <PartBoundary label="the rule">
        <RulePanel schedule={schedule} zone={zone} />
      </PartBoundary>
      <PartBoundary label="the runs">
        <LedgerPanel scheduleId={schedule.id} range={range} onRange={setRange} zone={zone} />
      </PartBoundary>
      <PartBoundary label="the jobs">
        <JobsPanel scheduleId={schedule.id} name={scheduleName(schedule)} zone={zone} />
      </PartBoundary>
    </div>
  );
}

/**
 * `#/schedules/$scheduleId`: a schedule's own page. Its rule in words and next runs, its
 * ledger over the last hour, day or week (what ran, failed or was missed, and why), drift
 * and duration, its jobs, and what can be done to it. Each part loads and fails on its own.
 */
export function SchedulePage() {
  const client = useClient();
  const { scheduleId } = useParams({ from: '/schedules/$scheduleId' });
  const range = useSearch({ from: '/schedules/$scheduleId' }).range ?? DEFAULT_RANGE;
  const zone = useDisplayZone() ?? undefined;
  const schedule = useQuery({ queryKey: queryKeys.schedule(scheduleId), queryFn: () => client.getSchedule(scheduleId) });
  const data = schedule.data;
  const name = data ? scheduleName(data) : null;

  return (
    <section className="page schedule-page" aria-labelledby="page-title">
      <Crumbs name={name} />
      <header className="page__header schedule-page__header">
        <div className="schedule-page__heading">
          <h1 id="page-title" className="page__title">
            {name ?? (schedule.error ? 'Schedule' : <Skeleton width={260} height={20} />)}
            {data && (data.disabled_at !== null || data.failing_since !== null) && (
              <>
                {' '}
                <ScheduleBadges schedule={data} zone={zone} />
              </>
            )}
          </h1>
          {data && (
            <p className="schedule-page__sub">
              <MethodLabel method={data.request.method} />
              <span className="schedule-page__url">{data.request.url}</span>
            </p>
          )}
        </div>
        {data && name !== null && <Actions schedule={data} name={name} />}
      </header>
      {data ? <Body schedule={data} range={range} zone={zone} /> : schedule.error ? <NotLoaded error={schedule.error} /> : <Loading />}
      <Outlet />
    </section>
  );
}
