/**
 * Which header values are secrets, and how they show until revealed. Used wherever
 * headers are displayed (live log, run detail, compare).
 */
const SECRET_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);
const SECRET_WORDS = /token|secret|key|password|passwd|signature|session/i;

export function isSecretHeader(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return SECRET_NAMES.has(lower) || SECRET_WORDS.test(lower);
}

export const MASK = '••••••••';

/**
 * A secret value, masked: an `Authorization` value keeps its scheme ("Bearer ••••••••"),
 * so it still says what kind of credential was sent; everything else is dots.
 */
export function maskValue(name: string, value: string): string {
  if (!value) return value;
  const lower = name.trim().toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const scheme = /^([A-Za-z][\w-]*)\s+\S/.exec(value);
    if (scheme) return `${scheme[1]} ${MASK}`;
  }
  return MASK;
}

export function displayHeaderValue(name: string, value: string, revealed: boolean): string {
  return !revealed && isSecretHeader(name) ? maskValue(name, value) : value;
}
