import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogEvent } from '../api/types';
import { createInvalidationBatcher, keysForEvent } from './liveInvalidation';

const event = (over: Partial<LogEvent>): LogEvent => ({
  id: 1,
  event: 'job.finished',
  inserted_at: '2026-11-29T07:00:00Z',
  job_id: 'j1',
  schedule_id: null,
  attempt: 1,
  payload: null,
  ...over,
});

describe('live invalidation', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('targets the job, the lists and, for a schedule’s job, its history and the schedules', () => {
    expect(keysForEvent(event({}))).toEqual([['jobs', 'list'], ['jobs', 'detail', 'j1']]);
    expect(keysForEvent(event({ schedule_id: 's1' }))).toEqual([
      ['jobs', 'list'],
      ['jobs', 'detail', 'j1'],
      ['jobs', 'history', 's1'],
      ['schedules', 'list'],
      ['schedules', 'detail', 's1'],
    ]);
  });

  it('batches a burst of events into one invalidation per key, at most every 250 ms', () => {
    const client = new QueryClient();
    const spy = vi.spyOn(client, 'invalidateQueries').mockResolvedValue();
    const batcher = createInvalidationBatcher(client, 250);
    for (let i = 0; i < 50; i++) batcher.add(event({ id: i }));
    expect(spy).not.toHaveBeenCalled();
    vi.advanceTimersByTime(249);
    expect(spy).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(spy).toHaveBeenCalledTimes(2); // jobs list + job detail, once each
    batcher.add(event({ job_id: 'j2' }));
    vi.advanceTimersByTime(250);
    expect(spy).toHaveBeenCalledTimes(4);
    batcher.dispose();
  });
});
