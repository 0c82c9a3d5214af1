import { useQuery } from '@tanstack/react-query';
import { useClient } from '../api/ClientContext';
import { errorMessage } from '../api/errors';
import { queryKeys } from '../api/queryKeys';
import { NO_DEFINITION, type Definition } from '../lib/secrets';

/**
 * The headers job `jobId` defines (`GET /api/jobs/{id}` → `request.headers`), where the real
 * values of credentials the engine redacted in its records still are. Asked for only while
 * `wanted` (a secret is revealed that the record lacks), so a credential leaves the engine
 * only when someone asks to see it; a job already loaded (the run detail) is not asked again.
 */
export function useJobDefinition(jobId: string | null | undefined, wanted: boolean): Definition {
  const client = useClient();
  const job = useQuery({
    queryKey: queryKeys.job(jobId ?? ''),
    queryFn: () => client.getJob(jobId ?? ''),
    enabled: wanted && !!jobId,
    staleTime: 60_000,
  });
  if (!jobId) return NO_DEFINITION;
  if (job.data) return { status: 'loaded', headers: job.data.request.headers };
  if (job.error) return { status: 'failed', message: errorMessage(job.error) };
  return { status: 'loading' };
}
