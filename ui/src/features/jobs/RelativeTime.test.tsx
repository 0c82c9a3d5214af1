import { act, render, screen } from '@testing-library/react';
import { Profiler } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useRelativeNow } from '../../lib/hooks';
import { relativeChangeIn } from '../../lib/time';
import { RelativeTime } from './RelativeTime';

const T0 = Date.parse('2026-11-30T08:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/** A "Next run" cell with the clock the jobs table gives it. */
function NextRun({ iso }: { iso: string }) {
  const now = useRelativeNow([iso]);
  return <RelativeTime iso={iso} now={now} />;
}

describe('"Next run" countdown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  const shown = () => screen.getByRole('time').textContent;
  const wait = (ms: number) => act(() => {
    vi.advanceTimersByTime(ms);
  });

  it('counts a near run down by the second', () => {
    render(<NextRun iso={at(17)} />);
    expect(shown()).toBe('in 17 sec.');
    wait(1000);
    expect(shown()).toBe('in 16 sec.');
    wait(11_000);
    expect(shown()).toBe('in 5 sec.'); // not "in 17 sec.", as a 15-second clock showed
    wait(1000);
    expect(shown()).toBe('now');
  });

  it('follows a run minutes away by the minute, then by the second', () => {
    render(<NextRun iso={at(150)} />);
    expect(shown()).toBe('in 3 min.');
    wait(1000);
    expect(shown()).toBe('in 2 min.'); // 149 s rounds to 2 minutes
    wait(89_000);
    expect(shown()).toBe('in 1 min.'); // 60 s
    wait(1000);
    expect(shown()).toBe('in 59 sec.');
  });

  it('does not wake a window whose next run is hours away until its label changes', () => {
    let renders = 0;
    render(
      <Profiler id="cell" onRender={() => (renders += 1)}>
        <NextRun iso={at(3 * 3600)} />
      </Profiler>,
    );
    expect(shown()).toBe('in 3 hr.');
    const before = renders;
    expect(vi.getTimerCount()).toBe(1); // one timer, for the next change of the label
    wait(30 * 60_000 - 1000); // "in 3 hr." while 2.5 hours or more are left
    expect(renders).toBe(before);
    wait(2000);
    expect(shown()).toBe('in 2 hr.');
    expect(renders).toBe(before + 1);
  });
});

describe('relativeChangeIn', () => {
  it('is the time until the shown text changes', () => {
    expect(relativeChangeIn(at(17.2), T0)).toBe(701); // 17 → 16 sec. when 16.5 s are left (+1 ms)
    expect(relativeChangeIn(at(3 * 3600), T0)).toBe(30 * 60_000 + 501);
    expect(relativeChangeIn(at(-10), T0)).toBe(501); // "10 sec. ago" → "11 sec. ago"
    expect(relativeChangeIn('not a time', T0)).toBe(Infinity);
  });
});
