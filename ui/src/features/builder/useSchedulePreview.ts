import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { queryKeys } from '../../api/queryKeys';
import type { PreviewInput } from '../../api/types';
import { useDebounced } from '../../lib/hooks';

export const PREVIEW_COUNT = 10;
export const PREVIEW_DEBOUNCE_MS = 300;
/** How long after its first run the preview is asked again (the run has then surely passed). */
const PAST_MARGIN_MS = 500;

/** The engine's reading of a rule (description, next runs, DST notes), asked as the person types. */
export function useSchedulePreview(input: PreviewInput | null) {
  const client = useClient();
  const debounced = useDebounced(input, PREVIEW_DEBOUNCE_MS);
  const ready = debounced !== null && JSON.stringify(debounced) === JSON.stringify(input);
  const request: PreviewInput = { ...(debounced ?? {}), count: PREVIEW_COUNT };
  const query = useQuery({
    queryKey: queryKeys.preview(request),
    queryFn: () => client.previewSchedule(request),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 60_000,
    // Once the first listed run is past, the list is out of date: ask for the next ones.
    refetchInterval: (q) => {
      const first = Date.parse(q.state.data?.next[0] ?? '');
      return Number.isNaN(first) ? false : Math.max(1000, first - Date.now() + PAST_MARGIN_MS);
    },
  });
  return { ...query, settling: !ready };
}
