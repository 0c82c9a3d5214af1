import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useClient, useTransport } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { EVENT_TYPES } from '../../api/events';
import { queryKeys } from '../../api/queryKeys';
import type { EventType, LogEvent } from '../../api/types';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { IconClose, IconPause, IconPlay, IconPulse, IconSearch } from '../../components/icons';
import { Input } from '../../components/Input';
import { Select } from '../../components/Select';
import { Skeleton } from '../../components/Skeleton';
import { Spinner } from '../../components/Spinner';
import { useDebounced } from '../../lib/hooks';
import { hostAndPath } from '../../lib/url';
import { useDisplayZone } from '../settings/useSettings';
import { createBatcher } from './batcher';
import { STATUS_CLASSES, serverParams, type LogFilter, type StatusClass } from './filters';
import { LogRow, ROW_HEIGHT, shortId, typeLabel } from './LogRow';
import { LogStore, PAGE_SIZE } from './logStore';
import { statusesOf, typesOf, type LogSearch } from './search';
import './log.css';
import { formatNumber } from '../../lib/locale';

const EMPTY: readonly LogEvent[] = [];
/** What the search looks through; a match finds the whole job (filters.ts). */
const SEARCH_PLACEHOLDER = 'Find jobs by URL, name, error or body';

/** Within this many pixels of an edge counts as at it (to load more, or to follow). */
const EDGE_PX = 160;

function toggle<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

function useLogFilter(search: LogSearch, text: string): LogFilter {
  const types = search.types;
  const status = search.status;
  return useMemo(
    () => ({
      jobId: search.job ?? null,
      scheduleId: search.schedule ?? null,
      types: typesOf({ types }),
      statuses: statusesOf({ status }),
      text,
    }),
    [search.job, search.schedule, types, status, text],
  );
}

/** `#/log`: every event as it happens, virtualised, filterable, followable. */
export function LiveLogPage() {
  const client = useClient();
  const transport = useTransport();
  const navigate = useNavigate();
  const search = useSearch({ from: '/log' });
  const zone = useDisplayZone() ?? undefined;
  const [textInput, setTextInput] = useState(search.q ?? '');
  const text = useDebounced(textInput, 150);
  const filter = useLogFilter(search, text);

  const [store] = useState(() => new LogStore(filter));
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const [loading, setLoading] = useState<'initial' | 'older' | 'newer' | null>('initial');
  const [loadError, setLoadError] = useState<unknown>(null);
  const autoPaused = useRef(false);
  const generation = useRef(0);
  const jumpToEnd = useRef(true);

  // ---------- data: live events in batches, history by pages ----------

  useEffect(() => {
    const batcher = createBatcher<LogEvent>((events) => store.receive(events));
    const unsubscribe = transport.subscribe((event) => batcher.push(event));
    return () => {
      unsubscribe();
      batcher.dispose();
    };
  }, [transport, store]);

  const loadLatest = useCallback(async () => {
    const gen = ++generation.current;
    setLoading('initial');
    setLoadError(null);
    try {
      const page = await client.listLogs({ ...serverParams(store.getFilter()), limit: PAGE_SIZE });
      if (gen !== generation.current) return;
      store.loadInitial(page.data, PAGE_SIZE);
      jumpToEnd.current = true;
    } catch (e) {
      if (gen === generation.current) setLoadError(e);
    } finally {
      if (gen === generation.current) setLoading(null);
    }
  }, [client, store]);

  useEffect(() => {
    const result = store.setFilter(filter);
    if (result === 'reload' || !store.getState().loaded) void loadLatest();
  }, [filter, store, loadLatest]);

  const loadOlder = useCallback(async () => {
    const first = store.getState().rows[0];
    if (!first) return;
    const gen = generation.current;
    setLoading('older');
    try {
      const page = await client.listLogs({ ...serverParams(store.getFilter()), before: first.id, limit: PAGE_SIZE });
      if (gen === generation.current) store.prependOlder(page.data, PAGE_SIZE);
    } catch (e) {
      if (gen === generation.current) setLoadError(e);
    } finally {
      if (gen === generation.current) setLoading(null);
    }
  }, [client, store]);

  const loadNewer = useCallback(async () => {
    const rows = store.getState().rows;
    const last = rows[rows.length - 1];
    if (!last) return;
    const gen = generation.current;
    setLoading('newer');
    try {
      const page = await client.listLogs({ ...serverParams(store.getFilter()), after: last.id, limit: PAGE_SIZE, order: 'asc' });
      if (gen === generation.current) store.appendNewer(page.data, PAGE_SIZE);
    } catch (e) {
      if (gen === generation.current) setLoadError(e);
    } finally {
      if (gen === generation.current) setLoading(null);
    }
  }, [client, store]);

  // ---------- follow and pause ----------

  const pause = useCallback((auto: boolean) => {
    autoPaused.current = auto;
    store.pause();
  }, [store]);

  const resume = useCallback(() => {
    autoPaused.current = false;
    jumpToEnd.current = true;
    if (store.resume() === 'reload') void loadLatest();
  }, [store, loadLatest]);

  // ---------- the list ----------

  const visible = state.visible;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => visible[index]?.id ?? index,
    overscan: 6,
    // Rows added above (history) or dropped above (the memory cap) keep the view still.
    // Following the end is done below, without reading the layout back.
    anchorTo: 'end',
    // Collapsed rows are ROW_HEIGHT; expanded ones are measured (and without layout, as
    // in tests, every row counts as collapsed).
    measureElement: (element, entry) => {
      const size = entry?.borderBoxSize?.[0]?.blockSize ?? (element as HTMLElement).offsetHeight;
      return size > 0 ? Math.round(size) : ROW_HEIGHT;
    },
  });

  // Following: after each batch, to the end. The end is known from the virtual layout
  // (no read of scrollHeight, so no forced layout per batch at 1,000 events a second).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || !state.loaded || state.paused || visible.length === 0) return;
    jumpToEnd.current = false;
    el.scrollTop = virtualizer.getTotalSize();
  }, [state.version, state.loaded, state.paused, visible.length, virtualizer]);

  const lastScrollTop = useRef(0);
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const top = el.scrollTop;
    const fromEnd = el.scrollHeight - top - el.clientHeight;
    const movedUp = top < lastScrollTop.current;
    lastScrollTop.current = top;
    const s = store.getState();
    if (!s.paused && movedUp && fromEnd > EDGE_PX / 4) pause(true);
    else if (s.paused && autoPaused.current && s.atEnd && fromEnd <= 2) resume();
    if (loading) return;
    if (top < EDGE_PX && s.hasOlder) void loadOlder();
    else if (fromEnd < EDGE_PX && !s.atEnd) void loadNewer();
  };

  const expandedRef = useRef(expanded);
  expandedRef.current = expanded;
  const onToggle = useCallback(
    (id: number, index: number) => {
      // collapsed rows are not measured: a row that closes gets its fixed height back
      if (expandedRef.current.has(id)) virtualizer.resizeItem(index, ROW_HEIGHT);
      setExpanded((current) => {
        const next = new Set(current);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      });
    },
    [virtualizer],
  );

  // ---------- filters ----------

  const setSearch = useCallback(
    (patch: Partial<LogSearch>) =>
      void navigate({
        to: '/log',
        search: (prev: LogSearch) => {
          const next: LogSearch = { ...prev, ...patch };
          for (const key of Object.keys(next) as Array<keyof LogSearch>) if (!next[key]) delete next[key];
          return next;
        },
        replace: true,
      }),
    [navigate],
  );
  useEffect(() => {
    if ((search.q ?? '') !== text) setSearch({ q: text || undefined });
  }, [text, search.q, setSearch]);

  const onFilterJob = useCallback((jobId: string) => setSearch({ job: jobId }), [setSearch]);
  const schedules = useQuery({
    queryKey: queryKeys.scheduleList({ q: '' }),
    queryFn: () => client.listSchedules({ limit: 100 }),
    staleTime: 30_000,
  });
  const scheduleOptions = useMemo(
    () => [
      { value: '', label: 'All schedules' },
      ...(schedules.data?.data ?? []).map((s) => ({ value: s.id, label: s.name || hostAndPath(s.request.url) })),
      ...(search.schedule && !schedules.data?.data.some((s) => s.id === search.schedule)
        ? [{ value: search.schedule, label: `Schedule ${shortId(search.schedule)}` }]
        : []),
    ],
    [schedules.data, search.schedule],
  );
  const filtered =
    filter.jobId !== null || filter.scheduleId !== null || filter.types.length > 0 || filter.statuses.length > 0 || filter.text.trim() !== '';
  const clearFilters = () => {
    setTextInput('');
    void navigate({ to: '/log', search: {}, replace: true });
  };

  const items = virtualizer.getVirtualItems();
  const initialLoading = !state.loaded && loading === 'initial';

  return (
    <section className="page log-page" aria-labelledby="page-title">
      <header className="page__header log-page__header">
        <h1 id="page-title" className="page__title">
          Live log
        </h1>
        <span className="page__count" aria-label="Events shown">
          {state.loaded ? formatNumber(visible.length) : ''}
        </span>
        <div className="page__tools">
          <span className="log-page__status" role="status">
            {state.paused ? (
              state.heldVisible > 0 ? (
                <Button size="sm" variant="secondary" onClick={resume}>
                  {formatNumber(state.heldVisible)} new {state.heldVisible === 1 ? 'event' : 'events'} · Jump to latest
                </Button>
              ) : (
                <span className="faint">Paused</span>
              )
            ) : (
              <span className="log-page__live">
                <span className="log-page__live-dot" aria-hidden="true" /> Following
              </span>
            )}
          </span>
          {state.paused ? (
            <Button size="sm" variant="primary" icon={<IconPlay />} onClick={resume}>
              Follow
            </Button>
          ) : (
            <Button size="sm" icon={<IconPause />} onClick={() => pause(false)}>
              Pause
            </Button>
          )}
        </div>
      </header>

      <div className="log-filters" role="group" aria-label="Filters">
        <div className="log-filters__text">
          <Input
            type="search"
            aria-label="Search the log"
            data-page-search
            placeholder={SEARCH_PLACEHOLDER}
            // never narrower than its placeholder (`ch` of the input's own font)
            style={{ minWidth: `${SEARCH_PLACEHOLDER.length + 1}ch` }}
            value={textInput}
            leading={<IconSearch />}
            trailing={textInput ? undefined : <kbd>/</kbd>}
            onChange={(e) => setTextInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                if (textInput) setTextInput('');
                else e.currentTarget.blur();
              }
            }}
          />
        </div>
        <Select
          aria-label="Schedule"
          className="log-filters__schedule"
          value={search.schedule ?? ''}
          onChange={(value) => setSearch({ schedule: value || undefined })}
          options={scheduleOptions}
        />
        {search.job && (
          <span className="log-chip" title={search.job}>
            Job {shortId(search.job)}
            <button type="button" aria-label="Any job" className="log-chip__clear" onClick={() => setSearch({ job: undefined })}>
              <IconClose size={12} />
            </button>
          </span>
        )}
        <div className="log-filters__group" role="group" aria-label="Event types">
          {EVENT_TYPES.map((type) => (
            <button
              key={type}
              type="button"
              className={`log-toggle log-type--${typeLabel(type)}`}
              aria-pressed={filter.types.includes(type)}
              onClick={() => setSearch({ types: toggle<EventType>(filter.types, type).join(',') || undefined })}
            >
              {typeLabel(type)}
            </button>
          ))}
        </div>
        <div className="log-filters__group" role="group" aria-label="Status">
          {STATUS_CLASSES.map((cls) => (
            <button
              key={cls}
              type="button"
              className="log-toggle"
              aria-pressed={filter.statuses.includes(cls)}
              onClick={() => setSearch({ status: toggle<StatusClass>(filter.statuses, cls).join(',') || undefined })}
            >
              {cls}
            </button>
          ))}
        </div>
        {filtered && (
          <Button size="sm" variant="ghost" onClick={clearFilters}>
            Clear filters
          </Button>
        )}
      </div>

      {loadError ? (
        <div className="banner banner--danger log-page__error" role="alert">
          {errorMessage(loadError)}{' '}
          <Button size="sm" variant="ghost" onClick={() => void loadLatest()}>
            Try again
          </Button>
        </div>
      ) : null}

      {/* A region, not role="log": announcing a thousand events a second would help nobody. */}
      <div className="log-list" role="region" aria-label="Events" aria-busy={initialLoading || undefined}>
        <div className="log-list__scroller" ref={scrollRef} onScroll={onScroll} data-virtual-scroll tabIndex={0}>
          {initialLoading ? (
            <div aria-hidden="true">
              {Array.from({ length: 10 }, (_, i) => (
                <div key={i} className="log-row log-row--skeleton">
                  <Skeleton width={84} />
                  <Skeleton width={60} />
                  <Skeleton width={64} />
                  <Skeleton width={`${40 + ((i * 17) % 40)}%`} />
                </div>
              ))}
            </div>
          ) : state.loaded && visible.length === 0 ? (
            filtered ? (
              <EmptyState icon={<IconSearch size={18} />} title="Nothing matches">
                <p>No event matches these filters{state.rows.length > 0 ? ' among those loaded' : ''}. New events that match appear here.</p>
                <div className="empty-state__actions">
                  <Button onClick={clearFilters}>Clear filters</Button>
                </div>
              </EmptyState>
            ) : (
              <EmptyState icon={<IconPulse size={18} />} title="No events yet">
                <p>Every request and response shows up here as it happens. Press N to create a job, or run one from Jobs.</p>
              </EmptyState>
            )
          ) : (
            <div className="log-list__inner" style={{ height: virtualizer.getTotalSize() }}>
              {state.hasOlder && items[0]?.index === 0 && (
                <div className="log-list__more">{loading === 'older' ? <Spinner size={12} label="Loading older events" /> : 'Scroll up for older events'}</div>
              )}
              {items.map((item) => {
                const event = visible[item.index];
                if (!event) return null;
                const isOpen = expanded.has(event.id);
                return (
                  <LogRow
                    key={item.key}
                    event={event}
                    index={item.index}
                    start={item.start}
                    expanded={isOpen}
                    zone={zone}
                    rows={isOpen ? state.rows : EMPTY}
                    onToggle={onToggle}
                    onFilterJob={onFilterJob}
                    // only expanded rows vary in height; measuring every row would force a layout per row
                    measureRef={isOpen ? virtualizer.measureElement : undefined}
                  />
                );
              })}
            </div>
          )}
        </div>
      </div>
      <footer className="log-page__footer faint">
        {formatNumber(state.rows.length)} loaded
        {store.cap <= state.rows.length && ` (the newest ${formatNumber(store.cap)} are kept)`}
        {!state.atEnd && ' · scroll down for newer events'}
        {loading === 'newer' && <Spinner size={10} label="Loading newer events" />}
      </footer>
    </section>
  );
}
