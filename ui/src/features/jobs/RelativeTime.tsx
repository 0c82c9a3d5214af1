import { formatAbsolute, formatRelative } from '../../lib/time';

/** "in 5 min", with the full date and time on hover. */
export function RelativeTime({ iso, now, timeZone }: { iso: string | null; now: number; timeZone?: string }) {
  if (!iso) return <span className="faint">—</span>;
  return (
    <time dateTime={iso} title={formatAbsolute(iso, timeZone)}>
      {formatRelative(iso, now)}
    </time>
  );
}
