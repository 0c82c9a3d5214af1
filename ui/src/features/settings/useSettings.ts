import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { queryKeys } from '../../api/queryKeys';
import { machineTimeZone } from '../../lib/zones';

/** The engine's settings (`GET /api/settings`), shared by every view that needs one. */
export function useSettings() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.settings, queryFn: () => client.getSettings(), staleTime: 60_000 });
}

/** The engine's state for this run (`GET /api/status`): pause, plain http by flag, job defaults. */
export function useEngineStatus() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.status, queryFn: () => client.getStatus(), staleTime: 60_000 });
}

/**
 * Whether plain http targets are allowed, and why: `flag` (`--allow-http` or
 * CHIME_ALLOW_HTTP, whatever the setting says), `setting` (the `allow_http` switch), `no`,
 * or null while unknown. The same facts the Settings page shows.
 */
export function usePlainHttp(): 'flag' | 'setting' | 'no' | null {
  const settings = useSettings();
  const status = useEngineStatus();
  if (status.data?.allow_http_for_this_run) return 'flag';
  if (settings.data?.allow_http) return 'setting';
  return settings.data && status.data ? 'no' : null;
}

/**
 * The zone times are shown in: the `default_timezone` setting; this machine's zone if the
 * settings cannot be read; null while they load (so nothing is drawn in the wrong zone).
 */
export function useDisplayZone(): string | null {
  const settings = useSettings();
  if (settings.data) return settings.data.default_timezone || machineTimeZone();
  // Once they failed, a new try (a view mounting asks again) must not make the zone unknown
  // again: views that wait for it would unmount and mount, asking again, for ever.
  return settings.errorUpdateCount > 0 ? machineTimeZone() : null;
}
