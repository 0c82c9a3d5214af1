import { useQuery } from '@tanstack/react-query';
import { Outlet, useNavigate, useSearch } from '@tanstack/react-router';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { IconJobs, IconPlus, IconTerminal } from '../../components/icons';
import { Select } from '../../components/Select';
import { useDebounced } from '../../lib/hooks';
import { FILTER_OPTIONS, jobStateFilter, showsJobs, showsSchedules, type JobsFilter } from './filters';
import { JobsTable } from './JobsTable';
import { buildRows } from './rows';
import './jobs.css';

const LIST_LIMIT = 100;

/** The home view: schedules and one-off jobs in one table, live. */
export function JobsView() {
  const client = useClient();
  const navigate = useNavigate();
  const search = useSearch({ from: '/jobs' });
  const filter: JobsFilter = search.state ?? 'all';
  const q = useDebounced(search.q ?? '', 200);
  const state = jobStateFilter(filter);

  const schedules = useQuery({
    queryKey: queryKeys.scheduleList({ q }),
    queryFn: () => client.listSchedules({ q, limit: LIST_LIMIT }),
    enabled: showsSchedules(filter),
  });
  // One-off jobs only: a busy schedule's runs would otherwise fill the page
  // and push them out (its runs show in its own row).
  const jobs = useQuery({
    queryKey: queryKeys.jobList({ q, state }),
    queryFn: () =>
      client.listJobs({
        q,
        state: state ?? undefined,
        schedule_id: 'none',
        limit: LIST_LIMIT,
        order_by: ['scheduled_at', 'desc'],
      }),
    enabled: showsJobs(filter),
  });

  const scheduleData = showsSchedules(filter)
    ? (schedules.data?.data ?? []).filter((s) =>
        filter === 'active' ? s.disabled_at === null : filter === 'paused' ? s.disabled_at !== null : true,
      )
    : [];
  const jobData = showsJobs(filter) ? (jobs.data?.data ?? []) : [];
  const rows = buildRows(scheduleData, jobData);
  const loading = (showsSchedules(filter) && schedules.isPending) || (showsJobs(filter) && jobs.isPending);
  const error = schedules.error ?? jobs.error;
  const filtered = Boolean(search.q) || filter !== 'all';

  const setFilter = (next: JobsFilter) =>
    void navigate({ to: '/jobs', search: { q: search.q, state: next === 'all' ? undefined : next }, replace: true });
  const newJob = () => void navigate({ to: '/jobs/new', search: { q: search.q, state: search.state } });

  const empty = filtered ? (
    <EmptyState icon={<IconJobs size={18} />} title="Nothing matches">
      <p>No job or schedule matches {search.q ? <>“{search.q}”</> : 'this filter'}.</p>
      <div className="empty-state__actions">
        <Button variant="secondary" onClick={() => void navigate({ to: '/jobs', search: {} })}>
          Clear search and filter
        </Button>
      </div>
    </EmptyState>
  ) : (
    <EmptyState
      icon={<IconTerminal size={18} />}
      title="No jobs yet"
      actions={
        <Button variant="primary" icon={<IconPlus />} shortcut="N" onClick={newJob}>
          New job
        </Button>
      }
    >
      <p>No jobs yet. Press N to create one, or paste a curl command.</p>
    </EmptyState>
  );

  return (
    <section className="page jobs-page" aria-labelledby="page-title">
      <header className="page__header">
        <h1 id="page-title" className="page__title">
          Jobs
        </h1>
        {!loading && <span className="page__count">{rows.length}</span>}
        <div className="page__tools">
          <Select<JobsFilter>
            aria-label="Filter by state"
            value={filter}
            onChange={setFilter}
            options={FILTER_OPTIONS}
            className="jobs-page__filter"
          />
        </div>
      </header>
      {error && (
        <div className="banner banner--danger jobs-page__error" role="alert">
          {errorMessage(error)}{' '}
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              void schedules.refetch();
              void jobs.refetch();
            }}
          >
            Try again
          </Button>
        </div>
      )}
      <JobsTable rows={rows} loading={loading} empty={empty} />
      <Outlet />
    </section>
  );
}
