/**
 * A JSON-aware diff of two runs: which paths were added, removed or changed, with the
 * values on each side. Objects are compared key by key, arrays index by index, headers
 * by lower-cased name; bodies that are JSON on both sides are compared as JSON, other
 * bodies as text.
 */
import type { JsonValue } from '../../api/types';
import { parseJsonText } from '../../lib/json';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface Change {
  path: string;
  kind: ChangeKind;
  /** Absent for `added`. */
  before?: JsonValue;
  /** Absent for `removed`. */
  after?: JsonValue;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const TOKEN = /^[\w-]+$/;

/** `body.user.name`, `body.items[2]`, `body["a.b"]`; `loose` also lets `-` stand bare (header names). */
export function joinPath(base: string, key: string | number, loose = false): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENTIFIER.test(key) || (loose && TOKEN.test(key))) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every difference between two JSON values, deepest paths first found, in key order. */
export function diffJson(before: JsonValue | undefined, after: JsonValue | undefined, path = ''): Change[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path, kind: 'added', after: after! }];
  if (after === undefined) return [{ path, kind: 'removed', before }];
  if (isObject(before) && isObject(after)) {
    const changes: Change[] = [];
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) {
      const b = Object.prototype.hasOwnProperty.call(before, key) ? before[key] : undefined;
      const a = Object.prototype.hasOwnProperty.call(after, key) ? after[key] : undefined;
      changes.push(...diffJson(b, a, joinPath(path, key)));
    }
    return changes;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: Change[] = [];
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) {
      changes.push(...diffJson(i < before.length ? before[i] : undefined, i < after.length ? after[i] : undefined, joinPath(path, i)));
    }
    return changes;
  }
  if (before === after) return [];
  return [{ path, kind: 'changed', before, after }];
}

/** Headers by lower-cased name (HTTP names are case-insensitive). */
export function diffHeaders(before: Record<string, string> | null | undefined, after: Record<string, string> | null | undefined, base = 'headers'): Change[] {
  const lower = (h: Record<string, string> | null | undefined) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
    return out;
  };
  const b = lower(before);
  const a = lower(after);
  const names = Array.from(new Set([...Object.keys(b), ...Object.keys(a)])).sort();
  const changes: Change[] = [];
  for (const name of names) {
    const path = joinPath(base, name, true);
    if (!(name in b)) changes.push({ path, kind: 'added', after: a[name]! });
    else if (!(name in a)) changes.push({ path, kind: 'removed', before: b[name]! });
    else if (a[name] !== b[name]) changes.push({ path, kind: 'changed', before: b[name]!, after: a[name]! });
  }
  return changes;
}

/** Bodies as JSON when both sides are JSON, else as text. Empty or missing bodies count as absent. */
export function diffBodies(before: string | null | undefined, after: string | null | undefined, base = 'body'): Change[] {
  const b = before === null || before === undefined || before === '' ? undefined : before;
  const a = after === null || after === undefined || after === '' ? undefined : after;
  if (b === undefined || a === undefined) return diffJson(b, a, base);
  const pb = parseJsonText(b);
  const pa = parseJsonText(a);
  if (pb.ok && pa.ok) return diffJson(pb.value, pa.value, base);
  return b === a ? [] : [{ path: base, kind: 'changed', before: b, after: a }];
}

/** One side of a comparison: what an attempt sent (null when nothing was sent) and got. */
export interface RunSide {
  request: { method: string; url: string; headers: Record<string, string>; body: string | null } | null;
  response: { status: number; headers: Record<string, string>; body: string | null } | null;
  error: string | null;
  duration_ms: number | null;
}

export interface RunDiff {
  request: Change[];
  response: Change[];
}

export function diffRuns(before: RunSide, after: RunSide): RunDiff {
  const request: Change[] = [
    ...diffJson(before.request?.method.toUpperCase(), after.request?.method.toUpperCase(), 'method'),
    ...diffJson(before.request?.url, after.request?.url, 'url'),
    ...diffHeaders(before.request?.headers, after.request?.headers),
    ...diffBodies(before.request?.body, after.request?.body),
  ];
  const response: Change[] = [
    ...diffJson(before.response?.status ?? undefined, after.response?.status ?? undefined, 'status'),
    ...diffJson(before.error ?? undefined, after.error ?? undefined, 'error'),
    ...diffHeaders(before.response?.headers, after.response?.headers),
    ...diffBodies(before.response?.body, after.response?.body),
  ];
  return { request, response };
}
