import { isEventType } from './events';
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A value from the live stream as a log event, or null. The envelope is checked; the
 * payload is trusted to be its kind's, as the engine makes both from one typed payload.
 * A kind this UI does not know is dropped: the UI is built with the engine it talks to,
 * and a kind the engine adds fails the UI's build until it is handled (api/events.ts).
 */
export function toLogEvent(value: unknown, fallbackType?: string, fallbackId?: string): LogEvent | null {
  if (!isRecord(value)) return null;
  const id = Number(value.id ?? fallbackId);
  const event = value.event ?? fallbackType;
  if (!isEventType(event) || !Number.isFinite(id) || !isRecord(value.payload)) return null;
  const jobId = value.job_id;
  return {
    id,
    event,
    inserted_at: typeof value.inserted_at === 'string' ? value.inserted_at : new Date().toISOString(),
    job_id: typeof jobId === 'string' ? jobId : typeof jobId === 'number' ? String(jobId) : null,
    schedule_id: typeof value.schedule_id === 'string' ? value.schedule_id : null,
    attempt: typeof value.attempt === 'number' ? value.attempt : null,
    payload: value.payload,
  } as LogEvent;
}
