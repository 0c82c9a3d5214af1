/**
 * The API's JSON-valued members read as the shapes docs/api.md gives them. ts-rs types
 * `args` and `frequency` as `JsonValue` (the engine keeps them as JSON), so the UI narrows
 * them here instead of casting where they are used.
 */
import type { DurationInput, Frequency, JobArgs, JsonValue } from './types';

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A job's or schedule's `args`: what was asked, as a (partial) create body; `{}` if it is not an object. */
export function argsOf(args: JsonValue | undefined): JobArgs {
  return isObject(args) ? args : {};
}

/** A schedule's `frequency`: `{cron, timezone}` or `{repeat_every}`; null if it is neither. */
export function frequencyOf(frequency: JsonValue | undefined): Frequency | null {
  if (!isObject(frequency)) return null;
  if (typeof frequency.cron === 'string') {
    return { cron: frequency.cron, timezone: typeof frequency.timezone === 'string' ? frequency.timezone : '' };
  }
  const every = durationOf(frequency.repeat_every);
  return every === null ? null : { repeat_every: every };
}

/** A duration as the API writes one: seconds, `[n, "unit"]` or `"n unit"`; null if it is none of those. */
function durationOf(value: JsonValue | undefined): DurationInput | null {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [amount, unit] = value;
  return typeof amount === 'number' && typeof unit === 'string' ? [amount, unit] : null;
}
