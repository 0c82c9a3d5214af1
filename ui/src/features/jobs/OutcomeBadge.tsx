import type { JobState, OutcomeSummary } from '../../api/types';
import { Badge } from '../../components/Badge';
import { formatAbsolute, formatDurationMs } from '../../lib/time';
import { outcomeKind, STATE_LABELS, toneOf } from './outcome';

/** The last outcome of a job: its HTTP status (or "Error") and how long it took. */
export function OutcomeBadge({ outcome, state }: { outcome: OutcomeSummary | null; state: JobState }) {
  const kind = outcomeKind(outcome, state);
  if (!outcome) {
    if (kind === 'pending') return <span className="faint">—</span>;
    return <Badge tone={toneOf(kind)}>{STATE_LABELS[state]}</Badge>;
  }
  const label = outcome.status === null ? 'Error' : String(outcome.status);
  const title = [
    outcome.error ?? (outcome.status !== null ? `HTTP ${outcome.status}` : null),
    `attempt ${outcome.attempt}`,
    formatAbsolute(outcome.finished_at),
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <span className="outcome" title={title}>
      <Badge tone={toneOf(kind)}>{label}</Badge>
      <span className="outcome__duration">{formatDurationMs(outcome.duration_ms)}</span>
    </span>
  );
}
