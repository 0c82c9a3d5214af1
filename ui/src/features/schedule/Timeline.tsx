import type { LedgerRun } from '../../api/types';
import { formatNumber } from '../../lib/locale';
import { formatShort } from '../../lib/time';
import { bucketKind, bucketsOf, isMissed, KIND_LABEL, runWords, spanOf, type Bucket, type Tally } from './ledger';

function bucketTitle(bucket: Bucket, zone: string | undefined): string {
  const when = `${formatShort(new Date(bucket.start).toISOString(), zone)} – ${formatShort(new Date(bucket.end).toISOString(), zone)}`;
  const counts = Object.entries(bucket.counts).map(([kind, n]) => `${formatNumber(n)} ${KIND_LABEL[kind as keyof typeof KIND_LABEL].toLowerCase()}`);
  return counts.length > 0 ? `${when}: ${counts.join(', ')}` : `${when}: nothing planned`;
}

function bandTitle(run: LedgerRun, zone: string | undefined): string {
  const when = run.until ? `${formatShort(run.planned_at, zone)} – ${formatShort(run.until, zone)}` : formatShort(run.planned_at, zone);
  return `${when}: ${runWords(run)}`;
}

/** "40 succeeded · 2 failed · 51 missed · 1 ran late". */
export function tallyText(t: Tally): string {
  const parts = [`${formatNumber(t.succeeded)} succeeded`, `${formatNumber(t.failed)} failed`, `${formatNumber(t.missed)} missed`];
  if (t.late > 0) parts.push(`${formatNumber(t.late)} ran late`);
  return parts.join(' · ');
}

/**
 * The range as a strip of equal slices, each coloured by what became of the runs planned
 * in it (a failure shows first), and the missed runs laid over it as bands, a stretch as
 * one band as long as it lasted. The ledger's table below says the same in words.
 */
export function Timeline({
  runs,
  from,
  to,
  slices,
  zone,
  label,
}: {
  runs: readonly LedgerRun[];
  from: number;
  to: number;
  slices: number;
  zone: string | undefined;
  label: string;
}) {
  const buckets = bucketsOf(runs, from, to, slices);
  const missed = runs.filter(isMissed);
  return (
    <div className="timeline">
      <div className="timeline__strip" role="img" aria-label={label}>
        {buckets.map((b) => (
          <span key={b.start} className={`timeline__slice timeline__slice--${bucketKind(b) ?? 'empty'}`} title={bucketTitle(b, zone)} />
        ))}
        {missed.map((run) => {
          const { left, width } = spanOf(run, from, to);
          return (
            <span
              key={`${run.planned_at}-${run.count}`}
              className="timeline__band"
              style={{ left: `${left * 100}%`, width: `max(${width * 100}%, 3px)` }}
              title={bandTitle(run, zone)}
            />
          );
        })}
      </div>
      <div className="timeline__axis faint" aria-hidden="true">
        <span>{formatShort(new Date(from).toISOString(), zone)}</span>
        <span>now</span>
      </div>
    </div>
  );
}
