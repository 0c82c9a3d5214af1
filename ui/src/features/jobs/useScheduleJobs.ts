import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { queryKeys } from '../../api/queryKeys';
import { STRIP_LENGTH } from './OutcomeStrip';

/**
 * A schedule's newest jobs, newest first: one query (and cache) for its row and its page.
 * `enabled: false` waits (a row not yet on screen).
 */
export function useScheduleJobs(scheduleId: string, { enabled = true }: { enabled?: boolean } = {}) {
  const client = useClient();
  return useQuery({
    queryKey: queryKeys.scheduleHistory(scheduleId),
    queryFn: () => client.listJobs({ schedule_id: scheduleId, limit: STRIP_LENGTH, order_by: ['scheduled_at', 'desc'] }),
    enabled,
  });
}
