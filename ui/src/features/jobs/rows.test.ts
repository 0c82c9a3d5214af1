import { describe, expect, it } from 'vitest';
import { makeJob, makeSchedule } from '../../test/fixtures';
import { pagedRows } from './rows';

const at = (minute: number) => `2026-12-05T08:${String(minute).padStart(2, '0')}:00.000Z`;
const schedule = (minute: number, disabled = false) =>
  makeSchedule({ inserted_at: at(minute), disabled_at: disabled ? at(minute) : null });
const job = (minute: number) => makeJob({ inserted_at: at(minute) });
const keys = (rows: ReturnType<typeof pagedRows>['rows']) =>
  rows.map((row) => (row.kind === 'schedule' ? `s${row.schedule.inserted_at.slice(14, 16)}` : `j${row.job.inserted_at.slice(14, 16)}`));

describe('pagedRows', () => {
  it('shows every loaded row, newest made first, once neither list has more', () => {
    const { rows, next } = pagedRows({ items: [schedule(50), schedule(20)], more: false }, { items: [job(40), job(10)], more: false });
    expect(keys(rows)).toEqual(['s50', 'j40', 's20', 'j10']);
    expect(next).toEqual({ schedules: false, jobs: false });
  });

  it('stops where a list with more pages stops, keeping what is older of the other list for later', () => {
    // Schedules made at :30 or before may come on the schedules' next page, before the job of :10.
    const { rows, next } = pagedRows({ items: [schedule(50), schedule(30)], more: true }, { items: [job(40), job(10)], more: false });
    expect(keys(rows)).toEqual(['s50', 'j40', 's30']);
    expect(next).toEqual({ schedules: true, jobs: false });
  });

  it('stops at the later of two lists that both have more, and pages on the one that stops it', () => {
    const { rows, next } = pagedRows({ items: [schedule(50), schedule(20)], more: true }, { items: [job(40), job(35)], more: true });
    expect(keys(rows)).toEqual(['s50', 'j40', 'j35']);
    expect(next).toEqual({ schedules: false, jobs: true });
  });

  it('pages on both lists when they stop at the same instant', () => {
    const { rows, next } = pagedRows({ items: [schedule(30)], more: true }, { items: [job(30)], more: true });
    expect(rows).toHaveLength(2);
    expect(next).toEqual({ schedules: true, jobs: true });
  });

  it('cuts by the schedules loaded, not those a filter keeps', () => {
    // The paused filter drops the schedule of :30; the list still stops there, as the
    // schedules' next page may hold paused ones made before it.
    const { rows, next } = pagedRows(
      { items: [schedule(50, true), schedule(30)], more: true },
      { items: [job(40), job(10)], more: false },
      (s) => s.disabled_at !== null,
    );
    expect(keys(rows)).toEqual(['s50', 'j40']);
    expect(next).toEqual({ schedules: true, jobs: false });
  });

  it('pages on a list that has more but nothing loaded', () => {
    const { rows, next } = pagedRows({ items: [], more: true }, { items: [job(40)], more: false });
    expect(keys(rows)).toEqual(['j40']);
    expect(next).toEqual({ schedules: true, jobs: false });
  });
});
