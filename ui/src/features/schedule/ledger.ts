/**
 * A schedule's ledger as the page shows it: what became of each row, counts, and the
 * timeline's buckets. Plain functions over the engine's rows; nothing here computes when
 * a schedule runs (the rows say when each run was planned).
 */
import type { LedgerRun, RunOutcome } from '../../api/types';
import type { BadgeTone } from '../../components/Badge';
import { lateText, missedText } from './words';

/** What became of a row: a stretch or run that never went out is `missed`. */
export type RunKind = 'planned' | 'running' | 'success' | 'failed' | 'missed' | 'cancelled';

export const KIND_LABEL: Record<RunKind, string> = {
  planned: 'Planned',
  running: 'Running',
  success: 'Succeeded',
  failed: 'Failed',
  missed: 'Missed',
  cancelled: 'Cancelled',
};

export const KIND_TONE: Record<RunKind, BadgeTone> = {
  planned: 'neutral',
  running: 'accent',
  success: 'success',
  failed: 'danger',
  missed: 'warning',
  cancelled: 'neutral',
};

/** Merged, skipped or moved: it did not go out at its time (the engine marks those cancelled too). */
export function isMissed(run: LedgerRun): boolean {
  return run.action !== null && run.action !== 'ran';
}

/** Each way a run can end; an outcome the engine adds fails the build until it has a place. */
const OUTCOME_KIND: Record<RunOutcome, RunKind> = {
  success: 'success',
  failure: 'failed',
  assertion_failed: 'failed',
  error: 'failed',
  cancelled: 'cancelled',
};

/** Why a failed run failed, when the status alone does not say. */
const OUTCOME_WORDS: Partial<Record<RunOutcome, string>> = {
  assertion_failed: 'a check failed',
  error: 'no answer',
};

export function runKind(run: LedgerRun): RunKind {
  if (isMissed(run)) return 'missed';
  if (run.outcome === null) return run.started_at ? 'running' : 'planned';
  return OUTCOME_KIND[run.outcome] ?? 'failed';
}

/** The row in words: how many were missed and why, why a run went out late, why it failed. */
export function runWords(run: LedgerRun): string {
  if (isMissed(run) && run.reason && run.action) return missedText(run.count, run.reason, run.action);
  if (run.outcome === 'cancelled') return 'Cancelled before it went out';
  const late = run.reason && run.action === 'ran' ? lateText(run.reason) : '';
  const why = run.outcome ? (OUTCOME_WORDS[run.outcome] ?? '') : '';
  if (late && why) return `${late}; ${why}`;
  return late || (why && why[0]!.toUpperCase() + why.slice(1));
}

export interface Tally {
  succeeded: number;
  failed: number;
  /** Planned runs that never went out (a stretch counts each). */
  missed: number;
  /** Runs that went out late because of a sleep, a closed Chime, a pause… */
  late: number;
}

export function tally(runs: readonly LedgerRun[]): Tally {
  const t: Tally = { succeeded: 0, failed: 0, missed: 0, late: 0 };
  for (const run of runs) {
    const kind = runKind(run);
    if (kind === 'success') t.succeeded += 1;
    else if (kind === 'failed') t.failed += 1;
    else if (kind === 'missed') t.missed += run.count;
    if (run.action === 'ran') t.late += 1;
  }
  return t;
}

/** One slice of the timeline: the runs planned in it, by what became of them (missed ones are bands). */
export interface Bucket {
  start: number;
  end: number;
  counts: Partial<Record<Exclude<RunKind, 'missed'>, number>>;
}

/** What a slice shows when it holds several kinds: a failure is what a person looks for. */
const SHOWN_FIRST: ReadonlyArray<Exclude<RunKind, 'missed'>> = ['failed', 'running', 'success', 'cancelled', 'planned'];

export function bucketKind(bucket: Bucket): Exclude<RunKind, 'missed'> | null {
  return SHOWN_FIRST.find((k) => (bucket.counts[k] ?? 0) > 0) ?? null;
}

/** `n` equal slices of [from, to) with the runs that went (or were to go) out in each. */
export function bucketsOf(runs: readonly LedgerRun[], from: number, to: number, n: number): Bucket[] {
  const size = (to - from) / n;
  const buckets: Bucket[] = Array.from({ length: n }, (_, i) => ({ start: from + i * size, end: from + (i + 1) * size, counts: {} }));
  for (const run of runs) {
    const kind = runKind(run);
    if (kind === 'missed') continue;
    const i = Math.floor((Date.parse(run.planned_at) - from) / size);
    const bucket = buckets[i];
    if (bucket) bucket.counts[kind] = (bucket.counts[kind] ?? 0) + 1;
  }
  return buckets;
}

/** Where a missed row lies on the timeline, as fractions of [from, to] (a stretch may start before it). */
export function spanOf(run: LedgerRun, from: number, to: number): { left: number; width: number } {
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const left = clamp((Date.parse(run.planned_at) - from) / (to - from));
  const right = clamp((Date.parse(run.until ?? run.planned_at) - from) / (to - from));
  return { left, width: right - left };
}
