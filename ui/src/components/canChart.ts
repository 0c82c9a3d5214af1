/**
 * Whether this environment can draw a chart (components/Chart.tsx). jsdom cannot, unless a
 * test gives it what it lacks (test/chart.ts). Apart from the chart, so asking does not
 * load uPlot.
 */
export function canChart(): boolean {
  return typeof ResizeObserver !== 'undefined';
}
