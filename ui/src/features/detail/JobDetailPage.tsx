import { lazy, Suspense, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import type { Attempt, Job } from '../../api/types';
import { Badge } from '../../components/Badge';
import { BodyView } from '../../components/BodyView';
import { Button } from '../../components/Button';
import { canChart } from '../../components/canChart';
import { EmptyState } from '../../components/EmptyState';
import { HeaderList } from '../../components/HeaderList';
import { IconChevron, IconEdit, IconPlay, IconPulse } from '../../components/icons';
import { RedirectList } from '../../components/RedirectList';
import { Skeleton } from '../../components/Skeleton';
import { useToast } from '../../components/Toast';
import { formatAbsolute, formatDurationMs, formatShort, needsSeconds } from '../../lib/time';
import { hostAndPath } from '../../lib/url';
import { isFinished, outcomeKind, STATE_LABELS, toneOf } from '../jobs/outcome';
import { MethodLabel } from '../jobs/RequestCell';
import { useDisplayZone } from '../settings/useSettings';
import { AlertEvent } from '../checks/AlertEvent';
import { CheckResults } from '../checks/CheckResults';
import { useJobAlerts } from '../checks/useJobAlerts';
import { ComparePanel } from './ComparePanel';
import type { ChartRun } from './RunChart';
import './detail.css';

// uPlot loads with the chart, only when a schedule's runs are shown.
const RunChart = lazy(() => import('./RunChart'));

const HISTORY_LIMIT = 50;

export function attemptTone(attempt: Attempt) {
  if (attempt.outcome === 'success') return 'success' as const;
  if (attempt.outcome === 'failure' || attempt.outcome === 'error' || attempt.outcome === 'assertion_failed') return 'danger' as const;
  return 'accent' as const;
}

export function attemptLabel(attempt: Attempt): string {
  // a 200 that failed a check is no plain 200
  if (attempt.response && attempt.outcome === 'assertion_failed') return `${attempt.response.status} · check failed`;
  if (attempt.response) return String(attempt.response.status);
  if (attempt.error) return 'Error';
  return attempt.finished_at ? (attempt.outcome ?? 'Done') : 'Running';
}

function chartRuns(jobs: readonly Job[]): ChartRun[] {
  return jobs
    .filter((j) => j.last_outcome !== null)
    .map((j) => {
      const kind = outcomeKind(j.last_outcome, j.state);
      return {
        id: j.id,
        at: j.last_outcome?.finished_at ?? j.scheduled_at,
        durationMs: j.last_outcome?.duration_ms ?? null,
        outcome: kind === 'success' ? 'success' : kind === 'failure' ? 'failure' : 'other',
      } satisfies ChartRun;
    })
    .reverse();
}

function Attempts({ attempts, selected, onSelect, zone }: { attempts: Attempt[]; selected: number | null; onSelect: (n: number) => void; zone?: string }) {
  const seconds = needsSeconds(attempts.map((a) => a.started_at)); // retries come seconds apart
  return (
    <table className="detail-attempts" aria-label="Attempts">
      <thead>
        <tr>
          <th scope="col">Attempt</th>
          <th scope="col">Started</th>
          <th scope="col">Result</th>
          <th scope="col">Duration</th>
          <th scope="col">Error or retry</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr
            key={a.attempt}
            className={a.attempt === selected ? 'is-selected' : undefined}
            onClick={() => onSelect(a.attempt)}
          >
            <td>
              <button type="button" className="detail-attempts__pick" onClick={() => onSelect(a.attempt)} aria-pressed={a.attempt === selected}>
                #{a.attempt}
              </button>
            </td>
            <td title={formatAbsolute(a.started_at, zone)}>{formatShort(a.started_at, zone, seconds)}</td>
            <td>
              <Badge tone={attemptTone(a)}>{attemptLabel(a)}</Badge>
            </td>
            <td className="detail-attempts__num">{formatDurationMs(a.duration_ms)}</td>
            <td className="detail-attempts__error">
              {a.error ?? (a.retry_at ? `retry at ${formatShort(a.retry_at, zone)}` : '')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RequestResponse({ attempt, jobId }: { attempt: Attempt; jobId: string }) {
  return (
    <div className="detail-split">
      <section className="detail-pane" aria-label="Request">
        <h3 className="detail-pane__title">Request</h3>
        {attempt.request && (
          <p className="detail-pane__line">
            <MethodLabel method={attempt.request.method} />
            <span className="detail-pane__url">{attempt.request.url}</span>
          </p>
        )}
        <HeaderList headers={attempt.request?.headers} label="Request headers" definedBy={jobId} />
        <h4 className="detail-pane__sub">Body</h4>
        <BodyView body={attempt.request?.body} truncated={attempt.request?.truncated} label="Request body" />
      </section>
      <section className="detail-pane" aria-label="Response">
        <h3 className="detail-pane__title">Response</h3>
        {attempt.response ? (
          <>
            <p className="detail-pane__line">
              <Badge tone={attemptTone(attempt)}>{attempt.response.status}</Badge>
              <span className="faint">{formatDurationMs(attempt.duration_ms)}</span>
            </p>
            <RedirectList redirects={attempt.response.redirects} />
            <CheckResults results={attempt.response.assertions} />
            <HeaderList headers={attempt.response.headers} label="Response headers" />
            <h4 className="detail-pane__sub">Body</h4>
            <BodyView body={attempt.response.body} truncated={attempt.response.truncated} label="Response body" />
          </>
        ) : attempt.error ? (
          <p className="banner banner--danger" role="alert">
            {attempt.error}
          </p>
        ) : (
          <p className="faint">No response yet.</p>
        )}
      </section>
    </div>
  );
}

function LoadingDetail() {
  return (
    <div className="detail-loading" aria-busy="true">
      <Skeleton width="40%" height={20} />
      <Skeleton width="60%" height={14} />
      <Skeleton height={120} />
      <Skeleton height={260} />
    </div>
  );
}

/** `#/jobs/detail/$jobId`: one job's runs, request and response, chart, compare, replay. */
export function JobDetailPage() {
  const client = useClient();
  const navigate = useNavigate();
  const toast = useToast();
  const queryClient = useQueryClient();
  const zone = useDisplayZone() ?? undefined;
  const { jobId } = useParams({ from: '/jobs/detail/$jobId' });
  const job = useQuery({ queryKey: queryKeys.job(jobId), queryFn: () => client.getJob(jobId) });
  const scheduleId = job.data?.schedule_id ?? null;
  const schedule = useQuery({
    queryKey: queryKeys.schedule(scheduleId ?? ''),
    queryFn: () => client.getSchedule(scheduleId ?? ''),
    enabled: scheduleId !== null,
  });
  const history = useQuery({
    queryKey: [...queryKeys.scheduleHistory(scheduleId ?? ''), HISTORY_LIMIT],
    queryFn: () => client.listJobs({ schedule_id: scheduleId ?? '', limit: HISTORY_LIMIT, order_by: ['scheduled_at', 'desc'] }),
    enabled: scheduleId !== null,
  });
  const alerts = useJobAlerts(jobId);
  const [picked, setPicked] = useState<number | null>(null);

  const attempts = useMemo(() => job.data?.attempts ?? [], [job.data]);
  const selectedNumber = picked ?? attempts[attempts.length - 1]?.attempt ?? null;
  const selected = attempts.find((a) => a.attempt === selectedNumber) ?? null;
  const runs = useMemo(() => chartRuns(history.data?.data ?? []), [history.data]);

  const replay = useMutation({
    mutationFn: () => client.runJob(jobId),
    onSuccess: (next) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs });
      if (next.id !== jobId) {
        toast('Sent again as a new job', 'success');
        void navigate({ to: '/jobs/detail/$jobId', params: { jobId: next.id } });
      } else {
        toast('Run started', 'success');
      }
    },
    onError: (e) => toast(errorMessage(e), 'danger'),
  });

  if (job.error && !job.data) {
    return (
      <section className="page detail-page" aria-labelledby="page-title">
        <h1 id="page-title" className="visually-hidden">
          Run detail
        </h1>
        <EmptyState icon={<IconPulse size={18} />} title="This job could not be loaded">
          <p>{errorMessage(job.error)}</p>
          <div className="empty-state__actions">
            <Button onClick={() => void navigate({ to: '/jobs', search: {} })}>Back to jobs</Button>
          </div>
        </EmptyState>
      </section>
    );
  }

  const data = job.data;
  const finished = data ? isFinished(data.state) : false;
  const url = data?.request.url ?? '';
  const method = data?.request.method;
  const title = data ? data.name || hostAndPath(url) : '';

  return (
    <section className="page detail-page" aria-labelledby="page-title">
      <nav className="detail-page__crumbs" aria-label="Breadcrumb">
        <Link to="/jobs" search={{}} className="detail-page__back">
          <IconChevron size={12} className="icon-flip" /> Jobs
        </Link>
        {schedule.data && (
          <>
            <span className="faint">/</span>
            <Link to="/schedules/$scheduleId" params={{ scheduleId: schedule.data.id }} search={{}}>
              {schedule.data.name || hostAndPath(schedule.data.request.url)}
            </Link>
          </>
        )}
      </nav>
      <header className="page__header detail-page__header">
        <div className="detail-page__heading">
          <h1 id="page-title" className="page__title">
            {data ? title : <Skeleton width={260} height={20} />}
          </h1>
          {data && (
            <p className="detail-page__sub">
              <MethodLabel method={method} />
              <span className="detail-pane__url">{url}</span>
            </p>
          )}
        </div>
        {data && (
          <div className="page__tools">
            <Badge tone={toneOf(outcomeKind(data.last_outcome, data.state))}>{STATE_LABELS[data.state]}</Badge>
            <Link to="/log" search={{ job: jobId }} className="btn btn--ghost btn--sm">
              In the log
            </Link>
            <Button
              size="sm"
              icon={<IconEdit />}
              disabled={!selected && !finished}
              onClick={() =>
                void navigate({
                  to: '/jobs/new',
                  search: selected ? { from_job: jobId, replay_attempt: selected.attempt } : { from_job: jobId },
                })
              }
            >
              Edit and replay
            </Button>
            <Button size="sm" variant="primary" icon={<IconPlay />} busy={replay.isPending} disabled={data.state === 'executing'} onClick={() => replay.mutate()}>
              {finished ? 'Replay' : 'Run now'}
            </Button>
          </div>
        )}
      </header>

      {!data ? (
        <LoadingDetail />
      ) : (
        <div className="detail-page__body">
          <dl className="detail-facts">
            <div>
              <dt>Scheduled</dt>
              <dd title={formatAbsolute(data.scheduled_at, zone)}>{formatShort(data.scheduled_at, zone)}</dd>
            </div>
            <div>
              <dt>Schedule</dt>
              <dd>{schedule.data ? schedule.data.summary : scheduleId ? <Skeleton width={120} /> : 'once'}</dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd>
                {data.attempt} of {data.max_attempts}
              </dd>
            </div>
            <div>
              <dt>Last result</dt>
              <dd>
                {data.last_outcome
                  ? `${data.last_outcome.status ?? data.last_outcome.error ?? 'error'} · ${formatDurationMs(data.last_outcome.duration_ms)}`
                  : '—'}
                {/* a status with an error: a check failed (the words say which) */}
                {data.last_outcome?.status != null && data.last_outcome.error && (
                  <span className="detail-facts__why">{data.last_outcome.error}</span>
                )}
              </dd>
            </div>
          </dl>

          {alerts.length > 0 && (
            <section className="detail-section" aria-label="Alerts">
              <h2 className="detail-section__title">Alerts about this run</h2>
              <ul className="detail-alerts">
                {alerts.map((alert) => (
                  <li key={alert.id}>
                    <AlertEvent event={alert} />
                  </li>
                ))}
              </ul>
            </section>
          )}

          {scheduleId && (
            <section className="detail-section" aria-label="Recent runs">
              <h2 className="detail-section__title">
                Recent runs of this schedule <span className="faint">({runs.length})</span>
              </h2>
              <div className="run-chart-box">
                {history.isPending ? (
                  <Skeleton height={150} />
                ) : runs.length === 0 ? (
                  <p className="faint">No finished runs yet.</p>
                ) : !canChart() ? null : (
                  <Suspense fallback={<Skeleton height={150} />}>
                    <RunChart
                      runs={runs}
                      zone={zone}
                      currentId={jobId}
                      onPick={(id) => void navigate({ to: '/jobs/detail/$jobId', params: { jobId: id } })}
                    />
                  </Suspense>
                )}
              </div>
            </section>
          )}

          <section className="detail-section" aria-label="Attempts">
            <h2 className="detail-section__title">Attempts</h2>
            {attempts.length === 0 ? (
              <p className="faint">Not sent yet{data.state === 'scheduled' ? ` — due ${formatShort(data.scheduled_at, zone)}` : ''}.</p>
            ) : (
              <Attempts attempts={attempts} selected={selectedNumber} onSelect={setPicked} zone={zone} />
            )}
          </section>

          {selected && (
            <section className="detail-section" aria-label={`Attempt ${selected.attempt}`}>
              <h2 className="detail-section__title">Attempt #{selected.attempt}</h2>
              <RequestResponse attempt={selected} jobId={jobId} />
            </section>
          )}

          {(attempts.length > 1 || runs.length > 1) && (
            <ComparePanel job={data} history={history.data?.data ?? []} zone={zone} />
          )}
        </div>
      )}
    </section>
  );
}
