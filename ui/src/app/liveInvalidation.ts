import { useEffect } from 'react';
import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys';
import type { EventType, LogEvent } from '../api/types';
import type { Transport } from '../api/transport';

/** How often, at most, live events turn into refetches. */
export const INVALIDATE_INTERVAL_MS = 250;

/** Events that move something on the calendar: a run appears, finishes, goes or moves. */
const CALENDAR_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['job.created', 'job.finished', 'job.cancelled', 'job.updated']);

/**
 * Events that change a schedule's ledger: a run is planned, starts, ends, goes, moves, or
 * is missed. (Requests, responses, errors and waits change no row of it.)
 */
const LEDGER_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'job.created',
  'job.updated',
  'job.cancelled',
  'job.started',
  'job.finished',
  'job.missed',
]);

/**
 * The queries an event makes stale. A schedule's run is in no list of jobs (the jobs
 * view lists one-off jobs; a run shows in its schedule's row): its events leave those
 * alone, which with pages loaded would all be read again at every run.
 */
export function keysForEvent(event: LogEvent): QueryKey[] {
  const keys: QueryKey[] = event.schedule_id ? [] : [queryKeys.jobLists];
  if (event.job_id !== null) keys.push(queryKeys.job(String(event.job_id)));
  if (event.schedule_id) {
    keys.push(queryKeys.scheduleHistory(event.schedule_id), queryKeys.scheduleLists, queryKeys.schedule(event.schedule_id));
    if (LEDGER_EVENTS.has(event.event)) keys.push(queryKeys.scheduleRuns(event.schedule_id));
  }
  if (CALENDAR_EVENTS.has(event.event)) keys.push(queryKeys.calendar);
  return keys;
}

/**
 * The calendar is a large answer the engine computes for a whole range: it refreshes at
 * most every 2 s, and never cancels its own fetch (under a burst that would starve it).
 */
export const SLOW_INVALIDATE_INTERVAL_MS = 2_000;
const SLOW_ROOTS = new Set<string>([queryKeys.calendar[0]]);
const isSlow = (key: QueryKey) => SLOW_ROOTS.has(String(key[0]));

/**
 * Batch invalidations: the first event of a quiet period starts a timer, events in the
 * window add their keys, and one flush refetches each affected query once. Slow keys (the
 * calendar) have their own, longer window, and wait for a fetch in flight to finish, so
 * the last change is always fetched once more after it.
 */
export function createInvalidationBatcher(
  queryClient: QueryClient,
  intervalMs = INVALIDATE_INTERVAL_MS,
  slowIntervalMs = SLOW_INVALIDATE_INTERVAL_MS,
) {
  const pending = new Map<string, QueryKey>();
  let slowPending = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let slowTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const keys = Array.from(pending.values());
    pending.clear();
    for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
  };
  const flushSlow = () => {
    slowTimer = null;
    const waiting = new Map<string, QueryKey>();
    for (const [id, queryKey] of slowPending) {
      if (queryClient.isFetching({ queryKey }) > 0) waiting.set(id, queryKey);
      else void queryClient.invalidateQueries({ queryKey }, { cancelRefetch: false });
    }
    slowPending = waiting;
    if (waiting.size > 0) slowTimer = setTimeout(flushSlow, slowIntervalMs);
  };
  return {
    add(event: LogEvent) {
      for (const key of keysForEvent(event)) {
        if (isSlow(key)) slowPending.set(JSON.stringify(key), key);
        else pending.set(JSON.stringify(key), key);
      }
      if (!timer && pending.size > 0) timer = setTimeout(flush, intervalMs);
      if (!slowTimer && slowPending.size > 0) slowTimer = setTimeout(flushSlow, slowIntervalMs);
    },
    dispose() {
      if (timer) clearTimeout(timer);
      if (slowTimer) clearTimeout(slowTimer);
      timer = null;
      slowTimer = null;
      pending.clear();
      slowPending.clear();
    },
  };
}

export function useLiveInvalidation(transport: Transport): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const batcher = createInvalidationBatcher(queryClient);
    const unsubscribe = transport.subscribe((event) => batcher.add(event));
    return () => {
      unsubscribe();
      batcher.dispose();
    };
  }, [transport, queryClient]);
}
