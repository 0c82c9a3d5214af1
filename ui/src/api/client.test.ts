import { describe, expect, it } from 'vitest';
import { FakeTransport, fail, ok } from '../test/FakeTransport';
import { createClient } from './client';
import { ApiError } from './errors';

describe('client', () => {
  it('encodes list parameters as the API reads them', async () => {
    const t = new FakeTransport().on('GET', '/api/jobs', ok({ data: [], limit: 20, offset: 0, total: 0 }));
    await createClient(t).listJobs({ schedule_id: 's 1', limit: 20, order_by: ['scheduled_at', 'desc'], q: '' });
    const req = t.requests[0]!;
    expect(req.query.get('schedule_id')).toBe('s 1');
    expect(req.query.get('order_by')).toBe('["scheduled_at","desc"]');
    expect(req.query.has('q')).toBe(false);
  });

  it('turns error answers into a typed ApiError with the field', async () => {
    const t = new FakeTransport().on('POST', '/api/jobs', fail(422, 'invalid', 'headers.X-Foo', 'headers.X-Foo: not a string'));
    const error = await createClient(t).createJob({ url: 'https://x.test' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'invalid', field: 'headers.X-Foo', message: 'headers.X-Foo: not a string' });
  });

  it('reports a transport failure as a network ApiError, and a text error body as its message', async () => {
    const broken = new FakeTransport();
    broken.request = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(createClient(broken).getJob('x')).rejects.toMatchObject({ status: 0, code: 'network' });
    const text = new FakeTransport().on('GET', '/api/jobs/x', { status: 502, body: 'Bad gateway' });
    await expect(createClient(text).getJob('x')).rejects.toMatchObject({ status: 502, message: 'Bad gateway' });
  });

  it('reads the curl helpers’ shapes', async () => {
    const t = new FakeTransport()
      .on('GET', '/api/jobs/j1/curl', ok({ data: { curl: "curl -X POST 'https://x.test'" } }))
      .on('POST', '/api/import/curl', ok({ data: { method: 'get', url: 'https://x.test', query: {}, headers: {}, body: null } }));
    const client = createClient(t);
    expect(await client.jobCurl('j1')).toBe("curl -X POST 'https://x.test'");
    expect((await client.importCurl('curl https://x.test')).url).toBe('https://x.test');
    expect(t.requests[1]?.body).toEqual({ command: 'curl https://x.test' });
  });
});
