import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { queryKeys } from '../../api/queryKeys';
import type { Attempt, Job, ResponseRecord } from '../../api/types';
import { isFinished } from '../jobs/outcome';

/** Where the builder finds a response to pick a JSON path from. */
export interface ResponseSource {
  /** The try-out job "Send now" made, if any: the newest response there is. */
  tryJobId: string | null;
  /** The schedule being edited or duplicated: its newest run that got a response. */
  scheduleId?: string | null;
  /** The job being edited or duplicated. */
  jobId?: string | null;
}

export interface LastResponse {
  response: ResponseRecord | null;
  /** When it came: the instant its attempt ended. */
  at: string | null;
  /** It came from the try-out. */
  fromTry: boolean;
  loading: boolean;
}

function lastResponded(job: Job | null | undefined): Attempt | undefined {
  return [...(job?.attempts ?? [])].reverse().find((a) => a.response !== null);
}

/**
 * The last response of what the builder edits, for "pick a JSON path": the try-out's when
 * one was sent, else the newest of the schedule's or job's own runs.
 */
export function useLastResponse({ tryJobId, scheduleId = null, jobId = null }: ResponseSource): LastResponse {
  const client = useClient();
  const tried = useQuery({
    queryKey: queryKeys.job(tryJobId ?? ''),
    queryFn: () => client.getJob(tryJobId ?? ''),
    enabled: tryJobId !== null,
  });
  const ownJobId = scheduleId ? null : jobId;
  const own = useQuery({
    queryKey: scheduleId ? [...queryKeys.scheduleHistory(scheduleId), 'last-response'] : queryKeys.job(ownJobId ?? ''),
    queryFn: async () => {
      if (!scheduleId) return client.getJob(ownJobId ?? '');
      const runs = await client.listJobs({ schedule_id: scheduleId, limit: 20, order_by: ['scheduled_at', 'desc'] });
      const last = runs.data.find((j) => j.last_outcome !== null && j.last_outcome.status !== null);
      return last ? client.getJob(last.id) : null;
    },
    enabled: Boolean(scheduleId || ownJobId),
    staleTime: 60_000,
  });
  const fromTry = lastResponded(tried.data);
  const attempt = fromTry ?? lastResponded(own.data);
  return {
    response: attempt?.response ?? null,
    at: attempt?.finished_at ?? null,
    fromTry: fromTry !== undefined,
    // a try-out on its way, or the runs being read
    loading: (tryJobId !== null && !(tried.data && isFinished(tried.data.state))) || own.isLoading,
  };
}
