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

/** A JSON value as text: a string as it is, anything else as JSON (as the engine sends a query value). */
export function jsonText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Headers as the API sends them (`{name: JsonValue}`, in practice strings) as name → text,
 * for showing and comparing.
 */
export function headerTexts(headers: { [name: string]: JsonValue } | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = jsonText(value);
  return out;
}
