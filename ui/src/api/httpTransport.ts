import { openEventStream } from './sse';
import { toLogEvent, type RequestMethod, type Transport, type TransportResponse, type LiveEventHandler } from './transport';

export interface HttpTransportOptions {
  apiKey: string;
  /** Origin of the API; empty for the page's own origin. */
  baseUrl?: string;
  /** The key was refused (401): the app asks for it again. */
  onUnauthorized?: () => void;
  /** The key was regenerated through the API: keep the new one (this tab's storage). */
  onApiKeyChange?: (key: string) => void;
  fetchImpl?: typeof fetch;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** `fetch` to `chime serve` with the bearer key; live events over SSE. */
export class HttpTransport implements Transport {
  private readonly fetchImpl: typeof fetch;
  private readonly listeners = new Set<LiveEventHandler>();
  private closeStream: (() => void) | null = null;
  private apiKey: string;

  constructor(private readonly options: HttpTransportOptions) {
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
    this.apiKey = options.apiKey;
  }

  /** Every later request, and the live stream's next reconnect, use the new key. */
  updateApiKey(key: string): void {
    this.apiKey = key;
    this.options.onApiKeyChange?.(key);
  }

  private url(path: string): string {
    return (this.options.baseUrl ?? '') + path;
  }

  private authHeaders(): Record<string, string> {
    return { Authorization: `Bearer ${this.apiKey}` };
  }

  async request(method: RequestMethod, path: string, body?: unknown): Promise<TransportResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', ...this.authHeaders() };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await this.fetchImpl(this.url(path), init);
    const parsed = await readBody(response);
    if (response.status === 401) this.options.onUnauthorized?.();
    return { status: response.status, body: parsed };
  }

  /** One SSE connection is shared by all subscribers, opened on the first. */
  subscribe(onEvent: LiveEventHandler): () => void {
    this.listeners.add(onEvent);
    if (!this.closeStream) {
      this.closeStream = openEventStream({
        url: this.url('/api/logs/stream'),
        headers: () => this.authHeaders(),
        fetchImpl: this.fetchImpl,
        onUnauthorized: this.options.onUnauthorized,
        onMessage: (message) => {
          let data: unknown;
          try {
            data = JSON.parse(message.data) as unknown;
          } catch {
            return; // not an event object: ignore
          }
          const event = toLogEvent(data, message.event === 'message' ? undefined : message.event, message.id);
          if (event) this.listeners.forEach((listener) => listener(event));
        },
      });
    }
    return () => {
      this.listeners.delete(onEvent);
      if (this.listeners.size === 0 && this.closeStream) {
        this.closeStream();
        this.closeStream = null;
      }
    };
  }
}
