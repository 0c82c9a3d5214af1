/**
 * The live log's rows, outside React: live batches, history pages, follow and pause, and a
 * memory cap. Components read it through `useSyncExternalStore`; every change is one new
 * state object, so a batch of 1,000 events is one render.
 */
import type { LogEvent } from '../../api/types';
import { NO_FILTER, matchesClient, matchesServer, noteJobsMatchingText, serverKey, type LogFilter } from './filters';

/** How many rows the log keeps (oldest dropped first while following). */
export const DEFAULT_CAP = 100_000;
/** How many events one history page asks for. */
export const PAGE_SIZE = 200;

export interface LogState {
  /** Events matching the server half of the filter, oldest first, ids increasing. */
  rows: readonly LogEvent[];
  /** The rows that also match the client half (status, text): what the list shows. */
  visible: readonly LogEvent[];
  /** Live events kept while paused (or while the rows do not reach the live end). */
  held: readonly LogEvent[];
  /** How many held events the list would show: "N new events". */
  heldVisible: number;
  paused: boolean;
  /** More history exists before `rows[0]`. */
  hasOlder: boolean;
  /** The rows run up to the live end (nothing missing after the last row). */
  atEnd: boolean;
  /** The first page has arrived. */
  loaded: boolean;
  /** Visible rows the last change added at the top (to keep the scroll position). */
  prepended: number;
  version: number;
}

function firstIndexAtLeast(events: readonly LogEvent[], id: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isAscending(events: readonly LogEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i]!.id <= events[i - 1]!.id) return false;
  return true;
}

/** Two id-ordered lists as one, without duplicates. Appending newer events is the fast path. */
export function mergeById(a: readonly LogEvent[], b: readonly LogEvent[]): LogEvent[] {
  const sortedB = isAscending(b) ? b : [...b].sort((x, y) => x.id - y.id);
  if (sortedB.length === 0) return a as LogEvent[];
  if (a.length === 0 || sortedB[0]!.id > a[a.length - 1]!.id) return a.concat(dedupeSorted(sortedB));
  if (sortedB[sortedB.length - 1]!.id < a[0]!.id) return dedupeSorted(sortedB).concat(a);
  const out: LogEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < sortedB.length) {
    const x = a[i];
    const y = sortedB[j];
    const next = y === undefined || (x !== undefined && x.id <= y.id) ? x! : y;
    if (next === x) i++;
    else j++;
    if (out.length === 0 || out[out.length - 1]!.id !== next.id) out.push(next);
  }
  return out;
}

function dedupeSorted(events: readonly LogEvent[]): readonly LogEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.id === events[i - 1]!.id) return events.filter((e, k) => k === 0 || e.id !== events[k - 1]!.id);
  }
  return events;
}

function initialState(): LogState {
  return {
    rows: [],
    visible: [],
    held: [],
    heldVisible: 0,
    paused: false,
    hasOlder: false,
    atEnd: true,
    loaded: false,
    prepended: 0,
    version: 0,
  };
}

export class LogStore {
  private state: LogState = initialState();
  private filter: LogFilter;
  /** Jobs with a loaded event matching the text filter: all their events show (filters.ts). */
  private textJobs = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(
    filter: LogFilter = NO_FILTER,
    readonly cap: number = DEFAULT_CAP,
  ) {
    this.filter = filter;
  }

  getState = (): LogState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getFilter(): LogFilter {
    return this.filter;
  }

  private set(patch: Partial<LogState>): void {
    this.state = { ...this.state, prepended: 0, ...patch, version: this.state.version + 1 };
    this.listeners.forEach((l) => l());
  }

  private visibleOf(rows: readonly LogEvent[]): LogEvent[] {
    return rows.filter((e) => matchesClient(e, this.filter, this.textJobs));
  }

  private countVisible(events: readonly LogEvent[]): number {
    let n = 0;
    for (const e of events) if (matchesClient(e, this.filter, this.textJobs)) n++;
    return n;
  }

  /** Note the jobs `events` find by text; true when one is new (rows shown before may then change). */
  private noteJobs(events: readonly LogEvent[]): boolean {
    return noteJobsMatchingText(events, this.filter, this.textJobs);
  }

  /**
   * A new filter. When its server half changed, the rows are dropped and the caller
   * reloads from the server ('reload'); otherwise the rows are filtered again here.
   */
  setFilter(filter: LogFilter): 'reload' | 'refiltered' {
    const reload = serverKey(filter) !== serverKey(this.filter);
    this.filter = filter;
    this.textJobs = new Set();
    if (reload) {
      this.set({ ...initialState(), paused: this.state.paused, version: this.state.version });
      return 'reload';
    }
    this.noteJobs(this.state.rows);
    this.noteJobs(this.state.held);
    this.set({ visible: this.visibleOf(this.state.rows), heldVisible: this.countVisible(this.state.held) });
    return 'refiltered';
  }

  /** Drop everything (the caller loads the first page again). */
  reset(): void {
    this.set({ ...initialState(), paused: this.state.paused, version: this.state.version });
  }

  /** A batch of live events. Followed: appended. Paused: held, counted, not shown. */
  receive(events: readonly LogEvent[]): void {
    const incoming = events.filter((e) => matchesServer(e, this.filter));
    if (incoming.length === 0) return;
    const s = this.state;
    if (s.paused || !s.atEnd) {
      // a held event that finds a new job by text may show rows of that job already on screen
      const found = this.noteJobs(incoming);
      let held = mergeById(s.held, incoming);
      let heldVisible = !found && held.length === s.held.length + incoming.length ? s.heldVisible + this.countVisible(incoming) : -1;
      if (held.length > this.cap) {
        held = held.slice(held.length - this.cap);
        heldVisible = -1;
      }
      const visible = found ? this.visibleOf(s.rows) : s.visible;
      this.set({ held, visible, heldVisible: heldVisible >= 0 ? heldVisible : this.countVisible(held) });
      return;
    }
    this.appendRows(incoming);
  }

  private appendRows(events: readonly LogEvent[], patch: Partial<LogState> = {}): void {
    const s = this.state;
    const last = s.rows[s.rows.length - 1];
    const found = this.noteJobs(events);
    const fast = !found && (last === undefined || (events.length > 0 && isAscending(events) && events[0]!.id > last.id));
    let rows = mergeById(s.rows, events);
    let visible = fast ? s.visible.concat(this.visibleOf(events)) : this.visibleOf(rows);
    let hasOlder = patch.hasOlder ?? s.hasOlder;
    if (rows.length > this.cap) {
      rows = rows.slice(rows.length - this.cap);
      visible = visible.slice(firstIndexAtLeast(visible, rows[0]!.id));
      hasOlder = true;
    }
    this.set({ ...patch, rows, visible, hasOlder });
  }

  /** The newest page (`GET /api/logs`, newest first), merged with any live events already in. */
  loadInitial(newestFirst: readonly LogEvent[], limit: number = PAGE_SIZE): void {
    const page = [...newestFirst].reverse().filter((e) => matchesServer(e, this.filter));
    let rows = mergeById(page, this.state.rows);
    this.noteJobs(page);
    let hasOlder = newestFirst.length >= limit;
    if (rows.length > this.cap) {
      rows = rows.slice(rows.length - this.cap);
      hasOlder = true;
    }
    this.set({ rows, visible: this.visibleOf(rows), hasOlder, atEnd: true, loaded: true });
  }

  /** An older page (`before=`, newest first) goes on top; past the cap the newest rows go. */
  prependOlder(newestFirst: readonly LogEvent[], limit: number = PAGE_SIZE): void {
    const s = this.state;
    const first = s.rows[0];
    const older = [...newestFirst].reverse().filter((e) => matchesServer(e, this.filter) && (!first || e.id < first.id));
    const found = this.noteJobs(older); // an older request may find a job whose response is shown
    const olderVisible = this.visibleOf(older);
    let rows = older.concat(s.rows);
    let visible = found ? this.visibleOf(rows) : olderVisible.concat(s.visible);
    let atEnd = s.atEnd;
    if (rows.length > this.cap) {
      rows = rows.slice(0, this.cap);
      visible = visible.slice(0, firstIndexAtLeast(visible, rows[rows.length - 1]!.id + 1));
      atEnd = false;
    }
    this.set({ rows, visible, atEnd, hasOlder: newestFirst.length >= limit, prepended: olderVisible.length });
  }

  /** A newer page (`after=`, oldest first), when the rows stopped short of the live end. */
  appendNewer(oldestFirst: readonly LogEvent[], limit: number = PAGE_SIZE): void {
    const events = oldestFirst.filter((e) => matchesServer(e, this.filter));
    if (oldestFirst.length >= limit) {
      this.appendRows(events);
      return;
    }
    // Reached the live end: what was held while away follows on.
    const held = this.state.paused ? [] : this.state.held;
    this.appendRows(mergeById(events, held), { atEnd: true });
    if (!this.state.paused) this.set({ held: [], heldVisible: 0 });
  }

  pause(): void {
    if (!this.state.paused) this.set({ paused: true });
  }

  /**
   * Follow again, at the end: held events join the rows. Returns 'reload' when the rows
   * are far behind and nothing is held, so the caller fetches the newest page.
   */
  resume(): 'ok' | 'reload' {
    const s = this.state;
    if (s.atEnd) {
      this.appendRows(s.held, { paused: false, held: [], heldVisible: 0 });
      return 'ok';
    }
    if (s.held.length > 0) {
      // The rows stopped short of the end; the held events are the end. Older ones load on scroll.
      const rows = s.held;
      this.set({ rows, visible: this.visibleOf(rows), held: [], heldVisible: 0, paused: false, atEnd: true, hasOlder: true });
      return 'ok';
    }
    this.set({ ...initialState(), version: s.version });
    return 'reload';
  }
}
