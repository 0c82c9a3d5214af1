import { afterEach, describe, expect, it, vi } from 'vitest';
import { storedApiKey, takeKeyFromLocation } from './apiKey';
import { HttpTransport } from './httpTransport';
import { toLogEvent } from './transport';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));

/** The address a fetch was given, whichever form it took. */
function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

describe('HttpTransport', () => {
  it('sends the bearer key and JSON, and parses JSON or text answers', async () => {
    const fetchImpl = vi.fn<typeof fetch>((input) =>
      Promise.resolve(
        urlOf(input).endsWith('/ping')
          ? new Response('Pong', { status: 200, headers: { 'content-type': 'text/plain' } })
          : new Response('{"data":{"id":"j1"}}', { status: 201, headers: { 'content-type': 'application/json' } }),
      ),
    );
    const t = new HttpTransport({ apiKey: 'k-123', fetchImpl });
    expect(await t.request('POST', '/api/jobs', { url: 'https://x.test' })).toEqual({ status: 201, body: { data: { id: 'j1' } } });
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe('/api/jobs');
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer k-123');
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(init?.body).toBe('{"url":"https://x.test"}');
    expect(await t.request('GET', '/api/ping')).toEqual({ status: 200, body: 'Pong' });
  });

  it('switches to a regenerated key for every later request, and hands it on to be stored', async () => {
    const fetchImpl = vi.fn<typeof fetch>(() => Promise.resolve(new Response('{"data":{}}', { status: 200, headers: { 'content-type': 'application/json' } })));
    const onApiKeyChange = vi.fn();
    const t = new HttpTransport({ apiKey: 'chime_old', fetchImpl, onApiKeyChange });
    await t.request('GET', '/api/settings');
    t.updateApiKey('chime_new');
    await t.request('GET', '/api/settings');
    const auth = fetchImpl.mock.calls.map(([, init]) => (init?.headers as Record<string, string>).Authorization);
    expect(auth).toEqual(['Bearer chime_old', 'Bearer chime_new']);
    expect(onApiKeyChange).toHaveBeenCalledWith('chime_new');
  });

  it('tells the app when the key is refused', async () => {
    const onUnauthorized = vi.fn();
    const t = new HttpTransport({
      apiKey: 'old',
      onUnauthorized,
      fetchImpl: () =>
        Promise.resolve(new Response('{"error":{"code":"unauthorized","field":null,"message":"no"}}', { status: 401, headers: { 'content-type': 'application/json' } })),
    });
    await t.request('GET', '/api/jobs');
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('delivers stream events to subscribers as log events', async () => {
    const encoder = new TextEncoder();
    const line = 'id: 5\nevent: job.finished\ndata: {"id":5,"event":"job.finished","inserted_at":"2026-11-29T07:00:00Z","job_id":"j1","schedule_id":null,"attempt":1,"payload":{}}\n\n';
    const fetchImpl = vi.fn<typeof fetch>(() =>
      Promise.resolve(new Response(new ReadableStream({ start: (c) => c.enqueue(encoder.encode(line)) }), { status: 200 })),
    );
    const t = new HttpTransport({ apiKey: 'k', fetchImpl });
    const got = await new Promise((resolve) => {
      const stop = t.subscribe((event) => {
        stop();
        resolve(event);
      });
    });
    expect(got).toMatchObject({ id: 5, event: 'job.finished', job_id: 'j1' });
    expect(urlOf(fetchImpl.mock.calls[0]![0])).toBe('/api/logs/stream');
  });
});

describe('TauriTransport', () => {
  it('carries method, path and body through one `api` command, and listens to chime://event', async () => {
    const core = await import('@tauri-apps/api/core');
    const events = await import('@tauri-apps/api/event');
    vi.mocked(core.invoke).mockResolvedValue({ status: 200, body: { data: [] } });
    let handler: ((e: { payload: unknown }) => void) | undefined;
    vi.mocked(events.listen).mockImplementation((name, cb) => {
      expect(name).toBe('chime://event');
      handler = cb as typeof handler;
      return Promise.resolve(() => {});
    });
    const { TauriTransport } = await import('./tauriTransport');
    const t = new TauriTransport();
    expect(await t.request('GET', '/api/jobs?limit=1')).toEqual({ status: 200, body: { data: [] } });
    expect(core.invoke).toHaveBeenCalledWith('api', { method: 'GET', path: '/api/jobs?limit=1', body: null });

    const seen: unknown[] = [];
    t.subscribe((e) => seen.push(e));
    await Promise.resolve();
    handler?.({ payload: { id: 9, event: 'job.created', inserted_at: 'x', job_id: 'j9', schedule_id: null, attempt: null, payload: {} } });
    expect(seen).toMatchObject([{ id: 9, event: 'job.created', job_id: 'j9' }]);
  });
});

describe('a live event off the wire', () => {
  it('takes its kind and id from the SSE fields when the data lacks them', () => {
    const event = toLogEvent({ inserted_at: '2026-11-29T07:00:00Z', job_id: 'j1', payload: { reason: 'cancelled by request' } }, 'job.cancelled', '7');
    expect(event).toMatchObject({ id: 7, event: 'job.cancelled', job_id: 'j1', payload: { reason: 'cancelled by request' } });
  });

  it('is dropped when the UI could not show it: a kind it does not know, or no payload', () => {
    expect(toLogEvent({ id: 1, event: 'job.teleported', payload: {} })).toBeNull();
    expect(toLogEvent({ id: 2, event: 'job.started' })).toBeNull();
    expect(toLogEvent({ event: 'job.started', payload: {} })).toBeNull(); // no id
  });
});

describe('API key from the URL fragment', () => {
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('stores #key=... for this tab and removes it from the address bar', () => {
    window.history.replaceState(null, '', '/?x=1#key=s3cret');
    expect(takeKeyFromLocation()).toBe('s3cret');
    expect(storedApiKey()).toBe('s3cret');
    expect(window.location.hash).toBe('');
    expect(window.location.search).toBe('?x=1');
  });

  it('leaves a route fragment alone', () => {
    window.history.replaceState(null, '', '/#/jobs?key=nope');
    expect(takeKeyFromLocation()).toBeNull();
    expect(window.location.hash).toBe('#/jobs?key=nope');
  });
});
