import type { JsonValue } from '../api/types';

/** Text that is JSON, parsed; anything else (HTML, plain text, empty) is not. */
export function parseJsonText(text: string | null | undefined): { ok: true; value: JsonValue } | { ok: false } {
  if (text === null || text === undefined || text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false };
  }
}
