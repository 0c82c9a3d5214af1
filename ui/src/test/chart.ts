import { vi } from 'vitest';

/**
 * What a chart (uPlot, components/Chart.tsx) needs and jsdom lacks: a 2D canvas context,
 * Path2D (kept for the rest of the file), ResizeObserver, matchMedia and a width. The context draws nothing but records each
 * `fillText`, so a test can read the axis labels the chart drew.
 */
export function stubChartEnvironment({ width = 0 } = {}): { labels: string[] } {
  const clientWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) {
    if (this.hasAttribute('data-chart')) return width;
    return clientWidth?.get ? (clientWidth.get.call(this) as number) : 0;
  });
  const labels: string[] = [];
  const noop = () => {};
  const context = new Proxy(
    {},
    {
      get(target: Record<string | symbol, unknown>, key) {
        if (key in target) return target[key];
        if (key === 'fillText') return (text: string) => labels.push(String(text));
        if (key === 'measureText') return (text: string) => ({ width: String(text).length * 6 });
        return noop;
      },
      set(target, key, value) {
        target[key] = value;
        return true;
      },
    },
  );
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(() => context as unknown as CanvasRenderingContext2D);
  // Not a stub that `vi.unstubAllGlobals()` takes away with the rest: uPlot draws in a
  // microtask it queued, which can run after the test's teardown (a ReferenceError then
  // failed the run on a loaded machine). jsdom has no Path2D to restore anyway.
  if (!('Path2D' in globalThis)) {
    Object.defineProperty(globalThis, 'Path2D', {
      configurable: true,
      value: class {
        moveTo = noop;
        lineTo = noop;
        rect = noop;
        arc = noop;
        closePath = noop;
        addPath = noop;
        bezierCurveTo = noop;
      },
    });
  }
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe = noop;
      unobserve = noop;
      disconnect = noop;
    },
  );
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: false,
    media: query,
    addEventListener: noop,
    removeEventListener: noop,
    addListener: noop,
    removeListener: noop,
  }));
  return { labels };
}

/** What WebKitGTK reports under LANG=C.UTF-8. */
export function stubCLocale(): void {
  vi.spyOn(navigator, 'language', 'get').mockReturnValue('C');
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['C']);
}
