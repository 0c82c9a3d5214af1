import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import { useToast } from '../../components/Toast';

/**
 * Row actions as mutations: each refreshes jobs and schedules when it settles and says
 * what happened in a toast.
 */
export function useRowMutations() {
  const client = useClient();
  const queryClient = useQueryClient();
  const toast = useToast();

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.jobs });
    void queryClient.invalidateQueries({ queryKey: queryKeys.schedules });
  };

  function action<A>(run: (arg: A) => Promise<unknown>, success: string) {
    return {
      mutationFn: run,
      onSuccess: () => toast(success, 'success'),
      onSettled: refresh,
    };
  }

  const onError = (error: unknown) => toast(errorMessage(error), 'danger');

  return {
    runJob: useMutation({ ...action((id: string) => client.runJob(id), 'Run started'), onError }),
    cancelJob: useMutation(action((id: string) => client.cancelJob(id), 'Job cancelled')),
    runSchedule: useMutation({ ...action((id: string) => client.runSchedule(id), 'Extra run started'), onError }),
    enableSchedule: useMutation({ ...action((id: string) => client.enableSchedule(id), 'Schedule resumed'), onError }),
    /** Paused until resumed, or with `until` until then. */
    disableSchedule: useMutation(action(({ id, until }: { id: string; until?: string }) => client.disableSchedule(id, until), 'Schedule paused')),
    deleteSchedule: useMutation(action((id: string) => client.deleteSchedule(id), 'Schedule deleted')),
  };
}
