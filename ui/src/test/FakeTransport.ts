import type { LiveEventHandler, RequestMethod, Transport, TransportResponse } from '../api/transport';
import type { ErrorBody, LogEvent } from '../api/types';

export interface RecordedRequest {
  method: RequestMethod;
  /** Path without the query string. */
  path: string;
  /** Parsed query string. */
  query: URLSearchParams;
  /** Path as sent, with the query string. */
  url: string;
  body: unknown;
}

/** An answer, or a function of the request giving one (a promise holds it back until the test says). */
type Responder = TransportResponse | ((request: RecordedRequest) => TransportResponse | Promise<TransportResponse>);

interface Route {
  method: RequestMethod;
  path: string | RegExp;
  responder: Responder;
  once: boolean;
}

/**
 * A scripted transport for component tests: answer requests by method and path (the
 * latest matching script wins; `once` scripts are used up first), record every request,
 * and push live events as the engine would.
 */
export class FakeTransport implements Transport {
  readonly requests: RecordedRequest[] = [];
  readonly unscripted: RecordedRequest[] = [];
  private routes: Route[] = [];
  private listeners = new Set<LiveEventHandler>();

  /** Answer `method path` (exact path without query, or a RegExp on it) from now on. */
  on(method: RequestMethod, path: string | RegExp, responder: Responder): this {
    this.routes.push({ method, path, responder, once: false });
    return this;
  }

  /** Answer the next matching request only. */
  once(method: RequestMethod, path: string | RegExp, responder: Responder): this {
    this.routes.push({ method, path, responder, once: true });
    return this;
  }

  async request(method: RequestMethod, url: string, body?: unknown): Promise<TransportResponse> {
    const [path = '', search = ''] = url.split('?');
    const recorded: RecordedRequest = { method, path, url, query: new URLSearchParams(search), body };
    this.requests.push(recorded);
    const matches = (r: Route) =>
      r.method === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path));
    const route = this.routes.find((r) => r.once && matches(r)) ?? [...this.routes].reverse().find(matches);
    if (!route) {
      this.unscripted.push(recorded);
      return fail(501, 'unscripted', null, `No script for ${method} ${path}`);
    }
    if (route.once) this.routes = this.routes.filter((r) => r !== route);
    await Promise.resolve();
    const answer = typeof route.responder === 'function' ? route.responder(recorded) : route.responder;
    return structuredClone(await answer);
  }

  subscribe(onEvent: LiveEventHandler): () => void {
    this.listeners.add(onEvent);
    return () => this.listeners.delete(onEvent);
  }

  /** Keys handed over by `updateApiKey` (a regenerated API key), oldest first. */
  readonly apiKeys: string[] = [];

  updateApiKey(key: string): void {
    this.apiKeys.push(key);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** Deliver a live event (`makeEvent` in ./fixtures) to every subscriber, as `chime://event` or the SSE stream would. */
  push(event: LogEvent): void {
    this.listeners.forEach((listener) => listener(event));
  }

  requestsTo(method: RequestMethod, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }
}

export const ok = (body: unknown, status = 200): TransportResponse => ({ status, body });
export const fail = (status: number, code: string, field: string | null, message: string): TransportResponse => ({
  status,
  body: { error: { code, field, message } } satisfies ErrorBody,
});
