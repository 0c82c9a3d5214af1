/**
 * A uPlot chart: what every chart of the UI shares (the theme's colours read from CSS, a
 * rebuild when the system switches dark mode, the width following the element, a click
 * that picks a point, teardown). Import it only through `lazy()`: uPlot reads the window
 * when its module loads, and stays out of the first bundle and the pages' own chunks. uPlot draws on a canvas (no inline styles, no eval: strict CSP is
 * fine) and its own number formatter is made with the UI's locale (build/uplotLocale.ts);
 * charts give their axes their own `values` from lib/time.ts, so labels read as the rest
 * of the UI does, under a C locale too.
 */
import { useEffect, useEffectEvent, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartColors {
  success: string;
  danger: string;
  warning: string;
  other: string;
  grid: string;
  text: string;
  accent: string;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** The theme's colours now (they change with dark mode, so read at each build). */
export function chartColors(): ChartColors {
  return {
    success: cssVar('--success', '#1e8e4e'),
    danger: cssVar('--danger', '#d3333a'),
    warning: cssVar('--warning', '#a86a0c'),
    other: cssVar('--text-faint', '#9c9ca6'),
    grid: cssVar('--border', '#e7e7eb'),
    text: cssVar('--text-muted', '#676773'),
    accent: cssVar('--accent', '#5b5bd6'),
  };
}

export const CHART_FONT = '11px system-ui, sans-serif';

/** An axis in the theme: muted labels in the UI's font; `extra` says the rest. */
export function themedAxis(colors: ChartColors, extra: uPlot.Axis): uPlot.Axis {
  return { stroke: colors.text, font: CHART_FONT, ticks: { stroke: colors.grid }, ...extra };
}

/** What a chart draws: uPlot's options (width and height come from the element) and data. */
export interface ChartSpec {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
}

const MIN_WIDTH = 240;

/**
 * The chart `make` describes, as wide as its element. `make` is called again when it
 * changes (keep it in `useCallback`) and when dark mode switches; `onPick` gets the index
 * of the point under a click.
 */
export function Chart({
  make,
  height,
  label,
  className,
  onPick,
}: {
  make: (colors: ChartColors) => ChartSpec;
  height: number;
  label: string;
  className: string;
  onPick?: (index: number) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  // the latest onPick, without building the chart again when it changes
  const pick = useEffectEvent((index: number) => onPick?.(index));
  const pickable = onPick !== undefined;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const dark = window.matchMedia?.('(prefers-color-scheme: dark)');
    let plot: uPlot | null = null;
    const width = () => Math.max(MIN_WIDTH, el.clientWidth);

    const build = () => {
      plot?.destroy();
      const { options, data } = make(chartColors());
      const ready = (u: uPlot) => {
        if (!pickable) return;
        u.over.addEventListener('click', () => {
          const i = u.cursor.idx;
          if (i !== null && i !== undefined) pick(i);
        });
        u.over.style.cursor = 'pointer';
      };
      const hooks = { ...options.hooks, ready: [...(options.hooks?.ready ?? []), ready] };
      plot = new uPlot({ ...options, hooks, width: width(), height }, data, el);
    };

    build();
    const resize = new ResizeObserver(() => plot?.setSize({ width: width(), height }));
    resize.observe(el);
    dark?.addEventListener?.('change', build);
    return () => {
      resize.disconnect();
      dark?.removeEventListener?.('change', build);
      plot?.destroy();
    };
  }, [make, height, pickable]);

  return <div ref={host} className={className} data-chart role="img" aria-label={label} />;
}
