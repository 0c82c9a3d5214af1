import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useClient, useTransport } from '../../api/ClientContext';
import type { ListLogsParams } from '../../api/client';
import type { LogEvent } from '../../api/types';
import { createBatcher } from './batcher';
import { serverParams, type LogFilter } from './filters';
import { LogStore, PAGE_SIZE, type LogState } from './logStore';

/** The pages of history the log loads: the newest, older ones above, newer ones below. */
export type PageKind = 'initial' | 'older' | 'newer';

interface PageSpec {
  /** What to ask beyond the filter; null when there is nothing to ask from. */
  params(rows: LogState['rows']): Partial<ListLogsParams> | null;
  /** Where the page's events go. */
  apply(store: LogStore, events: readonly LogEvent[]): void;
}

const PAGES: Record<PageKind, PageSpec> = {
  initial: { params: () => ({}), apply: (store, events) => store.loadInitial(events, PAGE_SIZE) },
  // on scrolling to the top: before the first row, newest first
  older: {
    params: (rows) => (rows[0] ? { before: rows[0].id } : null),
    apply: (store, events) => store.prependOlder(events, PAGE_SIZE),
  },
  // on scrolling to the bottom after the memory cap dropped the newest: oldest first
  newer: {
    params: (rows) => {
      const last = rows[rows.length - 1];
      return last ? { after: last.id, order: 'asc' } : null;
    },
    apply: (store, events) => store.appendNewer(events, PAGE_SIZE),
  },
};

/** Live events into the store, handed over in batches (batcher.ts): one render per batch. */
function useLiveEvents(store: LogStore): void {
  const transport = useTransport();
  useEffect(() => {
    const batcher = createBatcher<LogEvent>((events) => store.receive(events));
    const unsubscribe = transport.subscribe((event) => batcher.push(event));
    return () => {
      unsubscribe();
      batcher.dispose();
    };
  }, [transport, store]);
}

/**
 * One loader for every page. A new first page (the filter changed, or "Try again") makes
 * every page still on its way stale: its answer, error and end of loading are dropped.
 */
function usePages(store: LogStore) {
  const client = useClient();
  const [loading, setLoading] = useState<PageKind | null>('initial');
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (kind: PageKind) => {
      const params = PAGES[kind].params(store.getState().rows);
      if (!params) return;
      const gen = kind === 'initial' ? ++generation.current : generation.current;
      setLoading(kind);
      if (kind === 'initial') setError(null);
      try {
        const page = await client.listLogs({ ...serverParams(store.getFilter()), ...params, limit: PAGE_SIZE });
        if (gen === generation.current) PAGES[kind].apply(store, page.data);
      } catch (e) {
        if (gen === generation.current) setError(e);
      } finally {
        if (gen === generation.current) setLoading(null);
      }
    },
    [client, store],
  );
  return { loading, error, load };
}

/** Follow and pause. A pause that scrolling up made ends by scrolling back to the end; a chosen one does not. */
function useFollow(store: LogStore, reload: () => void) {
  const byScroll = useRef(false);
  const pause = useCallback(
    (auto: boolean) => {
      byScroll.current = auto;
      store.pause();
    },
    [store],
  );
  const resume = useCallback(() => {
    byScroll.current = false;
    if (store.resume() === 'reload') reload();
  }, [store, reload]);
  const pausedByScroll = useCallback(() => byScroll.current, []);
  return { pause, resume, pausedByScroll };
}

export type Follow = ReturnType<typeof useFollow>;

/** The live log's events: the store, live batches, history pages, and follow or pause. */
export function useLogData(filter: LogFilter) {
  const [store] = useState(() => new LogStore(filter));
  const state = useSyncExternalStore(store.subscribe, store.getState);
  useLiveEvents(store);
  const { loading, error, load } = usePages(store);
  const reload = useCallback(() => void load('initial'), [load]);
  const follow = useFollow(store, reload);

  // a filter whose server half changed drops the rows: the first page again
  useEffect(() => {
    const result = store.setFilter(filter);
    if (result === 'reload' || !store.getState().loaded) reload();
  }, [filter, store, reload]);

  return { store, state, loading, error, load, reload, follow };
}
