/**
 * A placeholder block of a fixed size, so nothing moves when the data arrives. It shimmers
 * while its data loads; `still` for one that waits for something else (a row not yet on
 * screen), which would otherwise be repainted every frame for nothing.
 */
export function Skeleton({ width = '100%', height = 12, still = false }: { width?: number | string; height?: number; still?: boolean }) {
  return <span className={still ? 'skeleton skeleton--still' : 'skeleton'} aria-hidden="true" style={{ width, height }} />;
}
