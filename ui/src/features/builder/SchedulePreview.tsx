import type { PreviewAnswer } from '../../api/types';
import { Skeleton } from '../../components/Skeleton';
import { useRelativeNow } from '../../lib/hooks';
import { formatRelative, formatRun, needsSeconds } from '../../lib/time';
import { PREVIEW_COUNT } from './useSchedulePreview';

/** The rule in words, the next runs in the chosen zone, and DST notes — all from the engine. */
export function SchedulePreview({
  preview,
  loading,
  failed,
  timeZone,
}: {
  preview: PreviewAnswer | undefined;
  loading: boolean;
  failed: boolean;
  timeZone?: string;
}) {
  // "in 5 sec." stays true as time passes (the list itself is asked again once its first run is past)
  const now = useRelativeNow(preview?.next ?? []);
  if (failed) {
    return (
      <div className="preview preview--empty" aria-live="polite">
        Fix the rule to see its next runs.
      </div>
    );
  }
  if (!preview) {
    return (
      <div className="preview" aria-busy={loading || undefined}>
        <Skeleton width="60%" height={14} />
        <ol className="preview__runs">
          {Array.from({ length: PREVIEW_COUNT }, (_, i) => (
            <li key={i}>
              <Skeleton width={220} height={12} />
            </li>
          ))}
        </ol>
      </div>
    );
  }
  const seconds = needsSeconds(preview.next);
  return (
    <div className={['preview', loading ? 'preview--stale' : ''].join(' ')} aria-live="polite" aria-label="Schedule preview">
      <p className="preview__description">{preview.description}</p>
      {preview.notes.length > 0 && (
        <ul className="preview__notes">
          {preview.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <ol className="preview__runs" aria-label="Next runs">
        {preview.next.map((iso) => (
          <li key={iso}>
            <time dateTime={iso}>{formatRun(iso, timeZone, seconds)}</time>
            <span className="faint">{formatRelative(iso, now)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
