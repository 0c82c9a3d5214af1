/**
 * A curl command pasted outside the builder (on the jobs view), waiting for the builder
 * to open and import it. Kept in memory, never in the URL: it may hold secrets.
 */
let pending: string | null = null;

export function setPendingCurl(command: string): void {
  pending = command;
}

export function takePendingCurl(): string | null {
  const command = pending;
  pending = null;
  return command;
}

export function looksLikeCurl(text: string): boolean {
  return /^\s*curl\s/i.test(text);
}
