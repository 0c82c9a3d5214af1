import { useEffect, useState } from 'react';
import { relativeChangeIn } from './time';

/** `value`, once it has held still for `delayMs`. A value that has not moved sets no timer. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    if (Object.is(value, debounced)) return;
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, debounced, delayMs]);
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

/** One observer for every element asking: a row each would make hundreds. */
let sharedObserver: IntersectionObserver | null = null;
const onSeen = new WeakMap<Element, () => void>();

function observeUntilSeen(element: Element, seen: () => void): () => void {
  sharedObserver ??= new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      onSeen.get(entry.target)?.();
      sharedObserver?.unobserve(entry.target);
      onSeen.delete(entry.target);
    }
  });
  onSeen.set(element, seen);
  sharedObserver.observe(element);
  return () => {
    sharedObserver?.unobserve(element);
    onSeen.delete(element);
  };
}

/**
 * Whether an element has been on screen: false until it first shows, then true for good.
 * A long list's rows load what only they show (a schedule's last runs) as they scroll in,
 * not all at once. Where there is no IntersectionObserver, everything counts as seen.
 */
export function useSeen<T extends Element>(): [boolean, (element: T | null) => void] {
  const [seen, setSeen] = useState(() => typeof IntersectionObserver === 'undefined');
  const [element, setElement] = useState<T | null>(null);
  useEffect(() => {
    if (seen || !element) return;
    return observeUntilSeen(element, () => setSeen(true));
  }, [seen, element]);
  return [seen, setElement];
}
