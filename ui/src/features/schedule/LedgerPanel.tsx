import { lazy, Suspense } from 'react';
import { useNavigate } from '@tanstack/react-router';
import { errorMessage } from '../../api/errors';
import type { LedgerRun } from '../../api/types';
import { Button } from '../../components/Button';
import { canChart } from '../../components/canChart';
import { PartBoundary } from '../../components/PartBoundary';
import { SegmentedControl } from '../../components/SegmentedControl';
import { Skeleton } from '../../components/Skeleton';
import { formatNumber } from '../../lib/locale';
import { needsSeconds } from '../../lib/time';
import { tally } from './ledger';
import { LedgerTable } from './LedgerTable';
import { RANGES, type LedgerRange } from './search';
import { tallyText, Timeline } from './Timeline';
import { LEDGER_LIMIT, useLedger, type Ledger } from './useLedger';

// uPlot loads with the chart (the page's own chunk stays small).
const LedgerChart = lazy(() => import('./LedgerChart'));

const RANGE_OPTIONS = (Object.keys(RANGES) as LedgerRange[]).map((value) => ({ value, label: RANGES[value].label }));

function Chart({ runs, zone }: { runs: readonly LedgerRun[]; zone: string | undefined }) {
  const navigate = useNavigate();
  if (!runs.some((r) => r.started_at !== null)) return <p className="faint">No run went out in this range.</p>;
  if (!canChart()) return null;
  return (
    <Suspense fallback={<Skeleton height={160} />}>
      <LedgerChart
        runs={runs}
        zone={zone}
        seconds={needsSeconds(runs.map((r) => r.planned_at))}
        onPick={(jobId) => void navigate({ to: '/jobs/detail/$jobId', params: { jobId } })}
      />
    </Suspense>
  );
}

function Loaded({ ledger, zone }: { ledger: Ledger; zone: string | undefined }) {
  const { runs, from, to, range } = ledger;
  const counts = tallyText(tally(runs));
  return (
    <>
      <p className="schedule-runs__tally">{counts}</p>
      {ledger.cut && (
        <p className="banner banner--warning" role="status">
          This range holds more than {formatNumber(LEDGER_LIMIT)} runs; the oldest {formatNumber(LEDGER_LIMIT)} are shown. Pick a shorter range to
          see the latest.
        </p>
      )}
      <PartBoundary label="the timeline">
        <Timeline runs={runs} from={from} to={to} slices={RANGES[range].slices} zone={zone} label={`${RANGES[range].label}: ${counts}`} />
      </PartBoundary>
      <section className="schedule-runs__chart" aria-label="Drift and duration">
        <h3 className="schedule-section__sub">
          Drift and duration
          <span className="chart-key" aria-hidden="true">
            <span className="chart-key__item chart-key__item--duration">took (left)</span>
            <span className="chart-key__item chart-key__item--drift">late by (right)</span>
          </span>
        </h3>
        <PartBoundary label="the chart">
          <Chart runs={runs} zone={zone} />
        </PartBoundary>
      </section>
      <PartBoundary label="the ledger">
        {runs.length === 0 ? <p className="faint">Nothing was planned in this range.</p> : <LedgerTable runs={runs} zone={zone} />}
      </PartBoundary>
    </>
  );
}

/** The ledger over the chosen range: counts, the timeline, drift and duration, and each row in words. */
export function LedgerPanel({
  scheduleId,
  range,
  onRange,
  zone,
}: {
  scheduleId: string;
  range: LedgerRange;
  onRange: (range: LedgerRange) => void;
  zone: string | undefined;
}) {
  const ledger = useLedger(scheduleId, range);
  return (
    <section className="schedule-section" aria-labelledby="schedule-runs-title">
      <header className="schedule-section__head">
        <h2 id="schedule-runs-title" className="schedule-section__title">
          Runs
        </h2>
        <SegmentedControl label="Range" value={range} onChange={onRange} options={RANGE_OPTIONS} />
      </header>
      {ledger.error && !ledger.data ? (
        <div className="banner banner--danger" role="alert">
          {errorMessage(ledger.error)}{' '}
          <Button size="sm" variant="ghost" onClick={() => void ledger.refetch()}>
            Try again
          </Button>
        </div>
      ) : !ledger.data ? (
        <div aria-busy="true" className="schedule-runs__loading">
          <Skeleton width="40%" />
          <Skeleton height={28} />
          <Skeleton height={160} />
        </div>
      ) : (
        <div className={ledger.isPlaceholderData ? 'schedule-runs is-stale' : 'schedule-runs'} aria-busy={ledger.isPlaceholderData || undefined}>
          <Loaded ledger={ledger.data} zone={zone} />
        </div>
      )}
    </section>
  );
}
