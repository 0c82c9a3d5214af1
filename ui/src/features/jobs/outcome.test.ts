import { describe, expect, it } from 'vitest';
import { makeOutcome } from '../../test/fixtures';
import { outcomeKind, toneOf } from './outcome';

describe('outcomeKind', () => {
  it('reads a 200 that failed a check (the engine records the check’s words as its error) as a failure', () => {
    const checked = makeOutcome(200, { error: 'check failed: data.ok is false, expected true' });
    expect(outcomeKind(checked, 'discarded')).toBe('failure');
    expect(outcomeKind(checked, 'retryable')).toBe('failure');
    expect(toneOf(outcomeKind(checked, 'discarded'))).toBe('danger');
    expect(outcomeKind(makeOutcome(200), 'completed')).toBe('success');
  });
});
