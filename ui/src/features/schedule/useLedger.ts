import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { queryKeys } from '../../api/queryKeys';
import type { LedgerRun } from '../../api/types';
import { RANGES, type LedgerRange } from './search';

/** The most rows asked for at once: the API lists oldest first, at most 10,000. */
export const LEDGER_LIMIT = 5000;
/** The window moves with the clock even when nothing happens. */
const REFRESH_MS = 60_000;

export interface Ledger {
  range: LedgerRange;
  /** The range asked, as instants (ms): it ends when it was asked. */
  from: number;
  to: number;
  runs: LedgerRun[];
  /** The range held more rows than were asked for: the newest are not among these. */
  cut: boolean;
}

/** A schedule's ledger over the last hour, day or week up to now. */
export function useLedger(scheduleId: string, range: LedgerRange) {
  const client = useClient();
  return useQuery({
    queryKey: queryKeys.scheduleRunsIn(scheduleId, range),
    queryFn: async (): Promise<Ledger> => {
      const to = Date.now();
      const from = to - RANGES[range].ms;
      const iso = (ms: number) => new Date(ms).toISOString();
      const runs = await client.scheduleRuns(scheduleId, { from: iso(from), to: iso(to), limit: LEDGER_LIMIT });
      return { range, from, to, runs, cut: runs.length >= LEDGER_LIMIT };
    },
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}
