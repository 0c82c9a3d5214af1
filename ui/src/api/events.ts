import type { EventType, LogEvent } from './types';

/**
 * Every event kind, in the order an attempt emits them (jobs' own first, a changed response
 * after it finished), then the schedule's: runs that did not go out, failing and recovered.
 * A kind the engine adds and this list lacks fails the build (`EveryKindListed`).
 */
export const EVENT_TYPES = [
  'job.created',
  'job.updated',
  'job.cancelled',
  'job.started',
  'job.waiting',
  'job.request',
  'job.response',
  'job.error',
  'job.finished',
  'job.changed',
  'job.missed',
  'schedule.failing',
  'schedule.recovered',
] as const satisfies readonly EventType[];

/** Compiles only while EVENT_TYPES lists every kind the engine has. */
type Unlisted = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
type Holds<T extends true> = T;
export type EveryKindListed = Holds<[Unlisted] extends [never] ? true : false>;

/** An event of one kind: the generated union's member, its payload typed by the kind. */
export type EventOf<K extends EventType> = Extract<LogEvent, { event: K }>;

/** Each kind's payload, by kind. */
export type Payloads = { [K in EventType]: EventOf<K>['payload'] };

/** The payload of an event of kind `K`. */
export type PayloadOf<K extends EventType> = Payloads[K];

/** Narrow an event to its kind (for `filter` and `find`; a plain `event.event === ...` narrows too). */
export function isEvent<K extends EventType>(event: LogEvent, kind: K): event is EventOf<K> {
  return event.event === kind;
}

/** Whether a text (from the wire) names an event kind this UI knows. */
export function isEventType(value: unknown): value is EventType {
  return (EVENT_TYPES as readonly unknown[]).includes(value);
}
