import { afterEach, describe, expect, it, vi } from 'vitest';
import { appLocale, formatNumber } from './locale';
import { formatRelative, formatRun } from './time';
import { machineTimeZone } from './zones';

function navigatorSays(languages: string[]) {
  vi.spyOn(navigator, 'language', 'get').mockReturnValue(languages[0] ?? '');
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(languages);
}

describe('appLocale', () => {
  afterEach(() => vi.restoreAllMocks());

  it('falls back to en-US when the webview reports the C locale (LANG=C.UTF-8)', () => {
    navigatorSays(['C']);
    expect(() => new Intl.NumberFormat('C')).toThrow(RangeError); // what uPlot and the rest hit
    expect(appLocale()).toBe('en-US');
    expect(formatNumber(681004)).toBe('681,004');
  });

  it('passes over tags Intl cannot use or that print numbers without separators', () => {
    navigatorSays(['C.UTF-8', 'en_US', 'POSIX', 'en-US-u-va-posix']);
    expect(appLocale()).toBe('en-US');
    navigatorSays(['C', 'de-DE', 'fr-FR']);
    expect(appLocale()).toBe('de-DE');
    expect(formatNumber(681004)).toBe('681.004');
  });

  it('keeps a valid language as the navigator gives it', () => {
    navigatorSays(['en-GB']);
    expect(appLocale()).toBe('en-GB');
  });

  it('lets every time formatter work under the C locale', () => {
    navigatorSays(['C']);
    const now = Date.parse('2026-11-30T08:00:00Z');
    expect(formatRelative('2026-11-30T08:05:00Z', now)).toBe('in 5 min.');
    expect(formatRun('2026-11-30T08:00:00Z', 'Europe/Berlin')).toBe('Mon, Nov 30, 2026, 09:00 AM GMT+1');
    expect(machineTimeZone()).not.toBe('');
  });
});
