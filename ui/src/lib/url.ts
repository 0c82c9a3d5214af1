/** "api.example.com/hooks/deploy" from a URL, for a job with no name. */
export function hostAndPath(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname === '/' ? '' : u.pathname;
    return `${u.host}${path}`;
  } catch {
    return url;
  }
}

export type UrlCheck = { ok: true; protocol: 'http:' | 'https:' } | { ok: false; message: string };

/** Check a target URL as the person types. */
export function checkUrl(raw: string): UrlCheck {
  const value = raw.trim();
  if (!value) return { ok: false, message: 'Enter the URL to call.' };
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) {
      return { ok: false, message: 'Not a full URL: start with https://' };
    }
    return { ok: false, message: 'This is not a valid URL.' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, message: `Only http and https URLs can be called, not ${parsed.protocol.replace(':', '')}.` };
  }
  if (!parsed.hostname) return { ok: false, message: 'The URL needs a host.' };
  return { ok: true, protocol: parsed.protocol };
}
