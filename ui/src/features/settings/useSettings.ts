import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { queryKeys } from '../../api/queryKeys';
import { machineTimeZone } from '../../lib/zones';

/** The engine's settings (`GET /api/settings`), shared by every view that needs one. */
export function useSettings() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.settings, queryFn: () => client.getSettings(), staleTime: 60_000 });
}

/**
 * The zone times are shown in: the `default_timezone` setting; this machine's zone if the
 * settings cannot be read; null while they load (so nothing is drawn in the wrong zone).
 */
export function useDisplayZone(): string | null {
  const settings = useSettings();
  if (settings.data) return settings.data.default_timezone || machineTimeZone();
  return settings.isError ? machineTimeZone() : null;
}
