import type { Job, JobState, OutcomeSummary } from '../../api/types';
import type { BadgeTone } from '../../components/Badge';

export type OutcomeKind = 'success' | 'failure' | 'other' | 'running' | 'pending' | 'cancelled';

export const PENDING_STATES: readonly JobState[] = ['scheduled', 'available', 'retryable'];
export const FINISHED_STATES: readonly JobState[] = ['completed', 'discarded', 'cancelled'];

export function isPending(state: JobState): boolean {
  return PENDING_STATES.includes(state);
}

export function isFinished(state: JobState): boolean {
  return FINISHED_STATES.includes(state);
}

/** 2xx is success; 4xx, 5xx and errors (no status) are failures. */
export function outcomeKind(outcome: OutcomeSummary | null, state: JobState): OutcomeKind {
  if (outcome) {
    if (outcome.status === null || outcome.error) return 'failure';
    if (outcome.status >= 200 && outcome.status < 300) return 'success';
    if (outcome.status >= 400) return 'failure';
    return 'other';
  }
  if (state === 'executing') return 'running';
  if (state === 'cancelled') return 'cancelled';
  if (state === 'discarded') return 'failure';
  return 'pending';
}

export function toneOf(kind: OutcomeKind): BadgeTone {
  switch (kind) {
    case 'success':
      return 'success';
    case 'failure':
      return 'danger';
    case 'running':
      return 'accent';
    default:
      return 'neutral';
  }
}

export const STATE_LABELS: Record<JobState, string> = {
  scheduled: 'Scheduled',
  available: 'Due',
  executing: 'Running',
  retryable: 'Retrying',
  completed: 'Completed',
  discarded: 'Failed',
  cancelled: 'Cancelled',
};

/** The newest finished outcome among a schedule's jobs (newest first). */
export function latestOutcome(jobs: readonly Job[]): Job | null {
  return jobs.find((j) => j.last_outcome !== null) ?? null;
}
