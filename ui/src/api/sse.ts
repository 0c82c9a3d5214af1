/**
 * Server-Sent Events over `fetch`, so the Authorization header can be sent (EventSource
 * cannot). The parser follows the WHATWG event-stream rules: lines end in CRLF, LF or CR;
 * `:` starts a comment (heartbeats); `data:` lines are joined with "\n"; `id:` sets the
 * last event id, which is kept for `Last-Event-ID` on reconnect; a blank line dispatches.
 */

export interface SseMessage {
  /** The `event:` field, or "message". */
  event: string;
  data: string;
  /** The last event id in force when this message was dispatched ("" when none). */
  id: string;
}

export class SseParser {
  private buffer = '';
  private pendingCR = false;
  private data: string[] = [];
  private eventType = '';
  private hasData = false;
  /** Persists across messages, as the spec's "last event ID buffer". */
  lastEventId = '';
  /** The server's `retry:` advice in ms, if any. */
  retryMs: number | null = null;

  constructor(private readonly onMessage: (message: SseMessage) => void) {}

  /** Feed decoded text; chunks may split anywhere, even between CR and LF. */
  feed(chunk: string): void {
    let text = chunk;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      this.processLine(this.buffer.slice(start, i));
      if (ch === '\r') {
        if (i + 1 === this.buffer.length) {
          this.pendingCR = true;
        } else if (this.buffer[i + 1] === '\n') {
          i++;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  /** Drop a half-received message (after a disconnect), keeping the last event id. */
  reset(): void {
    this.buffer = '';
    this.pendingCR = false;
    this.data = [];
    this.hasData = false;
    this.eventType = '';
  }

  private processLine(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return; // comment / heartbeat
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    if (!this.hasData) {
      this.eventType = '';
      return;
    }
    const message: SseMessage = {
      event: this.eventType || 'message',
      data: this.data.join('\n'),
      id: this.lastEventId,
    };
    this.data = [];
    this.hasData = false;
    this.eventType = '';
    this.onMessage(message);
  }
}

/** Read a byte stream to its end, feeding the parser (multi-byte characters may be split). */
export async function readSseStream(stream: ReadableStream<Uint8Array>, parser: SseParser): Promise<void> {
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8');
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    const rest = decoder.decode();
    if (rest) parser.feed(rest);
  } finally {
    reader.releaseLock();
  }
}

export interface EventStreamOptions {
  url: string;
  headers: () => Record<string, string>;
  onMessage: (message: SseMessage) => void;
  /** Called when the server refuses the key; the stream stops. */
  onUnauthorized?: () => void;
  onStatus?: (status: 'connecting' | 'open' | 'retrying') => void;
  fetchImpl?: typeof fetch;
  /** Backoff in ms for the n-th consecutive failure (0-based). */
  backoff?: (failures: number) => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export function defaultBackoff(failures: number): number {
  const base = Math.min(30_000, 1000 * 2 ** failures);
  return base / 2 + Math.random() * (base / 2);
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Keep an event stream open until the returned function is called: reconnect after a
 * drop with backoff, resuming with `Last-Event-ID`.
 */
export function openEventStream(options: EventStreamOptions): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  const backoff = options.backoff ?? defaultBackoff;
  const sleep = options.sleep ?? abortableSleep;
  const parser = new SseParser(options.onMessage);

  const run = async () => {
    let failures = 0;
    while (!signal.aborted) {
      options.onStatus?.(failures === 0 ? 'connecting' : 'retrying');
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream', ...options.headers() };
        if (parser.lastEventId) headers['Last-Event-ID'] = parser.lastEventId;
        const response = await fetchImpl(options.url, { headers, signal, cache: 'no-store' });
        if (response.status === 401) {
          options.onUnauthorized?.();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        failures = 0;
        options.onStatus?.('open');
        await readSseStream(response.body, parser);
      } catch {
        if (signal.aborted) return;
      }
      parser.reset();
      if (signal.aborted) return;
      const wait = parser.retryMs !== null && failures === 0 ? parser.retryMs : backoff(failures);
      failures++;
      options.onStatus?.('retrying');
      await sleep(wait, signal);
    }
  };
  void run();
  return () => controller.abort();
}
