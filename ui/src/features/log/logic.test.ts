import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PayloadOf } from '../../api/events';
import type { EventType, LogEvent } from '../../api/types';
import { makeEvent } from '../../test/fixtures';
import { createBatcher } from './batcher';
import { NO_FILTER, matches, requestFor, serverParams, statusClassOf, type LogFilter } from './filters';
import { LogStore, mergeById } from './logStore';

const filter = (over: Partial<LogFilter>): LogFilter => ({ ...NO_FILTER, ...over });
const ids = (events: readonly LogEvent[]) => events.map((e) => e.id);

describe('log filters', () => {
  const request = makeEvent('job.request', { method: 'POST', url: 'https://api.example.com/hooks/deploy', headers: {}, body: '{"env":"prod"}' });
  const ok = makeEvent('job.response', { status: 204, headers: {}, body: '', truncated: false, duration_ms: 12 });
  const redirect = makeEvent('job.response', { status: 302, headers: {}, body: '', truncated: false, duration_ms: 5 });
  const notFound = makeEvent('job.response', { status: 404, headers: {}, body: '{"error":"no such hook"}', truncated: false, duration_ms: 9 });
  const broken = makeEvent('job.response', { status: 503, headers: {}, body: 'Service Unavailable', truncated: false, duration_ms: 30 });
  const failed = makeEvent('job.error', { error: 'timed out after 30s', duration_ms: 30000, will_retry: true, retry_at: null });
  const finishedBad = makeEvent('job.finished', { state: 'discarded', outcome: 'error', status: null, duration_ms: 30000, retry_at: null });
  const finishedOk = makeEvent('job.finished', { state: 'completed', outcome: 'success', status: 204, duration_ms: 12, retry_at: null });
  const started = makeEvent('job.started', { attempt: 1, scheduled_at: 'x', late_ms: 0, catch_up: null });
  const other = makeEvent('job.request', { method: 'GET', url: 'https://status.example.com/ping', headers: {} }, { job_id: 'j2', schedule_id: 's1' });
  const all = [request, ok, redirect, notFound, broken, failed, finishedBad, finishedOk, started, other];

  it('gives each status-bearing event its class, and none to the rest', () => {
    expect(all.map(statusClassOf)).toEqual([null, '2xx', '3xx', '4xx', '5xx', 'error', 'error', '2xx', null, null]);
  });

  it('filters by status class, several at once', () => {
    expect(ids(all.filter((e) => matches(e, filter({ statuses: ['5xx', 'error'] }))))).toEqual(ids([broken, failed, finishedBad]));
    expect(ids(all.filter((e) => matches(e, filter({ statuses: ['3xx'] }))))).toEqual(ids([redirect]));
  });

  it('filters by job, schedule and event type', () => {
    expect(ids(all.filter((e) => matches(e, filter({ jobId: 'j2' }))))).toEqual(ids([other]));
    expect(ids(all.filter((e) => matches(e, filter({ scheduleId: 's1' }))))).toEqual(ids([other]));
    expect(ids(all.filter((e) => matches(e, filter({ types: ['job.error', 'job.started'] }))))).toEqual(ids([failed, started]));
  });

  it('searches free text, case-insensitively, over URL, method, error and body', () => {
    const found = (text: string) => ids(all.filter((e) => matches(e, filter({ text }))));
    expect(found('DEPLOY')).toEqual(ids([request])); // URL
    expect(found('"env":"prod"')).toEqual(ids([request])); // request body
    expect(found('no such hook')).toEqual(ids([notFound])); // response body
    expect(found('timed out')).toEqual(ids([failed])); // error
    expect(found('get')).toEqual(ids([other])); // method
    expect(found('nothing like this')).toEqual([]);
  });

  it('combines every filter (and), and sends the server half as API parameters', () => {
    const f = filter({ jobId: 'j1', types: ['job.response'], statuses: ['4xx'], text: 'hook' });
    expect(ids(all.filter((e) => matches(e, f)))).toEqual(ids([notFound]));
    expect(serverParams(f)).toEqual({ job_id: 'j1', event: ['job.response'] });
  });

  it('finds a response’s request: same job and attempt, the latest before it', () => {
    const r1 = makeEvent('job.request', { method: 'POST', url: 'https://a.test/1', headers: {} }, { attempt: 1 });
    const x = makeEvent('job.request', { method: 'GET', url: 'https://b.test/', headers: {} }, { job_id: 'other', attempt: 1 });
    const r2 = makeEvent('job.request', { method: 'POST', url: 'https://a.test/2', headers: {} }, { attempt: 2 });
    const resp2 = makeEvent('job.response', { status: 200, headers: {}, body: '', truncated: false, duration_ms: 1 }, { attempt: 2 });
    const later = makeEvent('job.request', { method: 'POST', url: 'https://a.test/3', headers: {} }, { attempt: 2 });
    const rows = [r1, x, r2, resp2, later];
    expect(requestFor(rows, resp2)).toBe(r2);
    expect(requestFor(rows, { ...resp2, attempt: 1 })).toBe(r1);
    expect(requestFor(rows, { ...resp2, job_id: 'nobody' })).toBeNull();
  });
});

describe('batching', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands over 1,000 events pushed in one tick as one batch, after the interval', () => {
    const flush = vi.fn<(items: number[]) => void>();
    const batcher = createBatcher(flush, { intervalMs: 100 });
    for (let i = 0; i < 1000; i++) batcher.push(i);
    expect(flush).not.toHaveBeenCalled();
    expect(batcher.pending).toBe(1000);
    vi.advanceTimersByTime(99);
    expect(flush).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(flush).toHaveBeenCalledTimes(1);
    expect(flush.mock.calls[0]![0]).toHaveLength(1000);
    expect(flush.mock.calls[0]![0][999]).toBe(999); // in order
  });

  it('keeps flushing at most once per interval under a steady stream, losing nothing', () => {
    const got: number[] = [];
    const flush = vi.fn((items: number[]) => got.push(...items));
    const batcher = createBatcher(flush, { intervalMs: 100 });
    // 1,000 events a second for one second: one every millisecond
    for (let t = 0; t < 1000; t++) {
      batcher.push(t);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(100);
    expect(flush.mock.calls.length).toBeLessThanOrEqual(11);
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    batcher.dispose();
    batcher.push(1);
    vi.advanceTimersByTime(200);
    expect(got).toHaveLength(1000); // nothing after dispose
  });
});

describe('the log store', () => {
  const live = (n: number, over: Partial<LogEvent> = {}) =>
    Array.from({ length: n }, () => makeEvent('job.response', { status: 200, headers: {}, body: 'ok', truncated: false, duration_ms: 1 }, over));

  it('notifies once per batch, however large', () => {
    const store = new LogStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.receive(live(1000));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getState().rows).toHaveLength(1000);
  });

  it('holds live events while paused, counts those that match, and shows them on resume', () => {
    const store = new LogStore(filter({ statuses: ['5xx'] }));
    store.loadInitial([], 200);
    store.pause();
    store.receive([...live(3), ...live(2).map((e) => ({ ...e, payload: { ...e.payload, status: 500 } }))]);
    let s = store.getState();
    expect(s.paused).toBe(true);
    expect(s.rows).toHaveLength(0);
    expect(s.held).toHaveLength(5);
    expect(s.heldVisible).toBe(2); // "2 new events" under the 5xx filter
    expect(store.resume()).toBe('ok');
    s = store.getState();
    expect(s.paused).toBe(false);
    expect(s.rows).toHaveLength(5);
    expect(s.visible).toHaveLength(2);
    expect(s.held).toHaveLength(0);
  });

  it('keeps at most `cap` rows, dropping the oldest while following', () => {
    const store = new LogStore(NO_FILTER, 500);
    store.loadInitial([], 200);
    const batch = live(1200);
    store.receive(batch.slice(0, 600));
    store.receive(batch.slice(600));
    const s = store.getState();
    expect(s.rows).toHaveLength(500);
    expect(s.rows[0]!.id).toBe(batch[700]!.id);
    expect(s.rows[499]!.id).toBe(batch[1199]!.id);
    expect(s.visible).toHaveLength(500);
    expect(s.hasOlder).toBe(true); // the dropped ones load again on scroll up
  });

  it('puts older pages on top without duplicates, and knows when history ends', () => {
    const store = new LogStore();
    const events = live(10);
    store.loadInitial(events.slice(5).reverse(), 5); // newest first, a full page
    expect(store.getState().hasOlder).toBe(true);
    store.prependOlder(events.slice(2, 6).reverse(), 5); // overlaps by one; a short page
    const s = store.getState();
    expect(ids(s.rows)).toEqual(ids(events.slice(2)));
    expect(s.prepended).toBe(3);
    expect(s.hasOlder).toBe(false);
  });

  it('merges live events that arrived before the first page, without duplicates', () => {
    const store = new LogStore();
    const events = live(6);
    store.receive(events.slice(4)); // live before the page
    store.loadInitial(events.slice(0, 5).reverse(), 200);
    expect(ids(store.getState().rows)).toEqual(ids(events));
    expect(ids(mergeById(events.slice(0, 3), events.slice(2)))).toEqual(ids(events));
  });

  it('reloads from the server when the job, schedule or type filter changes, and re-filters locally otherwise', () => {
    const store = new LogStore();
    store.loadInitial(live(4).reverse(), 200);
    expect(store.setFilter(filter({ text: 'nothing' }))).toBe('refiltered');
    expect(store.getState().visible).toHaveLength(0);
    expect(store.getState().rows).toHaveLength(4);
    expect(store.setFilter(filter({ text: 'nothing', jobId: 'j9' }))).toBe('reload');
    expect(store.getState().rows).toHaveLength(0);
    expect(store.getState().loaded).toBe(false);
    store.receive(live(2)); // j1's events do not match j9
    expect(store.getState().rows).toHaveLength(0);
  });

  it('finds jobs by text: a job found by its URL shows its response and finished events too', () => {
    const deploy = <K extends EventType>(kind: K, payload: Partial<PayloadOf<K>>) => makeEvent(kind, payload, { job_id: 'deploy' });
    const created = deploy('job.created', { source: 'request', scheduled_at: 'x', run: null, name: null, method: 'post', url: 'https://api.example.com/hooks/deploy' });
    const request = deploy('job.request', { method: 'POST', url: 'https://api.example.com/hooks/deploy', headers: {} });
    const response = deploy('job.response', { status: 200, headers: {}, body: 'ok', truncated: false, duration_ms: 5 });
    const finished = deploy('job.finished', { state: 'completed', outcome: 'success', status: 200, duration_ms: 5, retry_at: null });
    const otherJob = makeEvent('job.response', { status: 200, headers: {}, body: 'ok', truncated: false, duration_ms: 5 }, { job_id: 'ping' });

    const store = new LogStore(filter({ text: 'hooks/deploy' }));
    store.loadInitial([otherJob, response, request], 200); // newest first, as the API answers
    expect(ids(store.getState().visible)).toEqual(ids([request, response]));
    store.receive([finished]);
    expect(ids(store.getState().visible)).toEqual(ids([request, response, finished]));

    // found by an older page: the job's created event brings back its later events already loaded
    const late = new LogStore(filter({ text: 'hooks/deploy' }));
    late.loadInitial([finished, response], 200);
    expect(late.getState().visible).toEqual([]);
    late.prependOlder([request, created], 200);
    expect(ids(late.getState().visible)).toEqual(ids([created, request, response, finished]));

    // and a status filter still applies to each line
    store.setFilter(filter({ text: 'hooks/deploy', statuses: ['2xx'] }));
    expect(ids(store.getState().visible)).toEqual(ids([response, finished]));
  });
});
