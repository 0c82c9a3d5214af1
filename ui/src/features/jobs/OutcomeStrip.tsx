import type { Job } from '../../api/types';
import { formatAbsolute, formatDurationMs } from '../../lib/time';
import { outcomeKind, STATE_LABELS } from './outcome';

export const STRIP_LENGTH = 20;

function describe(job: Job): string {
  const o = job.last_outcome;
  const when = formatAbsolute(o?.finished_at ?? job.scheduled_at);
  if (!o) return `${STATE_LABELS[job.state]} · ${when}`;
  const what = o.status === null ? (o.error ?? 'Error') : `HTTP ${o.status}`;
  return `${what} · ${formatDurationMs(o.duration_ms)} · ${when}`;
}

/** The last runs as small squares, oldest on the left; empty slots keep the width fixed. */
export function OutcomeStrip({ jobs, label }: { jobs: readonly Job[]; label: string }) {
  const newestFirst = jobs.slice(0, STRIP_LENGTH);
  const cells = [...newestFirst].reverse();
  const padding = STRIP_LENGTH - cells.length;
  return (
    <span className="strip" role="img" aria-label={label}>
      {Array.from({ length: padding }, (_, i) => (
        <span key={`pad-${i}`} className="strip__cell strip__cell--empty" />
      ))}
      {cells.map((job) => (
        <span
          key={job.id}
          className={`strip__cell strip__cell--${outcomeKind(job.last_outcome, job.state)}`}
          title={describe(job)}
          data-outcome={outcomeKind(job.last_outcome, job.state)}
        />
      ))}
    </span>
  );
}
