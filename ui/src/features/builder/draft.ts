/**
 * The new-job form not yet saved, kept so that the next "New job" opens it again instead of
 * losing it: written as it is typed (the builder saves it on each change), so it outlives
 * Esc, Cancel, a click beside the drawer and the window itself. The desktop app destroys
 * its webview when the window closes, which ends sessionStorage; localStorage stays. It
 * may hold header values (a token typed into the form): the same as the job will hold
 * once saved, in the app's own data folder, and it is removed once the job is saved or
 * the draft discarded.
 */
import { newRow } from '../../components/KeyValueEditor';
import { emptyForm, type BuilderForm } from './form';

export const DRAFT_KEY = 'chime.builder.draft';

export interface Draft {
  form: BuilderForm;
  /** The name still follows the method and path (see JobBuilder). */
  nameFollows: boolean;
}

export function saveDraft(draft: Draft): void {
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    // storage full or refused: the form is lost as before, nothing worse
  }
}

export function readDraft(): Draft | null {
  try {
    const text = localStorage.getItem(DRAFT_KEY);
    if (!text) return null;
    const draft = JSON.parse(text) as Draft;
    // a draft an older Chime kept lacks the fields added since: they start empty
    const form: BuilderForm = { ...emptyForm(draft.form.timezone), ...draft.form };
    // fresh row ids: the stored ones may repeat ids this page has handed out since
    const rows = (list: BuilderForm['query']) => list.map((r) => newRow(r.key, r.value));
    return { ...draft, form: { ...form, query: rows(form.query), headers: rows(form.headers) } };
  } catch {
    return null;
  }
}

export function clearDraft(): void {
  try {
    localStorage.removeItem(DRAFT_KEY);
  } catch {
    // nothing kept
  }
}
