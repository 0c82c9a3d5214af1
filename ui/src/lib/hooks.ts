import { useEffect, useState } from 'react';
import { relativeChangeIn } from './time';

export function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/** setTimeout's longest delay (about 24 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The current time for relative times of `instants` ("in 5 sec.") that stay true. The
 * component renders again when one of their labels would change, and only then: a near
 * run counts down by the second, and a window whose runs are hours away sleeps.
 */
export function useRelativeNow(instants: ReadonlyArray<string | null | undefined>): number {
  const [tick, setTick] = useState(0);
  const key = instants.filter(Boolean).join(' '); // a stable dependency for a new array each render
  useEffect(() => {
    const now = Date.now();
    const wait = Math.min(...key.split(' ').filter(Boolean).map((iso) => relativeChangeIn(iso, now)));
    if (!Number.isFinite(wait)) return;
    const timer = setTimeout(() => setTick((t) => t + 1), Math.min(wait, MAX_TIMER_MS));
    return () => clearTimeout(timer);
  }, [key, tick]);
  // read at each render, not kept: a render for new data must not show the time of the last tick
  // eslint-disable-next-line react-hooks/purity -- the clock at render is the point (see above); no React Compiler memoises this
  return Date.now();
}
