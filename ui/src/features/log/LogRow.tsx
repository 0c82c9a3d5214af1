import { memo, type Ref } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useClient } from '../../api/ClientContext';
import { isEvent, type EventOf } from '../../api/events';
import { queryKeys } from '../../api/queryKeys';
import type { EventType, LogEvent } from '../../api/types';
import { Badge, type BadgeTone } from '../../components/Badge';
import { BodyView } from '../../components/BodyView';
import { HeaderList } from '../../components/HeaderList';
import { IconChevron } from '../../components/icons';
import { JsonTree } from '../../components/JsonTree';
import { RedirectList } from '../../components/RedirectList';
import { formatAbsolute, formatClock, formatDurationMs, formatShort, needsSeconds } from '../../lib/time';
import { MethodLabel } from '../jobs/RequestCell';
import { AlertEvent } from '../checks/AlertEvent';
import { CheckResults } from '../checks/CheckResults';
import { checksSummary, failureWords } from '../checks/words';
import { missedText } from '../schedule/words';
import { requestFor, statusClassOf } from './filters';
import { formatNumber } from '../../lib/locale';

export const ROW_HEIGHT = 30;

/** Each kind's word in the log; a kind the engine adds fails the build until it has one. */
const TYPE_LABEL: Record<EventType, string> = {
  'job.created': 'created',
  'job.updated': 'updated',
  'job.cancelled': 'cancelled',
  'job.started': 'started',
  'job.request': 'request',
  'job.response': 'response',
  'job.error': 'error',
  'job.finished': 'finished',
  'job.missed': 'missed',
  'job.waiting': 'waiting',
  'job.changed': 'changed',
  'schedule.failing': 'failing',
  'schedule.recovered': 'recovered',
};

export function typeLabel(type: EventType): string {
  // a kind a newer Chime wrote to the same database (the app was downgraded) goes by its name
  return TYPE_LABEL[type] ?? type.replace(/^job\./, '');
}

function statusTone(event: LogEvent): BadgeTone {
  const cls = statusClassOf(event);
  if (cls === '2xx') return 'success';
  if (cls === '3xx') return 'accent';
  if (cls === null) return 'neutral';
  return 'danger';
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** A summary's props: an event of its kind, and the display zone. */
type SummaryProps<K extends EventType> = { event: EventOf<K>; zone?: string | undefined };

function ResponseSummary({ event }: SummaryProps<'job.response'>) {
  const p = event.payload;
  const checks = checksSummary(p.assertions);
  const failed = p.assertions?.find((a) => !a.passed);
  return (
    <span className="log-row__result">
      <Badge tone={statusTone(event)}>{p.status}</Badge>
      <span className="faint">{formatDurationMs(p.duration_ms)}</span>
      {p.body ? <span className="faint">{formatNumber(p.body.length)} B{p.truncated ? ' (cut)' : ''}</span> : null}
      {p.redirects?.length ? <span className="faint">after {formatNumber(p.redirects.length)} {p.redirects.length === 1 ? 'redirect' : 'redirects'}</span> : null}
      {/* which check failed and why, on the line itself: the reason a 200 failed */}
      {checks && failed ? (
        <>
          <Badge tone="danger">{checks.text}</Badge>
          <span className="log-row__text">{failureWords(failed)}</span>
        </>
      ) : checks ? (
        <span className="faint">{checks.text}</span>
      ) : null}
    </span>
  );
}

function ErrorSummary({ event, zone }: SummaryProps<'job.error'>) {
  const p = event.payload;
  return (
    <span className="log-row__result">
      <Badge tone="danger">error</Badge>
      <span className="log-row__text">{p.error}</span>
      {p.will_retry && p.retry_at && <span className="faint">retry {formatShort(p.retry_at, zone)}</span>}
    </span>
  );
}

/** An attempt Chime stopped during (it quit or crashed) is no failure of the target: it runs again. */
function FinishedSummary({ event }: SummaryProps<'job.finished'>) {
  const p = event.payload;
  if (p.interrupted) {
    return (
      <span className="log-row__result">
        <Badge tone="warning">interrupted</Badge>
        <span className="faint">Chime stopped during the attempt; it runs again</span>
      </span>
    );
  }
  return (
    <span className="log-row__result">
      <Badge tone={p.outcome === 'success' ? 'success' : 'danger'}>{p.outcome === 'assertion_failed' ? 'check failed' : p.outcome}</Badge>
      {p.status !== null && <span>{p.status}</span>}
      <span className="faint">{formatDurationMs(p.duration_ms)}</span>
      <span className="faint">{p.state}</span>
    </span>
  );
}

function StartedSummary({ event }: SummaryProps<'job.started'>) {
  const p = event.payload;
  return (
    <span className="log-row__text">
      attempt {p.attempt}
      {p.late_ms >= 1000 && <span className="faint"> · {formatDurationMs(p.late_ms)} late</span>}
      {p.catch_up && <span className="faint"> · {p.catch_up.message}</span>}
    </span>
  );
}

function CreatedSummary({ event, zone }: SummaryProps<'job.created'>) {
  const p = event.payload;
  return (
    <span className="log-row__request">
      <span className="faint">{p.source}</span>
      <MethodLabel method={p.method} />
      <span className="log-row__url">{p.name || p.url}</span>
      <span className="faint">due {formatShort(p.scheduled_at, zone)}</span>
    </span>
  );
}

function UpdatedSummary({ event }: SummaryProps<'job.updated'>) {
  const p = event.payload;
  return (
    <span className="log-row__text">
      changed {p.changed.join(', ') || 'nothing'}
      {p.reason && <span className="faint"> · {p.reason}</span>}
    </span>
  );
}

/** A schedule's run, or stretch of runs, that did not go out as planned: how many, why, and what became of them. */
function MissedSummary({ event, zone }: SummaryProps<'job.missed'>) {
  const p = event.payload;
  const seconds = needsSeconds([p.planned_at, p.until ?? p.planned_at]);
  const when =
    p.until && p.until !== p.planned_at
      ? `${formatShort(p.planned_at, zone, seconds)} – ${formatShort(p.until, zone, seconds)}`
      : `due ${formatShort(p.planned_at, zone)}`;
  return (
    <span className="log-row__text">
      {missedText(p.count, p.reason, p.action)}
      <span className="faint">{` · ${when}`}</span>
    </span>
  );
}

/** A catch-up attempt that waits for its target's host to be reachable before it is sent. */
function WaitingSummary({ event }: SummaryProps<'job.waiting'>) {
  const p = event.payload;
  return (
    <span className="log-row__text">
      {`waiting for ${p.reason === 'network' ? 'the network' : p.reason}`}
      <span className="faint">{` · ${p.host}, up to ${formatDurationMs(p.up_to_ms)}`}</span>
    </span>
  );
}

/** A kind this build does not know (written by a newer Chime, the app since downgraded): its payload as text. */
function UnknownSummary({ event }: { event: LogEvent }) {
  return <span className="log-row__text faint">{JSON.stringify(event.payload).slice(0, 200)}</span>;
}

/** The one-line summary of an event, by kind (the switch fails the build when a kind is missing). */
function Summary({ event, zone }: { event: LogEvent; zone?: string | undefined }) {
  switch (event.event) {
    case 'job.request':
      return (
        <span className="log-row__request">
          <MethodLabel method={event.payload.method} />
          <span className="log-row__url">{event.payload.url}</span>
        </span>
      );
    case 'job.response':
      return <ResponseSummary event={event} />;
    case 'job.error':
      return <ErrorSummary event={event} zone={zone} />;
    case 'job.finished':
      return <FinishedSummary event={event} />;
    case 'job.started':
      return <StartedSummary event={event} />;
    case 'job.created':
      return <CreatedSummary event={event} zone={zone} />;
    case 'job.updated':
      return <UpdatedSummary event={event} />;
    case 'job.cancelled':
      return <span className="log-row__text">{event.payload.reason}</span>;
    case 'job.missed':
      return <MissedSummary event={event} zone={zone} />;
    case 'job.waiting':
      return <WaitingSummary event={event} />;
    // an alert says itself in words, as its notification does
    case 'job.changed':
    case 'schedule.failing':
    case 'schedule.recovered':
      return <span className="log-row__text">{event.payload.message}</span>;
    default:
      return <UnknownSummary event={event satisfies never} />;
  }
}

/**
 * A response row's request as it went on the wire (every header sent, those Chime adds
 * included): the attempt's `job.request` event from the loaded rows, else the job's stored
 * attempt. Never the job's own header list, which lacks what Chime adds.
 */
function useRequestOf(event: LogEvent, rows: readonly LogEvent[]) {
  const client = useClient();
  const paired = isEvent(event, 'job.response') || isEvent(event, 'job.error') ? requestFor(rows, event) : null;
  const jobId = event.job_id;
  const needsFetch = !paired && jobId !== null && (event.event === 'job.response' || event.event === 'job.error');
  const job = useQuery({
    queryKey: queryKeys.job(jobId ?? ''),
    queryFn: () => client.getJob(jobId ?? ''),
    enabled: needsFetch,
    staleTime: 60_000,
  });
  if (paired) return paired.payload;
  return job.data?.attempts?.find((a) => a.attempt === event.attempt)?.request ?? null;
}

function ResponseDetails({ event, rows }: { event: LogEvent; rows: readonly LogEvent[] }) {
  const request = useRequestOf(event, rows);
  if (!isEvent(event, 'job.response')) return null;
  const p = event.payload;
  return (
    <div className="log-details__grid">
      <div className="log-details__line">
        {request ? (
          <span className="log-row__request">
            <MethodLabel method={request.method} />
            <span className="log-details__url">{request.url}</span>
          </span>
        ) : (
          <span className="faint">Request not loaded</span>
        )}
        <span className="log-row__result">
          <Badge tone={statusTone(event)}>{p.status}</Badge>
          <span className="faint">{formatDurationMs(p.duration_ms)}</span>
        </span>
      </div>
      <RedirectList redirects={p.redirects} />
      {request && <HeaderList headers={request.headers} label="Request headers" definedBy={event.job_id} />}
      <CheckResults results={p.assertions} />
      <HeaderList headers={p.headers} label="Response headers" />
      <section aria-label="Response body" className="log-details__body">
        <h4 className="log-details__title">Body</h4>
        <BodyView body={p.body} truncated={p.truncated} label="Response body" />
      </section>
    </div>
  );
}

function Details({ event, rows }: { event: LogEvent; rows: readonly LogEvent[] }) {
  if (isEvent(event, 'job.request')) {
    const p = event.payload;
    return (
      <div className="log-details__grid">
        <div className="log-details__line">
          <span className="log-row__request">
            <MethodLabel method={p.method} />
            <span className="log-details__url">{p.url}</span>
          </span>
        </div>
        <HeaderList headers={p.headers} label="Request headers" definedBy={event.job_id} />
        <section aria-label="Request body" className="log-details__body">
          <h4 className="log-details__title">Body</h4>
          <BodyView body={p.body} truncated={p.truncated} label="Request body" />
        </section>
      </div>
    );
  }
  if (event.event === 'job.response') return <ResponseDetails event={event} rows={rows} />;
  if (event.event === 'job.changed' || event.event === 'schedule.failing' || event.event === 'schedule.recovered') {
    return <AlertEvent event={event} />;
  }
  return <JsonTree value={event.payload} label={`${typeLabel(event.event)} payload`} expandDepth={3} />;
}

export interface LogRowProps {
  event: LogEvent;
  index: number;
  start: number;
  expanded: boolean;
  zone?: string;
  rows: readonly LogEvent[];
  /** `wasOpen`: the row was expanded when toggled (so the list can give it its fixed height back). */
  onToggle: (id: number, index: number, wasOpen: boolean) => void;
  onFilterJob: (jobId: string) => void;
  measureRef?: Ref<HTMLDivElement>;
}

/** One line of the log; expanded, the full request or response under it. */
export const LogRow = memo(function LogRow({ event, index, start, expanded, zone, rows, onToggle, onFilterJob, measureRef }: LogRowProps) {
  const type = typeLabel(event.event);
  return (
    <div
      ref={measureRef}
      data-index={index}
      className={['log-row', `log-row--${type}`, expanded ? 'is-expanded' : ''].join(' ')}
      style={{ transform: `translateY(${start}px)` }}
      data-testid={`log-row-${event.id}`}
    >
      <div className="log-row__line">
        <button
          type="button"
          className="log-row__toggle"
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Collapse' : 'Expand'} ${type} ${event.id}`}
          onClick={() => onToggle(event.id, index, expanded)}
        >
          <IconChevron size={12} className="log-row__caret" />
        </button>
        <time className="log-row__time" dateTime={event.inserted_at} title={formatAbsolute(event.inserted_at, zone)}>
          {formatClock(event.inserted_at, zone)}
        </time>
        <span className={`log-type log-type--${type}`}>{type}</span>
        {event.job_id ? (
          <button type="button" className="log-row__job" title={`Only job ${event.job_id}`} onClick={() => onFilterJob(event.job_id!)}>
            {shortId(event.job_id)}
            {event.attempt !== null && <span className="faint">#{event.attempt}</span>}
          </button>
        ) : event.schedule_id ? (
          // runs that never became jobs: their schedule is what there is to open
          <Link to="/schedules/$scheduleId" params={{ scheduleId: event.schedule_id }} search={{}} className="log-row__job" title="Open the schedule">
            schedule
          </Link>
        ) : (
          <span className="log-row__job" />
        )}
        <span className="log-row__summary">
          <Summary event={event} zone={zone} />
        </span>
      </div>
      {expanded && (
        <div className="log-details">
          <Details event={event} rows={rows} />
          {(event.job_id || event.schedule_id) && (
            <div className="log-details__actions">
              {event.job_id && (
                <Link to="/jobs/detail/$jobId" params={{ jobId: event.job_id }} className="btn btn--secondary btn--sm">
                  Open run
                </Link>
              )}
              {event.schedule_id && (
                <Link to="/schedules/$scheduleId" params={{ scheduleId: event.schedule_id }} search={{}} className="btn btn--secondary btn--sm">
                  Open schedule
                </Link>
              )}
              <span className="faint">event {event.id}</span>
            </div>
          )}
        </div>
      )}
    </div>
  );
});
