/**
 * Buffers items that arrive one by one (1,000 a second and more) and hands them over in
 * one batch at most every `intervalMs`, so the log renders about ten times a second
 * instead of once per event.
 */
export interface Batcher<T> {
  push(item: T): void;
  /** Hand over what is buffered now. */
  flush(): void;
  /** Drop what is buffered and stop. */
  dispose(): void;
  readonly pending: number;
}

export interface BatcherOptions {
  intervalMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export const FLUSH_INTERVAL_MS = 100;

export function createBatcher<T>(onFlush: (items: T[]) => void, options: BatcherOptions = {}): Batcher<T> {
  const intervalMs = options.intervalMs ?? FLUSH_INTERVAL_MS;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  let buffer: T[] = [];
  let timer: unknown = null;
  let disposed = false;

  const flush = () => {
    if (timer !== null) clearTimer(timer);
    timer = null;
    if (buffer.length === 0) return;
    const items = buffer;
    buffer = [];
    onFlush(items);
  };

  return {
    push(item) {
      if (disposed) return;
      buffer.push(item);
      if (timer === null) timer = setTimer(flush, intervalMs);
    },
    flush,
    dispose() {
      disposed = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
      buffer = [];
    },
    get pending() {
      return buffer.length;
    },
  };
}
