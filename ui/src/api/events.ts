import type { EventType, LogEvent, TypedLogEvent } from './types';

/** Every event type docs/api.md lists, in the order an attempt emits them (jobs' own first). */
export const EVENT_TYPES: readonly EventType[] = [
  'job.created',
  'job.updated',
  'job.cancelled',
  'job.started',
  'job.request',
  'job.response',
  'job.error',
  'job.finished',
];

/** Narrow a log event by its type (the payload is trusted to match, as docs/api.md says). */
export function isEvent<E extends EventType>(event: LogEvent, type: E): event is LogEvent & TypedLogEvent<E> {
  return event.event === type && typeof event.payload === 'object' && event.payload !== null && !Array.isArray(event.payload);
}
