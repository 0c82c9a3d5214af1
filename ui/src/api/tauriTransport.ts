import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { ApiError } from './errors';
import { toLogEvent, type LiveEventHandler, type RequestMethod, type Transport, type TransportResponse } from './transport';

/** The Tauri event that carries one log event object per emit. */
export const LIVE_EVENT_NAME = 'chime://event';

function toResponse(value: unknown): TransportResponse {
  if (typeof value === 'object' && value !== null && 'status' in value) {
    const v = value as { status: unknown; body?: unknown };
    if (typeof v.status === 'number') return { status: v.status, body: v.body ?? null };
  }
  throw new ApiError(0, 'bad_ipc_answer', null, 'The app answered in an unexpected shape.');
}

/** Inside the desktop app: one IPC command to the in-process Router; events as Tauri events. */
export class TauriTransport implements Transport {
  async request(method: RequestMethod, path: string, body?: unknown): Promise<TransportResponse> {
    const answer = await invoke<unknown>('api', { method, path, body: body ?? null });
    return toResponse(answer);
  }

  subscribe(onEvent: LiveEventHandler): () => void {
    let unlisten: UnlistenFn | null = null;
    let closed = false;
    listen<unknown>(LIVE_EVENT_NAME, (message) => {
      const event = toLogEvent(message.payload);
      if (event) onEvent(event);
    })
      .then((fn) => {
        if (closed) fn();
        else unlisten = fn;
      })
      .catch(() => {
        // no event bridge (should not happen inside the app): the UI still works, without live updates
      });
    return () => {
      closed = true;
      unlisten?.();
    };
  }
}
