import { describe, expect, it } from 'vitest';
import { makeMissed, makeRun } from '../../test/fixtures';
import { bucketKind, bucketsOf, runKind, runWords, spanOf, tally } from './ledger';

describe('the ledger, read', () => {
  it('tells a run that never went out from one cancelled by hand, and from one still to come', () => {
    // the engine marks merged and skipped runs cancelled too: what was done says they were missed
    expect(runKind(makeMissed(3, 4, 'asleep', 'merged'))).toBe('missed');
    expect(runKind(makeRun(3, { outcome: 'cancelled', started_at: null }))).toBe('cancelled');
    expect(runWords(makeRun(3, { outcome: 'cancelled', started_at: null }))).toBe('Cancelled before it went out');
    expect(runKind(makeRun(-1, { outcome: null, started_at: null, drift_ms: null }))).toBe('planned');
    expect(runKind(makeRun(0, { outcome: null }))).toBe('running');
    expect(runKind(makeRun(3, { outcome: 'error' }))).toBe('failed');
    expect(runKind(makeRun(3, { outcome: 'assertion_failed' }))).toBe('failed');
    expect(runWords(makeRun(3, { outcome: 'assertion_failed' }))).toBe('A check failed');
    expect(runWords(makeRun(3, { outcome: 'error', reason: 'closed', action: 'ran' }))).toBe('Ran late: due while Chime was closed; no answer');
  });

  it('counts each run of a stretch as missed', () => {
    expect(tally([makeMissed(10, 47, 'asleep', 'merged'), makeRun(2), makeRun(1, { outcome: 'failure' })])).toEqual({
      succeeded: 1,
      failed: 1,
      missed: 47,
      late: 0,
    });
  });

  it('shows a failure first in a slice that also had successes, and leaves missed runs to the bands', () => {
    const from = Date.parse('2026-11-30T00:00:00Z');
    const to = from + 4 * 3_600_000;
    const at = (h: number) => new Date(from + h * 3_600_000).toISOString();
    const runs = [
      makeRun(0, { planned_at: at(0.1) }),
      makeRun(0, { planned_at: at(0.5), outcome: 'failure' }),
      makeRun(0, { planned_at: at(1.5) }),
      { ...makeMissed(0, 3, 'asleep', 'skipped'), planned_at: at(2), until: at(3) },
    ];
    expect(bucketsOf(runs, from, to, 4).map(bucketKind)).toEqual(['failed', 'success', null, null]);
  });

  it('lays a stretch that began before the range from its left edge', () => {
    const from = Date.parse('2026-11-30T00:00:00Z');
    const to = from + 10 * 3_600_000;
    const stretch = { ...makeMissed(0, 8, 'closed', 'skipped'), planned_at: '2026-11-29T22:00:00Z', until: '2026-11-30T05:00:00Z' };
    expect(spanOf(stretch, from, to)).toEqual({ left: 0, width: 0.5 });
  });
});
