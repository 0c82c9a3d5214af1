import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../api/queryKeys';
import { makeEvent } from '../test/fixtures';
import { createInvalidationBatcher, keysForEvent } from './liveInvalidation';

describe('live invalidation', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('targets the job and the lists of jobs, or for a schedule’s run, its history and the schedules', () => {
    expect(keysForEvent(makeEvent('job.response'))).toEqual([['jobs', 'list'], ['jobs', 'detail', 'j1']]);
    expect(keysForEvent(makeEvent('job.started', {}, { schedule_id: 's1' }))).toEqual([
      ['jobs', 'detail', 'j1'],
      ['jobs', 'history', 's1'],
      ['schedules', 'list'],
      ['schedules', 'detail', 's1'],
      ['schedules', 'runs', 's1'],
    ]);
  });

  it('leaves the schedule picker’s names alone for a schedule’s run, which renames nothing', () => {
    const names = queryKeys.scheduleNames('report');
    const keys = keysForEvent(makeEvent('job.finished', {}, { schedule_id: 's1' }));
    expect(keys).toContainEqual(queryKeys.scheduleLists);
    // a key invalidates every query whose key starts with it
    for (const key of keys) expect(names.slice(0, key.length)).not.toEqual(key);
  });

  it('refreshes a schedule’s ledger for a stretch of missed runs that never became jobs, and no job', () => {
    const keys = keysForEvent(makeEvent('job.missed', { count: 47, action: 'merged' }, { job_id: null, schedule_id: 's1' }));
    expect(keys).toContainEqual(['schedules', 'runs', 's1']);
    expect(keys).toContainEqual(['schedules', 'detail', 's1']);
    expect(keys.filter((k) => k[0] === 'jobs' && k[1] === 'detail')).toEqual([]);
  });

  it('leaves the ledger alone for what changes none of its rows: requests, responses, errors, waits', () => {
    const fields = { schedule_id: 's1' };
    const events = [makeEvent('job.request', {}, fields), makeEvent('job.response', {}, fields), makeEvent('job.error', {}, fields), makeEvent('job.waiting', {}, fields)];
    for (const event of events) expect(keysForEvent(event)).not.toContainEqual(['schedules', 'runs', 's1']);
  });

  it('refreshes the calendar only for events that add, finish, cancel or move a run', () => {
    for (const event of [makeEvent('job.created'), makeEvent('job.finished'), makeEvent('job.cancelled'), makeEvent('job.updated')]) {
      expect(keysForEvent(event)).toContainEqual(['calendar']);
    }
    for (const event of [makeEvent('job.started'), makeEvent('job.request'), makeEvent('job.response'), makeEvent('job.error')]) {
      expect(keysForEvent(event)).not.toContainEqual(['calendar']);
    }
  });

  it('batches a burst of events into one invalidation per key, at most every 250 ms', () => {
    const client = new QueryClient();
    const spy = vi.spyOn(client, 'invalidateQueries').mockResolvedValue();
    const batcher = createInvalidationBatcher(client, 250);
    for (let i = 0; i < 50; i++) batcher.add(makeEvent('job.finished', {}, { id: i }));
    expect(spy).not.toHaveBeenCalled();
    vi.advanceTimersByTime(249);
    expect(spy).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(spy).toHaveBeenCalledTimes(2); // jobs list + job detail, once each
    batcher.add(makeEvent('job.finished', {}, { job_id: 'j2' }));
    vi.advanceTimersByTime(250);
    expect(spy).toHaveBeenCalledTimes(4);
    batcher.dispose();
  });

  it('refreshes the calendar on its own slower beat, without cancelling a fetch in flight', () => {
    const client = new QueryClient();
    const spy = vi.spyOn(client, 'invalidateQueries').mockResolvedValue();
    const fetching = vi.spyOn(client, 'isFetching').mockReturnValue(0);
    const batcher = createInvalidationBatcher(client, 250, 2000);
    const calendarCalls = () => spy.mock.calls.filter(([filters]) => JSON.stringify(filters?.queryKey) === '["calendar"]');
    for (let i = 0; i < 20; i++) batcher.add(makeEvent('job.finished', {}, { id: i }));
    vi.advanceTimersByTime(1999);
    expect(calendarCalls()).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(calendarCalls()).toHaveLength(1);
    expect(calendarCalls()[0]![1]).toEqual({ cancelRefetch: false });

    // a calendar fetch is still running: the next change waits for it, then refetches once
    fetching.mockReturnValue(1);
    batcher.add(makeEvent('job.created', {}, { id: 99 }));
    vi.advanceTimersByTime(2000);
    expect(calendarCalls()).toHaveLength(1);
    fetching.mockReturnValue(0);
    vi.advanceTimersByTime(2000);
    expect(calendarCalls()).toHaveLength(2);
    batcher.dispose();
  });
});
