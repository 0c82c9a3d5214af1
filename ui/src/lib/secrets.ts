import type { JsonValue } from '../api/types';
import { jsonText } from './json';

/**
 * Which header values are secrets, how they show until revealed, and what "Reveal" may
 * show. Used wherever recorded headers are displayed (live log, run detail, compare).
 *
 * The rule is the engine's own (crates/engine/src/redact.rs), so the UI masks exactly
 * what the engine redacts: a name that is `authorization`, `proxy-authorization`,
 * `cookie` or `set-cookie`, or contains `token`, `secret`, `key`, `password` or `auth`,
 * compared in ASCII lower case and untrimmed, as the engine compares it.
 */
const SECRET_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_WORDS = ['token', 'secret', 'key', 'password', 'auth'];

/** Lower case for A–Z only, as Rust's `to_ascii_lowercase` (JS would also fold e.g. the Kelvin sign). */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** A header or query parameter name whose value is a credential. */
export function isSecretName(name: string): boolean {
  const lower = asciiLower(name);
  return SECRET_NAMES.has(lower) || SECRET_WORDS.some((word) => lower.includes(word));
}

/**
 * What the engine writes in place of a credential: `REDACTED`, or `Bearer REDACTED` when
 * the value began with a scheme (letters, then a space).
 */
const REDACTED_VALUE = /^(?:[A-Za-z]+ )?REDACTED$/;

/** Whether a recorded secret's value is the engine's placeholder rather than the value. */
export function isRedacted(value: string): boolean {
  return REDACTED_VALUE.test(value);
}

export const MASK = '••••••••';

/**
 * A secret value, masked: an `Authorization` value keeps its scheme ("Bearer ••••••••"),
 * so it still says what kind of credential was sent; everything else is dots.
 */
export function maskValue(name: string, value: string): string {
  if (!value) return value;
  const lower = asciiLower(name);
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const scheme = /^([A-Za-z][\w-]*)\s+\S/.exec(value);
    if (scheme) return `${scheme[1]} ${MASK}`;
  }
  return MASK;
}

/**
 * The job's own headers, as far as the UI knows them: `none` when there is no definition
 * to ask (a response's headers), else the state of `GET /api/jobs/{id}`.
 */
export type Definition =
  | { status: 'none' }
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'loaded'; headers: { [name: string]: JsonValue } };

export const NO_DEFINITION: Definition = { status: 'none' };

/** The value the job defines for header `name` (names compared case-insensitively, as HTTP does). */
export function definedValue(headers: { [name: string]: JsonValue }, name: string): string | undefined {
  const wanted = asciiLower(name);
  const found = Object.entries(headers).find(([defined]) => asciiLower(defined) === wanted);
  return found ? jsonText(found[1]) : undefined;
}

/** What a header's value cell shows. */
export type Shown =
  /** the value as recorded: not a secret, or a secret revealed that was recorded whole (before redaction) */
  | { kind: 'recorded'; text: string }
  | { kind: 'masked'; text: string }
  /** revealed from the job's own definition (it may hold a template such as `{{$state.token}}`) */
  | { kind: 'defined'; text: string }
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  /** redacted in the record and not in the job's definition: Chime has no copy of it */
  | { kind: 'not-kept' };

/**
 * How a recorded header shows. Until revealed a secret is masked. Revealed, a value the
 * engine redacted comes from the job's definition, never the record: the placeholder is
 * not the value, and Chime keeps a credential only where the job defines it.
 */
export function shownValue(name: string, recorded: string, revealed: boolean, definition: Definition): Shown {
  if (!isSecretName(name)) return { kind: 'recorded', text: recorded };
  if (!revealed) return { kind: 'masked', text: maskValue(name, recorded) };
  if (!isRedacted(recorded)) return { kind: 'recorded', text: recorded };
  switch (definition.status) {
    case 'none':
      return { kind: 'not-kept' };
    case 'loading':
      return { kind: 'loading' };
    case 'failed':
      return { kind: 'failed', message: definition.message };
    case 'loaded': {
      const text = definedValue(definition.headers, name);
      return text === undefined ? { kind: 'not-kept' } : { kind: 'defined', text };
    }
  }
}

/** Whether showing these headers revealed needs the job's definition (a secret the record lacks). */
export function needsDefinition(headers: { [name: string]: JsonValue } | null | undefined): boolean {
  return Object.entries(headers ?? {}).some(([name, value]) => isSecretName(name) && isRedacted(jsonText(value)));
}

export const NOT_KEPT_TEXT = 'Chime does not keep this value';
export const FROM_DEFINITION_TEXT = 'from the job’s definition';

/** A `Shown` as one line of plain text (a diff cell, a title). */
export function shownText(shown: Shown): string {
  switch (shown.kind) {
    case 'recorded':
    case 'masked':
    case 'defined':
      return shown.text;
    case 'loading':
      return 'Loading…';
    case 'failed':
      return `Could not load the job: ${shown.message}`;
    case 'not-kept':
      return NOT_KEPT_TEXT;
  }
}
