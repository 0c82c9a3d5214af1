import { useEffect } from 'react';
import { hasOpenLayer } from '../components/layers';

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('[contenteditable="true"]')) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/**
 * App-wide keys: `N` opens a new job, `/` focuses search. They are ignored while typing
 * and while a dialog or drawer is open (Esc is handled by the overlays themselves).
 */
export function useGlobalShortcuts(actions: { newJob: () => void; focusSearch: () => void }): void {
  const { newJob, focusSearch } = actions;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
      if (isTypingTarget(event.target) || hasOpenLayer()) return;
      if (event.key === 'n' || event.key === 'N') {
        event.preventDefault();
        newJob();
      } else if (event.key === '/') {
        event.preventDefault();
        focusSearch();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [newJob, focusSearch]);
}
