import { useCallback } from 'react';
import uPlot from 'uplot';
import { Chart, themedAxis, type ChartColors, type ChartSpec } from '../../components/Chart';
import { formatDurationMs, formatShort, needsSeconds } from '../../lib/time';

export interface ChartRun {
  id: string;
  at: string;
  durationMs: number | null;
  outcome: 'success' | 'failure' | 'other';
}

const HEIGHT = 150;

/**
 * The time under each labelled bar: to the second when runs are less than a minute apart,
 * and never the same text twice in a row (a label equal to the one before is left out).
 */
export function runLabels(runs: readonly ChartRun[], splits: readonly number[], zone: string | undefined): string[] {
  const seconds = needsSeconds(runs.map((r) => r.at));
  let previous = '';
  return splits.map((i) => {
    const run = runs[i];
    const text = run ? formatShort(run.at, zone, seconds) : '';
    if (text === previous) return '';
    previous = text;
    return text;
  });
}

/**
 * Recent runs of a schedule as bars: height is the duration, colour the outcome (green
 * success, red failure or error); clicking a bar opens that run.
 */
export default function RunChart({ runs, zone, onPick, currentId }: { runs: ChartRun[]; zone?: string; onPick: (id: string) => void; currentId: string }) {
  const make = useCallback((colors: ChartColors): ChartSpec => barsOf(runs, zone, currentId, colors), [runs, zone, currentId]);
  return (
    <Chart
      make={make}
      height={HEIGHT}
      className="run-chart"
      label={`Durations and outcomes of the last ${runs.length} runs`}
      onPick={(i) => {
        const run = runs[i];
        if (run) onPick(run.id);
      }}
    />
  );
}

/** The bars, one a run, the run this page shows marked under its bar. */
function barsOf(runs: readonly ChartRun[], zone: string | undefined, currentId: string, colors: ChartColors): ChartSpec {
  const xs = runs.map((_, i) => i);
  const series = (kind: ChartRun['outcome']) => runs.map((r) => (r.outcome === kind ? (r.durationMs ?? 0) : null));
  const bars = uPlot.paths.bars!({ size: [0.7, 28], align: 0 });
  const current = runs.findIndex((r) => r.id === currentId);
  // room for each label: a time with seconds is longer
  const labelPx = needsSeconds(runs.map((r) => r.at)) ? 140 : 110;
  const bar = (label: string, color: string): uPlot.Series => ({ label, fill: color, stroke: color, paths: bars, points: { show: false } });
  const options: ChartSpec['options'] = {
    legend: { show: false },
    cursor: { y: false, points: { show: false } },
    scales: { x: { time: false, range: [-0.5, Math.max(runs.length - 0.5, 0.5)] }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.15)] } },
    axes: [
      themedAxis(colors, {
        grid: { show: false },
        // a label on every few runs, as many as fit
        splits: (u) => {
          const every = Math.max(1, Math.ceil(runs.length / Math.max(1, Math.floor(u.bbox.width / devicePixelRatio / labelPx))));
          return runs.map((_, i) => i).filter((i) => i % every === 0);
        },
        values: (_u, splits) => runLabels(runs, splits, zone),
      }),
      themedAxis(colors, {
        grid: { stroke: colors.grid, width: 1 },
        ticks: { show: false },
        values: (_u, splits) => splits.map((v) => formatDurationMs(v)),
        size: 56,
      }),
    ],
    series: [{ label: 'Run' }, bar('Success', colors.success), bar('Failure', colors.danger), bar('Other', colors.other)],
    hooks: {
      draw: [
        (u) => {
          if (current < 0) return;
          // mark the run this page shows
          const x = u.valToPos(current, 'x', true);
          const ctx = u.ctx;
          ctx.save();
          ctx.fillStyle = colors.accent;
          ctx.fillRect(x - 6 * devicePixelRatio, u.bbox.top + u.bbox.height + 2 * devicePixelRatio, 12 * devicePixelRatio, 3 * devicePixelRatio);
          ctx.restore();
        },
      ],
    },
  };
  return { options, data: [xs, series('success'), series('failure'), series('other')] };
}
