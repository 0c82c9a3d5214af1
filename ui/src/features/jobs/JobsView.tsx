import { useInfiniteQuery, type InfiniteData } from '@tanstack/react-query';
import { Outlet, useNavigate, useSearch } from '@tanstack/react-router';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import type { Page } from '../../api/types';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { IconJobs, IconPlus, IconTerminal } from '../../components/icons';
import { Select } from '../../components/Select';
import { Spinner } from '../../components/Spinner';
import { useDebounced } from '../../lib/hooks';
import { formatNumber } from '../../lib/locale';
import { FILTER_OPTIONS, jobStateFilter, keptSchedules, showsJobs, showsSchedules, type JobsFilter } from './filters';
import { JobsTable } from './JobsTable';
import { pagedRows, type Loaded } from './rows';
import './jobs.css';

/** Rows a page of each list (the API's most). */
const PAGE = 100;

/** The next page's offset, if the API holds more than `last` reached. */
function nextOffset(last: Page<unknown>): number | undefined {
  const reached = last.offset + last.data.length;
  return last.data.length > 0 && reached < last.total ? reached : undefined;
}

/**
 * A list's pages as loaded, each item once: a page fetched again after a row was made
 * starts one row later, repeating the last of the page before it.
 */
function loaded<T extends { id: string }>(
  pages: InfiniteData<Page<T>> | undefined,
  more: boolean,
  shown: boolean,
): Loaded<T> & { total: number } {
  if (!shown || !pages) return { items: [], more: false, total: 0 };
  const byId = new Map<string, T>();
  for (const item of pages.pages.flatMap((p) => p.data)) if (!byId.has(item.id)) byId.set(item.id, item);
  return { items: [...byId.values()], more, total: pages.pages[0]?.total ?? 0 };
}

/** The home view: schedules and one-off jobs in one table, live, a page at a time. */
export function JobsView() {
  const client = useClient();
  const navigate = useNavigate();
  const search = useSearch({ from: '/jobs' });
  const filter: JobsFilter = search.state ?? 'all';
  const q = useDebounced(search.q ?? '', 200);
  const state = jobStateFilter(filter);

  // Both lists newest made first, the order the table keeps, so their pages merge.
  const schedules = useInfiniteQuery({
    queryKey: queryKeys.schedulePages({ q }),
    queryFn: ({ pageParam }) => client.listSchedules({ q, limit: PAGE, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: nextOffset,
    enabled: showsSchedules(filter),
  });
  // One-off jobs only: a busy schedule's runs would otherwise fill the page
  // and push them out (its runs show in its own row).
  const jobs = useInfiniteQuery({
    queryKey: queryKeys.jobPages({ q, state }),
    queryFn: ({ pageParam }) =>
      client.listJobs({
        q,
        state: state ?? undefined,
        schedule_id: 'none',
        limit: PAGE,
        offset: pageParam,
        order_by: ['inserted_at', 'desc'],
      }),
    initialPageParam: 0,
    getNextPageParam: nextOffset,
    enabled: showsJobs(filter),
  });

  const scheduleList = loaded(schedules.data, schedules.hasNextPage, showsSchedules(filter));
  const jobList = loaded(jobs.data, jobs.hasNextPage, showsJobs(filter));
  // Active and paused are told apart here, not by the API, whose total counts both.
  const keep = keptSchedules(filter);
  const { rows, next } = pagedRows(scheduleList, jobList, keep);
  const more = scheduleList.more || jobList.more;
  // How many the list holds in all, where more are to come and the API can say.
  const total = more && !keep ? scheduleList.total + jobList.total : null;
  const fetchingMore = schedules.isFetchingNextPage || jobs.isFetchingNextPage;
  const showMore = () => {
    if (next.schedules) void schedules.fetchNextPage();
    if (next.jobs) void jobs.fetchNextPage();
  };
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
        {!loading && (
          <span className="page__count">{formatNumber(total ?? rows.length)}</span>
        )}
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
      {!loading && more && (
        <footer className="jobs-page__more">
          <span className="faint">
            {total === null ? `${formatNumber(rows.length)} shown` : `${formatNumber(rows.length)} of ${formatNumber(total)} shown`}
          </span>
          <Button size="sm" variant="secondary" onClick={showMore} disabled={fetchingMore}>
            Show more
          </Button>
          {fetchingMore && <Spinner size={12} label="Loading more" />}
        </footer>
      )}
      <Outlet />
    </section>
  );
}
