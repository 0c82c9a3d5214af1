import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { queryKeys } from '../../api/queryKeys';
import type { PreviewInput } from '../../api/types';
import { useDebounced } from '../../lib/hooks';

export const PREVIEW_COUNT = 10;
export const PREVIEW_DEBOUNCE_MS = 300;

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
  });
  return { ...query, settling: !ready };
}
