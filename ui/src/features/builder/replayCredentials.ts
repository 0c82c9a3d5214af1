/**
 * Edit and replay starts from what an attempt sent, as the engine recorded it. The engine
 * records credentials redacted (`Bearer REDACTED`, `api_key=REDACTED`,
 * `REDACTED:REDACTED@`), so the real values are only in the job's own definition: each
 * redacted one is taken from there, and a replay sends the credential, not the placeholder.
 */
import type { JsonValue, RequestSpec } from '../../api/types';
import { jsonText } from '../../lib/json';
import { definedValue, isRedacted, isSecretName } from '../../lib/secrets';

const PLACEHOLDER = 'REDACTED';

/** Recorded headers with each redacted credential as the job defines it. */
export function definedHeaders(sent: Record<string, JsonValue>, own: RequestSpec['headers']): Record<string, JsonValue> {
  return Object.fromEntries(
    Object.entries(sent).map(([name, value]) => {
      const redacted = isSecretName(name) && isRedacted(jsonText(value));
      return [name, redacted ? (definedValue(own, name) ?? value) : value];
    }),
  );
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** The job's query parameters in the order they go on the wire: its URL's, then its `query`. */
function definedParams(spec: RequestSpec): Array<[string, string]> {
  const fromUrl = Array.from(parseUrl(spec.url)?.searchParams.entries() ?? []);
  const fromQuery = Object.entries(spec.query).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, jsonText(v)]),
  );
  return [...fromUrl, ...fromQuery];
}

/** Recorded query parameters with each redacted credential as the job defines it (the n-th of a name from the n-th). */
export function definedQuery(sent: Array<[string, string]>, spec: RequestSpec): Array<[string, string]> {
  const defined = definedParams(spec);
  const seen = new Map<string, number>();
  return sent.map(([name, value]) => {
    const nth = seen.get(name) ?? 0;
    seen.set(name, nth + 1);
    if (value !== PLACEHOLDER || !isSecretName(name)) return [name, value];
    const own = defined.filter(([n]) => n === name)[nth];
    return [name, own ? own[1] : value];
  });
}

/** A recorded URL with its redacted user and password as the job's URL has them. */
export function definedUserinfo(sent: URL, spec: RequestSpec): void {
  const own = parseUrl(spec.url);
  if (!own) return;
  if (sent.username === PLACEHOLDER) sent.username = own.username;
  if (sent.password === PLACEHOLDER) sent.password = own.password;
}
