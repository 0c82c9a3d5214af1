import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import type { EventOf } from '../../api/events';
import { queryKeys } from '../../api/queryKeys';
import type { LogEvent } from '../../api/types';
import { ALERT_EVENTS, type AlertEventKind } from './AlertEvent';

const isAlert = (e: LogEvent): e is EventOf<AlertEventKind> => (ALERT_EVENTS as readonly string[]).includes(e.event);

/**
 * The alerts a job's run raised (its schedule failing or working again, its response
 * changed), oldest first. Under the job's own query key, so its live events refresh them.
 */
export function useJobAlerts(jobId: string): Array<EventOf<AlertEventKind>> {
  const client = useClient();
  const query = useQuery({
    queryKey: queryKeys.jobAlerts(jobId),
    queryFn: () => client.listLogs({ job_id: jobId, event: ALERT_EVENTS, order: 'asc', limit: 50 }),
  });
  return (query.data?.data ?? []).filter(isAlert);
}
