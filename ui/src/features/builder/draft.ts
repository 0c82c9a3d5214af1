/**
 * The new-job form left unsaved (Esc, Cancel, a click beside the drawer), kept so that the
 * next "New job" opens it again instead of losing it. One draft, in sessionStorage: it
 * lives as long as the window and may hold header values, so never in localStorage.
 */
import { newRow } from '../../components/KeyValueEditor';
import type { BuilderForm } from './form';

export const DRAFT_KEY = 'chime.builder.draft';

export interface Draft {
  form: BuilderForm;
  /** The name still follows the method and path (see JobBuilder). */
  nameFollows: boolean;
}

export function saveDraft(draft: Draft): void {
  try {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    // storage full or refused: the form is lost as before, nothing worse
  }
}

export function readDraft(): Draft | null {
  try {
    const text = sessionStorage.getItem(DRAFT_KEY);
    if (!text) return null;
    const draft = JSON.parse(text) as Draft;
    // fresh row ids: the stored ones may repeat ids this page has handed out since
    const rows = (list: BuilderForm['query']) => list.map((r) => newRow(r.key, r.value));
    return { ...draft, form: { ...draft.form, query: rows(draft.form.query), headers: rows(draft.form.headers) } };
  } catch {
    return null;
  }
}

export function clearDraft(): void {
  try {
    sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    // nothing kept
  }
}
