/**
 * Checks (`assert`, SPEC 7.2) and alerts in words, for the log, the run detail, the builder's
 * try-out and the schedule's page. Plain functions over the engine's shapes: whether a check
 * passed, and why not, is the engine's to say (`CheckResult.passed`, `message`).
 */
import type { AssertItem, CheckResult, JsonValue, StatusSet } from '../../api/types';
import { formatNumber } from '../../lib/locale';

/** A value a check saw or wants, as JSON ("true", "\"ok\"", "200"); nothing seen is "nothing". */
export function valueText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return 'nothing';
  return JSON.stringify(value);
}

function statusWords(set: StatusSet): string {
  if (typeof set === 'string') return set;
  const codes = Array.isArray(set) ? set : [set];
  if (codes.length <= 1) return String(codes[0] ?? '');
  return `${codes.slice(0, -1).join(', ')} or ${codes[codes.length - 1]}`;
}

/** What a check asks, in words: "status is 2xx", "data.ok equals true", "header content-type matches /json/". */
export function checkWords(item: AssertItem): string {
  if ('status' in item) return `status is ${statusWords(item.status)}`;
  if ('json' in item) {
    const path = item.json || '(the whole body)';
    if (item.equals !== undefined) return `${path} equals ${valueText(item.equals)}`;
    if (item.contains !== undefined) return `${path} contains ${valueText(item.contains)}`;
    return item.exists === false ? `${path} is missing` : `${path} exists`;
  }
  if ('body_matches' in item) return `body matches /${item.body_matches}/`;
  if ('header' in item) return `header ${item.header} matches /${item.matches}/`;
  if ('latency_ms_max' in item) return `answers within ${formatNumber(item.latency_ms_max)} ms`;
  return `certificate valid for ${formatNumber(item.cert_days_min)} more days or longer`;
}

/** What a check saw, in words, with its unit where it has one. */
export function actualWords(result: CheckResult): string {
  const { item, actual } = result;
  if (actual === null) return 'nothing';
  if ('latency_ms_max' in item && typeof actual === 'number') return `${formatNumber(actual)} ms`;
  if ('cert_days_min' in item && typeof actual === 'number') return `${formatNumber(actual)} days left`;
  if ('status' in item || 'header' in item || 'body_matches' in item) return typeof actual === 'string' ? actual : valueText(actual);
  return valueText(actual);
}

/** Why a failed check failed: the engine's words, else what it asked and what it saw. */
export function failureWords(result: CheckResult): string {
  return result.message ?? `${checkWords(result.item)}, saw ${actualWords(result)}`;
}

/** "1 of 3 checks failed", "2 checks passed", or null when the job has none. */
export function checksSummary(results: readonly CheckResult[] | undefined): { text: string; failed: number } | null {
  if (!results || results.length === 0) return null;
  const failed = results.filter((r) => !r.passed).length;
  const n = results.length;
  if (failed === 0) return { text: n === 1 ? 'check passed' : `${n} checks passed`, failed };
  return { text: n === 1 ? 'check failed' : `${failed} of ${n} checks failed`, failed };
}
