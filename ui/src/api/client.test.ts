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

  it('asks for a schedule’s ledger in a range and reads its rows', async () => {
    const stretch = { planned_at: '2026-11-30T01:00:00Z', until: '2026-11-30T07:45:00Z', count: 28, job_id: null, started_at: null, drift_ms: null, duration_ms: null, outcome: 'cancelled', reason: 'asleep', action: 'merged' };
    const t = new FakeTransport().on('GET', '/api/schedules/s%201/runs', ok({ data: [stretch] }));
    const runs = await createClient(t).scheduleRuns('s 1', { from: '2026-11-29T08:00:00Z', to: '2026-11-30T08:00:00Z', limit: 5000 });
    expect(runs).toEqual([stretch]);
    const req = t.requests[0]!;
    expect([req.query.get('from'), req.query.get('to'), req.query.get('limit'), req.query.has('expand')]).toEqual([
      '2026-11-29T08:00:00Z',
      '2026-11-30T08:00:00Z',
      '5000',
      false,
    ]);
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

  it('reads logs, the calendar and settings in the shapes docs/api.md gives', async () => {
    const settings = { api_key: 'chime_a', port: 7391, signing_secret: 'whsec_a', retention_days: 30, default_timezone: 'UTC', notify_on_failure: true, notify_on_success: false, launch_at_login: false, allow_http: false, ca_cert_path: null };
    const t = new FakeTransport()
      .on('GET', '/api/logs', ok({ data: [{ id: 3, event: 'job.error', inserted_at: 'x', job_id: 'j1', schedule_id: null, attempt: 1, payload: {} }], limit: 200 }))
      .on('GET', '/api/calendar', ok({ data: { from: 'a', to: 'b', timezone: 'UTC', dense_threshold: 48, past: [], upcoming: [], bands: [] } }))
      .on('GET', '/api/settings', ok({ data: settings }))
      .on('PATCH', '/api/settings', (req) => ok({ data: { ...settings, ...(req.body as object) } }));
    const client = createClient(t);
    const logs = await client.listLogs({ job_id: 'j1', event: ['job.request', 'job.response'], before: 90, limit: 200 });
    expect(logs.data[0]?.event).toBe('job.error');
    expect(t.requests[0]?.query.get('event')).toBe('job.request,job.response'); // a comma list
    expect(t.requests[0]?.query.get('before')).toBe('90');
    await client.calendar({ from: '2026-11-30T00:00:00Z', to: '2026-12-07T00:00:00Z', tz: 'Europe/Berlin' });
    expect(t.requests[1]?.query.get('tz')).toBe('Europe/Berlin');
    expect((await client.getSettings()).default_timezone).toBe('UTC');
    expect((await client.patchSettings({ retention_days: 7 })).retention_days).toBe(7);
    expect(t.requests[3]?.body).toEqual({ retention_days: 7 });
  });

  it('regenerating the API key hands the new key to the transport before it resolves', async () => {
    const t = new FakeTransport().on('POST', '/api/settings/api_key/regenerate', ok({ data: { api_key: 'chime_new', signing_secret: 'whsec_a' } }));
    const answer = await createClient(t).regenerateApiKey();
    expect(answer.api_key).toBe('chime_new');
    expect(t.apiKeys).toEqual(['chime_new']);
  });
});
