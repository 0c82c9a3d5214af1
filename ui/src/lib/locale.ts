/**
 * The one locale every `Intl` formatter of the UI is made with.
 *
 * Under LANG=C.UTF-8 (containers, minimal installs) WebKitGTK reports
 * `navigator.language === 'C'`, and `Intl.NumberFormat('C')` throws "invalid language tag:
 * C". So the navigator's languages are never handed to Intl as they are: this picks the
 * first that Intl reads and has data for, else en-US. POSIX variants are passed over too
 * (`posix` has no data, and ICU's `en-US-u-va-posix` prints 681004 without separators).
 */

const FALLBACK = 'en-US';

let cached: { asked: string; tag: string } | null = null;

/** `tag` in canonical form when Intl can format with it, else null. */
function usable(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (!canonical || /posix/i.test(canonical)) return null;
    return Intl.DateTimeFormat.supportedLocalesOf(canonical).length > 0 ? canonical : null;
  } catch {
    return null; // "C", "C.UTF-8", "en_US": not BCP 47
  }
}

/** The BCP 47 tag to format with: the first usable navigator language, else en-US. */
export function appLocale(): string {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  const wanted = [...(nav?.languages ?? []), nav?.language ?? ''].filter((t) => t !== '');
  // re-checked only when the navigator's answer changes (cheap to compare, costly to check)
  const asked = wanted.join(',');
  if (cached?.asked !== asked) cached = { asked, tag: wanted.map(usable).find((t) => t !== null) ?? FALLBACK };
  return cached.tag;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A count for people, with the locale's group separators: "681,004". */
export function formatNumber(value: number): string {
  const locale = appLocale();
  let f = numberFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale);
    numberFormats.set(locale, f);
  }
  return f.format(value);
}
