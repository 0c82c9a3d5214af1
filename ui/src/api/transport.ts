import type { LogEvent } from './types';

/**
 * How requests travel to the API. This module (and the files beside it) is the only place
 * that knows: components use the typed client in `client.ts`.
 */
export type RequestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface TransportResponse {
  status: number;
  /** Parsed JSON, or text when the answer is not JSON. */
  body: unknown;
}

export type LiveEventHandler = (event: LogEvent) => void;

export interface Transport {
  /** `path` starts with `/api/` and may carry a query string. */
  request(method: RequestMethod, path: string, body?: unknown): Promise<TransportResponse>;
  /** Live log events; returns the unsubscribe function. */
  subscribe(onEvent: LiveEventHandler): () => void;
  /**
   * The API key was regenerated: use the new one from now on (the old one stops working at
   * once). Only the browser transport carries a key; over Tauri IPC there is none.
   */
  updateApiKey?(key: string): void;
}

/** Tauri 2 injects this object into the window of the desktop app. */
export function isTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/** Narrow an unknown value to a log event, or null. */
export function toLogEvent(value: unknown, fallbackType?: string, fallbackId?: string): LogEvent | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const idRaw = v.id ?? fallbackId;
  const id = typeof idRaw === 'number' ? idRaw : Number(idRaw);
  const event = typeof v.event === 'string' ? v.event : fallbackType;
  if (!event || !Number.isFinite(id)) return null;
  const jobId = v.job_id;
  return {
    id,
    // the engine's event types (EventKind); a type added later still passes through as it is
    event: event as LogEvent['event'],
    inserted_at: typeof v.inserted_at === 'string' ? v.inserted_at : new Date().toISOString(),
    job_id: typeof jobId === 'string' ? jobId : typeof jobId === 'number' ? String(jobId) : null,
    schedule_id: typeof v.schedule_id === 'string' ? v.schedule_id : null,
    attempt: typeof v.attempt === 'number' ? v.attempt : null,
    payload: (v.payload ?? null) as LogEvent['payload'],
  };
}
