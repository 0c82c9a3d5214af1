import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogEvent } from '../../api/types';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { IconPulse, IconSearch } from '../../components/icons';
import { Skeleton } from '../../components/Skeleton';
import { Spinner } from '../../components/Spinner';
import { LogRow, ROW_HEIGHT } from './LogRow';
import type { LogState, LogStore } from './logStore';
import type { Follow, PageKind } from './useLogData';

const EMPTY: readonly LogEvent[] = [];

/** Within this many pixels of an edge counts as at it (to load more, or to follow). */
const EDGE_PX = 160;

function useLogVirtualizer(visible: readonly LogEvent[], scrollRef: RefObject<HTMLDivElement | null>) {
  // eslint-disable-next-line react-hooks/incompatible-library -- the React Compiler is not used here; this hook only hands the virtualizer to the list, which reads it afresh each render
  return useVirtualizer({
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
}

function Placeholder() {
  return (
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
  );
}

function Empty({ filtered, anyLoaded, onClearFilters }: { filtered: boolean; anyLoaded: boolean; onClearFilters: () => void }) {
  if (!filtered) {
    return (
      <EmptyState icon={<IconPulse size={18} />} title="No events yet">
        <p>Every request and response shows up here as it happens. Press N to create a job, or run one from Jobs.</p>
      </EmptyState>
    );
  }
  return (
    <EmptyState icon={<IconSearch size={18} />} title="Nothing matches">
      <p>No event matches these filters{anyLoaded ? ' among those loaded' : ''}. New events that match appear here.</p>
      <div className="empty-state__actions">
        <Button onClick={onClearFilters}>Clear filters</Button>
      </div>
    </EmptyState>
  );
}

function toggled(set: ReadonlySet<number>, id: number): Set<number> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

export interface LogListProps {
  store: LogStore;
  state: LogState;
  loading: PageKind | null;
  load: (kind: PageKind) => Promise<void>;
  follow: Follow;
  zone?: string;
  filtered: boolean;
  onClearFilters: () => void;
  onFilterJob: (jobId: string) => void;
}

/** The events, virtualised: follows the end, pauses when scrolled up, loads history at the edges. */
export function LogList({ store, state, loading, load, follow, zone, filtered, onClearFilters, onFilterJob }: LogListProps) {
  const visible = state.visible;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useLogVirtualizer(visible, scrollRef);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());

  // Following: after each batch, to the end. The end is known from the virtual layout
  // (no read of scrollHeight, so no forced layout per batch at 1,000 events a second).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || !state.loaded || state.paused || visible.length === 0) return;
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
    if (!s.paused && movedUp && fromEnd > EDGE_PX / 4) follow.pause(true);
    else if (s.paused && follow.pausedByScroll() && s.atEnd && fromEnd <= 2) follow.resume();
    if (loading) return;
    if (top < EDGE_PX && s.hasOlder) void load('older');
    else if (fromEnd < EDGE_PX && !s.atEnd) void load('newer');
  };

  const onToggle = useCallback(
    (id: number, index: number, wasOpen: boolean) => {
      // collapsed rows are not measured: a row that closes gets its fixed height back
      if (wasOpen) virtualizer.resizeItem(index, ROW_HEIGHT);
      setExpanded((current) => toggled(current, id));
    },
    [virtualizer],
  );

  const items = virtualizer.getVirtualItems();
  const initialLoading = !state.loaded && loading === 'initial';
  return (
    // A region, not role="log": announcing a thousand events a second would help nobody.
    <div className="log-list" role="region" aria-label="Events" aria-busy={initialLoading || undefined}>
      <div className="log-list__scroller" ref={scrollRef} onScroll={onScroll} data-virtual-scroll tabIndex={0}>
        {initialLoading ? (
          <Placeholder />
        ) : state.loaded && visible.length === 0 ? (
          <Empty filtered={filtered} anyLoaded={state.rows.length > 0} onClearFilters={onClearFilters} />
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
  );
}
