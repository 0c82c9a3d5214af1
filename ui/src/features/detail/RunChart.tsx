import { useEffect, useEffectEvent, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
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

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/**
 * Recent runs of a schedule as bars: height is the duration, colour the outcome (green
 * success, red failure or error). Canvas-drawn with uPlot (no inline styles or eval, so
 * strict CSP is fine); clicking a bar opens that run.
 */
export default function RunChart({ runs, zone, onPick, currentId }: { runs: ChartRun[]; zone?: string; onPick: (id: string) => void; currentId: string }) {
  const host = useRef<HTMLDivElement>(null);
  // the latest onPick, without building the chart again when it changes
  const pick = useEffectEvent((id: string) => onPick(id));

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const dark = window.matchMedia?.('(prefers-color-scheme: dark)');
    let plot: uPlot | null = null;

    const build = () => {
      plot?.destroy();
      const success = cssVar('--success', '#1e8e4e');
      const danger = cssVar('--danger', '#d3333a');
      const other = cssVar('--text-faint', '#9c9ca6');
      const grid = cssVar('--border', '#e7e7eb');
      const text = cssVar('--text-muted', '#676773');
      const accent = cssVar('--accent', '#5b5bd6');
      const xs = runs.map((_, i) => i);
      const series = (kind: ChartRun['outcome']) => runs.map((r) => (r.outcome === kind ? (r.durationMs ?? 0) : null));
      const bars = uPlot.paths.bars!({ size: [0.7, 28], align: 0 });
      const current = runs.findIndex((r) => r.id === currentId);
      // room for each label: a time with seconds is longer
      const labelPx = needsSeconds(runs.map((r) => r.at)) ? 140 : 110;
      const opts: uPlot.Options = {
        width: Math.max(240, el.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { y: false, points: { show: false } },
        scales: { x: { time: false, range: [-0.5, Math.max(runs.length - 0.5, 0.5)] }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.15)] } },
        axes: [
          {
            stroke: text,
            grid: { show: false },
            ticks: { stroke: grid },
            // a label on every few runs, as many as fit
            splits: (u) => {
              const every = Math.max(1, Math.ceil(runs.length / Math.max(1, Math.floor(u.bbox.width / devicePixelRatio / labelPx))));
              return runs.map((_, i) => i).filter((i) => i % every === 0);
            },
            values: (_u, splits) => runLabels(runs, splits, zone),
            font: '11px system-ui, sans-serif',
          },
          {
            stroke: text,
            grid: { stroke: grid, width: 1 },
            ticks: { show: false },
            values: (_u, splits) => splits.map((v) => formatDurationMs(v)),
            size: 56,
            font: '11px system-ui, sans-serif',
          },
        ],
        series: [
          { label: 'Run' },
          { label: 'Success', fill: success, stroke: success, paths: bars, points: { show: false } },
          { label: 'Failure', fill: danger, stroke: danger, paths: bars, points: { show: false } },
          { label: 'Other', fill: other, stroke: other, paths: bars, points: { show: false } },
        ],
        hooks: {
          draw: [
            (u) => {
              if (current < 0) return;
              // mark the run this page shows
              const x = u.valToPos(current, 'x', true);
              const ctx = u.ctx;
              ctx.save();
              ctx.fillStyle = accent;
              ctx.fillRect(x - 6 * devicePixelRatio, u.bbox.top + u.bbox.height + 2 * devicePixelRatio, 12 * devicePixelRatio, 3 * devicePixelRatio);
              ctx.restore();
            },
          ],
          ready: [
            (u) => {
              u.over.addEventListener('click', () => {
                const i = u.cursor.idx;
                const run = i !== null && i !== undefined ? runs[i] : undefined;
                if (run) pick(run.id);
              });
              u.over.style.cursor = 'pointer';
            },
          ],
        },
      };
      plot = new uPlot(opts, [xs, series('success'), series('failure'), series('other')], el);
    };

    build();
    const resize = new ResizeObserver(() => plot?.setSize({ width: Math.max(240, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    dark?.addEventListener?.('change', build);
    return () => {
      resize.disconnect();
      dark?.removeEventListener?.('change', build);
      plot?.destroy();
    };
  }, [runs, zone, currentId]);

  return <div ref={host} className="run-chart" role="img" aria-label={`Durations and outcomes of the last ${runs.length} runs`} />;
}
