import { useEffect } from 'react';
import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys';
import type { LogEvent } from '../api/types';
import type { Transport } from '../api/transport';

/** How often, at most, live events turn into refetches. */
export const INVALIDATE_INTERVAL_MS = 250;

/** The queries an event makes stale. */
export function keysForEvent(event: LogEvent): QueryKey[] {
  const keys: QueryKey[] = [queryKeys.jobLists];
  if (event.job_id !== null) keys.push(queryKeys.job(String(event.job_id)));
  if (event.schedule_id) {
    keys.push(queryKeys.scheduleHistory(event.schedule_id), queryKeys.scheduleLists, queryKeys.schedule(event.schedule_id));
  }
  return keys;
}

/**
 * Batch invalidations: the first event of a quiet period starts a timer, events in the
 * window add their keys, and one flush refetches each affected query once.
 */
export function createInvalidationBatcher(queryClient: QueryClient, intervalMs = INVALIDATE_INTERVAL_MS) {
  const pending = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const keys = Array.from(pending.values());
    pending.clear();
    for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
  };
  return {
    add(event: LogEvent) {
      for (const key of keysForEvent(event)) pending.set(JSON.stringify(key), key);
      if (!timer) timer = setTimeout(flush, intervalMs);
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending.clear();
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
