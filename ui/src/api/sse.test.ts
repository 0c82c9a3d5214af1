import { describe, expect, it } from 'vitest';
import { openEventStream, readSseStream, SseParser, type SseMessage } from './sse';

function collect() {
  const messages: SseMessage[] = [];
  const parser = new SseParser((m) => messages.push(m));
  return { messages, parser };
}

function streamOf(chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

describe('SseParser', () => {
  it('assembles an event whose lines are split across chunks at any point', () => {
    const { messages, parser } = collect();
    const text = 'id: 41\nevent: job.finished\ndata: {"id":41,"event":"job.finished"}\n\n';
    // feed one character at a time: every possible split point
    for (const ch of text) parser.feed(ch);
    expect(messages).toEqual([{ id: '41', event: 'job.finished', data: '{"id":41,"event":"job.finished"}' }]);
  });

  it('handles CRLF line ends even when CR and LF arrive in different chunks', () => {
    const { messages, parser } = collect();
    parser.feed('data: one\r');
    parser.feed('\n\r');
    parser.feed('\ndata: two\r\r');
    expect(messages.map((m) => m.data)).toEqual(['one', 'two']);
  });

  it('joins multi-line data with newlines and strips one leading space only', () => {
    const { messages, parser } = collect();
    parser.feed('data: {"a":\ndata:  1}\ndata\n\n');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.data).toBe('{"a":\n 1}\n');
    expect(messages[0]?.event).toBe('message');
  });

  it('ignores comments and heartbeats and does not dispatch empty events', () => {
    const { messages, parser } = collect();
    parser.feed(': heartbeat\n\n:ping\n\nevent: job.started\n\n');
    expect(messages).toEqual([]);
    parser.feed(': keep-alive\ndata: x\n: another comment\n\n');
    expect(messages).toEqual([{ id: '', event: 'message', data: 'x' }]);
  });

  it('keeps the last event id across events and after a reset, for Last-Event-ID', () => {
    const { messages, parser } = collect();
    parser.feed('id: 7\ndata: a\n\ndata: b\n\n');
    expect(messages.map((m) => m.id)).toEqual(['7', '7']);
    parser.feed('id: 8\ndata: half an ev');
    parser.reset(); // connection dropped mid-event
    expect(parser.lastEventId).toBe('8');
    parser.feed('data: c\n\n');
    expect(messages.map((m) => m.data)).toEqual(['a', 'b', 'c']);
  });

  it('reads retry advice and ignores unknown fields', () => {
    const { messages, parser } = collect();
    parser.feed('retry: 1500\nfoo: bar\ndata: y\n\n');
    expect(parser.retryMs).toBe(1500);
    expect(messages.map((m) => m.data)).toEqual(['y']);
  });
});

describe('readSseStream', () => {
  it('decodes a multi-byte character split between two network chunks', async () => {
    const { messages, parser } = collect();
    const bytes = new TextEncoder().encode('data: café ☕\n\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside "é"
    await readSseStream(streamOf([bytes.slice(0, cut), bytes.slice(cut)]), parser);
    expect(messages.map((m) => m.data)).toEqual(['café ☕']);
  });
});

describe('openEventStream', () => {
  it('reconnects after a drop with Last-Event-ID and the auth header, backing off', async () => {
    const calls: Array<Record<string, string>> = [];
    const bodies = [
      ['id: 10\nevent: job.started\ndata: {"id":10}\n\n', 'id: 11\ndata: {"id":11}\n\n'],
      ['id: 12\ndata: {"id":12}\n\n'],
    ];
    const received: string[] = [];
    const waits: number[] = [];
    let close = () => {};
    const done = new Promise<void>((resolve) => {
      close = openEventStream({
        url: '/api/logs/stream',
        headers: () => ({ Authorization: 'Bearer k' }),
        fetchImpl: (_url, init) => {
          calls.push({ ...(init?.headers as Record<string, string>) });
          const chunks = bodies.shift();
          if (!chunks) {
            resolve();
            return new Promise<Response>(() => {});
          }
          return Promise.resolve(new Response(streamOf(chunks), { status: 200 }));
        },
        backoff: (failures) => 100 * (failures + 1),
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
        onMessage: (m) => received.push(m.id),
      });
    });
    await done;
    close();
    expect(received).toEqual(['10', '11', '12']);
    expect(calls).toHaveLength(3);
    expect(calls[0]?.['Last-Event-ID']).toBeUndefined();
    expect(calls[1]?.['Last-Event-ID']).toBe('11');
    expect(calls[2]?.['Last-Event-ID']).toBe('12');
    expect(calls.every((h) => h.Authorization === 'Bearer k' && h.Accept === 'text/event-stream')).toBe(true);
    expect(waits.length).toBeGreaterThanOrEqual(2);
  });

  it('backs off longer after consecutive failures and stops on 401', async () => {
    const waits: number[] = [];
    let attempts = 0;
    let unauthorized = false;
    await new Promise<void>((resolve) => {
      openEventStream({
        url: '/api/logs/stream',
        headers: () => ({}),
        fetchImpl: () => {
          attempts += 1;
          if (attempts <= 3) return Promise.reject(new TypeError('network down'));
          return Promise.resolve(new Response('', { status: 401 }));
        },
        backoff: (failures) => 1000 * 2 ** failures,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
        onMessage: () => {},
        onUnauthorized: () => {
          unauthorized = true;
          resolve();
        },
      });
    });
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(unauthorized).toBe(true);
    expect(attempts).toBe(4);
  });
});
