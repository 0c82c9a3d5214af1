import { useState } from 'react';
import { Link } from '@tanstack/react-router';
import type { LedgerRun } from '../../api/types';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { formatNumber } from '../../lib/locale';
import { formatAbsolute, formatDurationMs, formatShort, needsSeconds } from '../../lib/time';
import { KIND_LABEL, KIND_TONE, runKind, runWords } from './ledger';

/** Rows shown at first, and added by each "Show older". */
const PAGE = 50;
/** A start this close to its planned time is on time (the scheduler's own latency). */
const ON_TIME_MS = 1000;

function Planned({ run, zone, seconds }: { run: LedgerRun; zone: string | undefined; seconds: boolean }) {
  const title = run.until ? `${formatAbsolute(run.planned_at, zone)} – ${formatAbsolute(run.until, zone)}` : formatAbsolute(run.planned_at, zone);
  return (
    <td className="ledger__when" title={title}>
      <time dateTime={run.planned_at}>{formatShort(run.planned_at, zone, seconds)}</time>
      {run.until && (
        <>
          {' – '}
          <time dateTime={run.until}>{formatShort(run.until, zone, seconds)}</time>
        </>
      )}
    </td>
  );
}

function lateBy(drift: number | null): string {
  if (drift === null) return '';
  return drift < ON_TIME_MS ? 'on time' : formatDurationMs(drift);
}

function Row({ run, zone, seconds }: { run: LedgerRun; zone: string | undefined; seconds: boolean }) {
  const kind = runKind(run);
  return (
    <tr className={`ledger__row ledger__row--${kind}`}>
      <Planned run={run} zone={zone} seconds={seconds} />
      <td>
        <Badge tone={KIND_TONE[kind]}>{KIND_LABEL[kind]}</Badge>
      </td>
      <td className="ledger__words">{runWords(run)}</td>
      <td className="ledger__num">{lateBy(run.drift_ms)}</td>
      <td className="ledger__num">{formatDurationMs(run.duration_ms)}</td>
      <td>
        {run.job_id && run.started_at && (
          <Link to="/jobs/detail/$jobId" params={{ jobId: run.job_id }}>
            Open run
          </Link>
        )}
      </td>
    </tr>
  );
}

/** The ledger in words, newest first: each planned run, or stretch of missed ones, on a line. */
export function LedgerTable({ runs, zone }: { runs: readonly LedgerRun[]; zone: string | undefined }) {
  const [shown, setShown] = useState(PAGE);
  const newestFirst = [...runs].reverse();
  const seconds = needsSeconds(runs.map((r) => r.planned_at));
  const more = newestFirst.length - shown;
  return (
    <>
      <table className="ledger" aria-label="Ledger">
        <thead>
          <tr>
            <th scope="col">Planned</th>
            <th scope="col">Result</th>
            <th scope="col">What happened</th>
            <th scope="col">Late by</th>
            <th scope="col">Took</th>
            <th scope="col">
              <span className="visually-hidden">Run</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.slice(0, shown).map((run) => (
            <Row key={`${run.planned_at}-${run.count}-${run.job_id ?? ''}`} run={run} zone={zone} seconds={seconds} />
          ))}
        </tbody>
      </table>
      {more > 0 && (
        <Button size="sm" variant="ghost" onClick={() => setShown((n) => n + PAGE)}>
          Show older ({formatNumber(more)} more)
        </Button>
      )}
    </>
  );
}
