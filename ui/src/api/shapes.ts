/**
 * The API's JSON-valued members read as the shapes docs/api.md gives them. ts-rs types
 * `args` as `JsonValue` (the engine keeps it as JSON), so the UI narrows it here instead of
 * casting where it is used.
 */
import type { JobArgs, JsonValue } from './types';

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A job's or schedule's `args`: what was asked, as a (partial) create body; `{}` if it is not an object. */
export function argsOf(args: JsonValue | undefined): JobArgs {
  return isObject(args) ? args : {};
}
