import { useEffect, useEffectEvent, type RefObject } from 'react';

/**
 * Overlays (dialogs, drawers, popups) stack; Esc closes only the topmost. One document
 * listener serves them all, so nested overlays never close together.
 */
type Layer = { onEscape: () => void };
const stack: Layer[] = [];
let listening = false;

function onKeyDown(event: KeyboardEvent) {
  if (event.key !== 'Escape' || event.defaultPrevented) return;
  const top = stack[stack.length - 1];
  if (!top) return;
  event.preventDefault();
  event.stopPropagation();
  top.onEscape();
}

export function hasOpenLayer(): boolean {
  return stack.length > 0;
}

export function useEscapeLayer(active: boolean, onEscape: () => void): void {
  // the latest onEscape, without re-stacking the layer each render (which would reorder it)
  const escape = useEffectEvent(onEscape);
  useEffect(() => {
    if (!active) return;
    const layer: Layer = { onEscape: () => escape() };
    stack.push(layer);
    if (!listening) {
      document.addEventListener('keydown', onKeyDown, true);
      listening = true;
    }
    return () => {
      const i = stack.indexOf(layer);
      if (i !== -1) stack.splice(i, 1);
      if (stack.length === 0 && listening) {
        document.removeEventListener('keydown', onKeyDown, true);
        listening = false;
      }
    };
  }, [active]);
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';

/** Move focus into a container when it opens, keep Tab inside it, and give focus back on close. */
export function useFocusTrap(container: RefObject<HTMLElement | null>, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const previous = document.activeElement as HTMLElement | null;
    const root = container.current;
    if (root && !root.contains(document.activeElement)) {
      const autofocus = root.querySelector<HTMLElement>('[data-autofocus]');
      const first = autofocus ?? root.querySelector<HTMLElement>(FOCUSABLE);
      (first ?? root).focus();
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Tab' || !root) return;
      const items = Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => !el.closest('[hidden]'));
      if (items.length === 0) return;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    };
    root?.addEventListener('keydown', onKey);
    return () => {
      root?.removeEventListener('keydown', onKey);
      if (previous && document.contains(previous)) previous.focus();
    };
  }, [container, active]);
}
