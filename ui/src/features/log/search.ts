import { EVENT_TYPES } from '../../api/events';
import type { EventType } from '../../api/types';
import { STATUS_CLASSES, type StatusClass } from './filters';

/**
 * `#/log?job=…&schedule=…&types=job.request,job.response&status=5xx,error&q=…`: filters
 * live in the address, so a link (from a run's detail) opens the log already filtered.
 */
export interface LogSearch {
  job?: string;
  schedule?: string;
  types?: string;
  status?: string;
  q?: string;
}

export function parseLogSearch(search: Record<string, unknown>): LogSearch {
  const out: LogSearch = {};
  for (const key of ['job', 'schedule', 'types', 'status', 'q'] as const) {
    const value = search[key];
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}

export function listOf<T extends string>(text: string | undefined, allowed: readonly T[]): T[] {
  if (!text) return [];
  return text.split(',').filter((t): t is T => (allowed as readonly string[]).includes(t));
}

export const typesOf = (search: LogSearch): EventType[] => listOf(search.types, EVENT_TYPES);
export const statusesOf = (search: LogSearch): StatusClass[] => listOf(search.status, STATUS_CLASSES);
