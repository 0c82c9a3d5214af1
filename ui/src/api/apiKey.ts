/**
 * The API key for the browser transport. It arrives once in the URL fragment
 * (`#key=...`), is kept in sessionStorage (gone when the tab closes), and is removed from
 * the address bar at once so it does not linger in history or screenshots.
 */
const STORAGE_KEY = 'chime.apiKey';

export function takeKeyFromLocation(win: Window = window): string | null {
  const hash = win.location.hash.replace(/^#/, '');
  const params = new URLSearchParams(hash.startsWith('/') ? '' : hash);
  const key = params.get('key');
  if (!key) return null;
  storeApiKey(key, win);
  win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search);
  return key;
}

export function storedApiKey(win: Window = window): string | null {
  try {
    return win.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeApiKey(key: string, win: Window = window): void {
  try {
    win.sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // storage disabled: the key lives only in memory for this page
  }
}

export function forgetApiKey(win: Window = window): void {
  try {
    win.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}
