import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import type { Attempt, Job } from '../../api/types';
import { Badge } from '../../components/Badge';
import { Spinner } from '../../components/Spinner';
import { jsonText } from '../../lib/json';
import { formatDurationMs } from '../../lib/time';
import { CheckResults } from '../checks/CheckResults';
import { isFinished, outcomeKind, STATE_LABELS, toneOf } from '../jobs/outcome';

export const TRY_POLL_MS = 600;

function prettyBody(body: string | null): string {
  if (!body) return '';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function lastAttempt(job: Job | undefined): Attempt | undefined {
  const attempts = job?.attempts ?? [];
  return attempts[attempts.length - 1];
}

/** The try-out job made by "Send now", polled until it finishes, then its response. */
export function TryResponse({ jobId }: { jobId: string }) {
  const client = useClient();
  const query = useQuery({
    queryKey: queryKeys.job(jobId),
    queryFn: () => client.getJob(jobId),
    refetchInterval: (q) => (q.state.data && isFinished(q.state.data.state) ? false : TRY_POLL_MS),
  });
  const job = query.data;
  const attempt = lastAttempt(job);
  const finished = job ? isFinished(job.state) : false;

  return (
    <section className="try" aria-label="Response" aria-live="polite">
      <header className="try__header">
        <h3 className="builder-section__title">Response</h3>
        {!finished && (
          <span className="try__waiting">
            <Spinner size={12} /> {job ? STATE_LABELS[job.state] : 'Sending'}…
          </span>
        )}
        {finished && job && (
          <span className="try__status">
            <Badge tone={toneOf(outcomeKind(job.last_outcome, job.state))}>
              {attempt?.response ? `${attempt.response.status}` : job.last_outcome?.status ?? STATE_LABELS[job.state]}
            </Badge>
            <span className="faint">{formatDurationMs(attempt?.duration_ms ?? job.last_outcome?.duration_ms)}</span>
          </span>
        )}
      </header>
      {query.error && (
        <p className="banner banner--danger" role="alert">
          {errorMessage(query.error)}
        </p>
      )}
      {finished && attempt?.error && (
        <p className="banner banner--danger" role="alert">
          {attempt.error}
        </p>
      )}
      {finished && !attempt?.error && job?.last_outcome?.error && (
        <p className="banner banner--danger" role="alert">
          {job.last_outcome.error}
        </p>
      )}
      {attempt?.response && (
        <>
          <CheckResults results={attempt.response.assertions} />
          <details className="try__headers">
            <summary>Headers ({Object.keys(attempt.response.headers).length})</summary>
            <dl>
              {Object.entries(attempt.response.headers).map(([k, v]) => (
                <div key={k} className="try__header-row">
                  <dt>{k}</dt>
                  <dd>{jsonText(v)}</dd>
                </div>
              ))}
            </dl>
          </details>
          <pre className="try__body" aria-label="Response body">
            {prettyBody(attempt.response.body) || <span className="faint">(empty body)</span>}
          </pre>
          {attempt.response.truncated && <p className="field__hint">The body was cut at the size limit.</p>}
        </>
      )}
    </section>
  );
}
