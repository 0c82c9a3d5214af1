import { useCallback, useMemo } from 'react';
import type uPlot from 'uplot';
import type { LedgerRun } from '../../api/types';
import { Chart, themedAxis, type ChartColors, type ChartSpec } from '../../components/Chart';
import { formatDurationMs, formatShort } from '../../lib/time';
import { isMissed } from './ledger';

const HEIGHT = 160;
/** Room for one time under the x axis. */
const LABEL_PX = 110;

/**
 * The runs, as the chart plots them: when planned (s), how long, how late (ms). A run that
 * never went out is a point without values, so the lines break where runs were missed
 * instead of joining across the gap.
 */
export interface DriftPoint {
  jobId: string | null;
  at: number;
  durationMs: number | null;
  driftMs: number | null;
}

export function driftPoints(runs: readonly LedgerRun[]): DriftPoint[] {
  return runs
    .filter((r) => r.started_at !== null || isMissed(r))
    .map((r) => ({ jobId: r.job_id, at: Date.parse(r.planned_at) / 1000, durationMs: r.duration_ms, driftMs: r.drift_ms }));
}

function specOf(points: readonly DriftPoint[], zone: string | undefined, seconds: boolean, colors: ChartColors): ChartSpec {
  const ms = (_u: uPlot, splits: number[]) => splits.map((v) => formatDurationMs(v));
  const line = (label: string, scale: string, color: string): uPlot.Series => ({
    label,
    scale,
    stroke: color,
    width: 1.5,
    points: { show: true, size: 5, fill: color, stroke: color },
  });
  const options: ChartSpec['options'] = {
    legend: { show: false },
    cursor: { y: false },
    scales: {
      x: { time: true },
      duration: { range: (_u, _min, max) => [0, Math.max(10, max * 1.15)] },
      drift: { range: (_u, _min, max) => [0, Math.max(1000, max * 1.15)] },
    },
    axes: [
      themedAxis(colors, {
        grid: { show: false },
        space: LABEL_PX,
        values: (_u, splits) => splits.map((s) => formatShort(new Date(s * 1000).toISOString(), zone, seconds)),
      }),
      themedAxis(colors, { scale: 'duration', grid: { stroke: colors.grid, width: 1 }, ticks: { show: false }, values: ms, size: 56 }),
      themedAxis(colors, { scale: 'drift', side: 1, grid: { show: false }, ticks: { show: false }, values: ms, size: 64 }),
    ],
    series: [{ label: 'Planned' }, line('Duration', 'duration', colors.accent), line('Late by', 'drift', colors.warning)],
  };
  return {
    options,
    data: [points.map((p) => p.at), points.map((p) => p.durationMs), points.map((p) => p.driftMs)],
  };
}

/**
 * How long each run that went out took (left axis) and how late it started (right axis),
 * over the range; clicking a point opens that run.
 */
export default function LedgerChart({
  runs,
  zone,
  seconds,
  onPick,
}: {
  runs: readonly LedgerRun[];
  zone: string | undefined;
  /** Label the times to the second (runs less than a minute apart). */
  seconds: boolean;
  onPick: (jobId: string) => void;
}) {
  const points = useMemo(() => driftPoints(runs), [runs]);
  const make = useCallback((colors: ChartColors) => specOf(points, zone, seconds, colors), [points, zone, seconds]);
  return (
    <Chart
      make={make}
      height={HEIGHT}
      className="ledger-chart"
      label={`Duration and lateness of the ${runs.filter((r) => r.started_at !== null).length} runs that went out`}
      onPick={(i) => {
        const id = points[i]?.jobId;
        if (id) onPick(id);
      }}
    />
  );
}
