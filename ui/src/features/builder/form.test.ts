import { describe, expect, it } from 'vitest';
import { newRow } from '../../components/KeyValueEditor';
import { makeJob, makeSchedule } from '../../test/fixtures';
import { checkForm, emptyForm, fieldForServerError, formFromAttempt, formFromSchedule, toJobInput, toJobPatch } from './form';

describe('builder form', () => {
  it('maps API error fields onto form inputs', () => {
    expect(fieldForServerError('url')).toEqual({ key: 'url' });
    expect(fieldForServerError('cron')).toEqual({ key: 'cron' });
    expect(fieldForServerError('retry.max_attempts')).toEqual({ key: 'maxAttempts' });
    expect(fieldForServerError('retry.base')).toEqual({ key: 'retryBase' });
    expect(fieldForServerError('headers.X-Foo')).toEqual({ key: 'headers', detail: 'X-Foo' });
    expect(fieldForServerError('query.page')).toEqual({ key: 'query', detail: 'page' });
    expect(fieldForServerError('scheduled_at')).toEqual({ key: 'onceAt' });
    expect(fieldForServerError('repeat_every')).toEqual({ key: 'every' });
    expect(fieldForServerError('something_else')).toBeNull();
    expect(fieldForServerError(null)).toBeNull();
  });

  it('builds a cron schedule with query arrays, retries and catch-up', () => {
    const form = {
      ...emptyForm('Europe/Berlin'),
      url: ' https://api.example.com/poll ',
      query: [newRow('tag', 'a'), newRow('tag', 'b'), newRow('', '')],
      body: '{"cursor": "$state.cursor"}',
      scheduleKind: 'cron' as const,
      cron: ' 0 9 * * 1-5 ',
      maxAttempts: '5',
      catchUp: 'skip' as const,
      name: 'Poll',
    };
    expect(checkForm(form)).toEqual({});
    expect(toJobInput(form)).toEqual({
      method: 'post',
      url: 'https://api.example.com/poll',
      query: { tag: ['a', 'b'] },
      body: { cursor: '$state.cursor' },
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Berlin',
      retry: { max_attempts: 5 }, // backoff and base left to the engine's defaults
      catch_up: 'skip',
      name: 'Poll',
    });
  });

  it('reads a datetime-local value in the chosen zone, with its offset', () => {
    const form = { ...emptyForm('America/New_York'), url: 'https://x.test/', onceMode: 'at' as const, atLocal: '2026-07-04T09:30' };
    expect(toJobInput(form).scheduled_at).toBe('2026-07-04T09:30:00-04:00');
    const winter = { ...form, atLocal: '2026-01-15T09:30' };
    expect(toJobInput(winter).scheduled_at).toBe('2026-01-15T09:30:00-05:00');
  });

  it('a PATCH of a schedule clears emptied texts and keeps the rule', () => {
    const schedule = makeSchedule({
      name: 'Old name',
      frequency: { repeat_every: [15, 'minutes'] },
      args: { method: 'get', url: 'https://x.test/a', headers: { A: '1' } },
    });
    const form = { ...formFromSchedule(schedule), name: '' };
    expect(form.scheduleKind).toBe('every');
    const patch = toJobPatch(form);
    expect(patch).toMatchObject({
      method: 'get',
      url: 'https://x.test/a',
      headers: { A: '1' },
      query: {},
      body: null,
      repeat_every: [15, 'minutes'],
      name: null,
      callback_url: null,
    });
  });

  it('sends a schedule’s own network wait, reads it back, and clears it to follow the setting again', () => {
    const schedule = makeSchedule({ frequency: { repeat_every: [5, 'minutes'] }, args: { url: 'https://x.test/a', network_wait: '2 minutes' } });
    const form = formFromSchedule(schedule);
    expect(form.networkWait).toBe('120');
    expect(toJobInput(form).network_wait).toBe(120);
    expect(toJobPatch({ ...form, networkWait: '45' }).network_wait).toBe(45);
    expect(toJobPatch({ ...form, networkWait: '' }).network_wait).toBeNull();
    expect(toJobInput({ ...form, networkWait: '' })).not.toHaveProperty('network_wait');
    // a one-off job has none: nothing sent, nothing cleared
    const once = { ...emptyForm(), url: 'https://x.test/', networkWait: '45' };
    expect(toJobInput(once)).not.toHaveProperty('network_wait');
    expect(toJobPatch(once)).not.toHaveProperty('network_wait');
  });

  it('takes a network wait from 0 to 600 seconds', () => {
    const form = { ...emptyForm(), url: 'https://x.test/', scheduleKind: 'every' as const };
    expect(checkForm({ ...form, networkWait: '0' })).toEqual({});
    expect(checkForm({ ...form, networkWait: '600' })).toEqual({});
    expect(checkForm({ ...form, networkWait: '601' }).networkWait).toBe('A number of seconds, from 0 to 600 (10 minutes).');
    expect(checkForm({ ...form, networkWait: '-1' }).networkWait).toBeDefined();
    expect(fieldForServerError('network_wait')).toEqual({ key: 'networkWait' });
  });

  it('refuses bad JSON bodies and header names before sending', () => {
    const form = { ...emptyForm(), url: 'https://x.test/', body: '{"a": }', headers: [newRow('Bad Header', 'x')] };
    const errors = checkForm(form);
    expect(errors.body).toMatch(/not valid JSON/);
    expect(errors.headers).toMatch(/not a valid header name/);
  });

  it('edit and replay fills the form from what an attempt sent, to send now as a new job', () => {
    const job = makeJob({
      name: 'Deploy',
      idempotency_key: 'deploy-1',
      state: 'completed',
      request: { method: 'patch', url: 'https://api.example.com/items/7', query: {}, headers: { 'X-Run': '{{$job.run}}', 'Content-Type': 'application/json' }, body: {} },
    });
    const form = formFromAttempt(
      job,
      {
        request: {
          method: 'PATCH',
          url: 'https://api.example.com/items/7?force=true&tag=a&tag=b',
          // as the engine records them: with those it adds on the wire
          headers: { 'content-type': 'application/json', 'x-run': '3', 'user-agent': 'chime/0.1', 'content-length': '33', accept: '*/*' },
          body: '{"name":"seven","$job":{"run":3}}',
          truncated: false,
        },
      },
      'UTC',
    );
    expect(form.method).toBe('patch');
    expect(form.url).toBe('https://api.example.com/items/7');
    expect(form.query.map((r) => [r.key, r.value])).toEqual([['force', 'true'], ['tag', 'a'], ['tag', 'b']]);
    expect(form.headers.map((r) => [r.key, r.value])).toEqual([['content-type', 'application/json'], ['x-run', '3']]);
    expect(JSON.parse(form.body)).toEqual({ name: 'seven', $job: { run: 3 } });
    expect([form.scheduleKind, form.onceMode, form.idempotencyKey, form.name]).toEqual(['once', 'now', '', 'Deploy']);
    const input = toJobInput(form);
    expect(input).toMatchObject({ method: 'patch', url: 'https://api.example.com/items/7', query: { force: 'true', tag: ['a', 'b'] } });
    expect(input.schedule_in).toBeUndefined(); // now
  });

  it('edit and replay takes the job’s own body when the logged one was cut', () => {
    const job = makeJob({ request: { method: 'post', url: 'https://x.test/', query: {}, headers: {}, body: { big: 'x'.repeat(20) } } });
    const form = formFromAttempt(job, { request: { method: 'POST', url: 'https://x.test/', headers: {}, body: '{"big":"xxx… [cut]', truncated: true } }, 'UTC');
    expect(JSON.parse(form.body)).toEqual({ big: 'x'.repeat(20) });
  });

  it('edit and replay takes the credentials the log redacted from the job’s definition', () => {
    const job = makeJob({
      request: {
        method: 'get',
        url: 'https://me:pw@x.test/feed?token=t-1',
        query: { api_key: 'k-1', page: '2' },
        headers: { authorization: 'Bearer sk_live_123', 'X-Env': 'prod' },
      },
    });
    const form = formFromAttempt(
      job,
      {
        request: {
          method: 'GET',
          // as the engine records it: every credential replaced, the rest as sent
          url: 'https://REDACTED:REDACTED@x.test/feed?token=REDACTED&api_key=REDACTED&page=2',
          headers: { Authorization: 'Bearer REDACTED', 'X-Env': 'prod', accept: '*/*' },
          truncated: false,
        },
      },
      'UTC',
    );
    expect(form.url).toBe('https://me:pw@x.test/feed');
    expect(form.query.map((r) => [r.key, r.value])).toEqual([['token', 't-1'], ['api_key', 'k-1'], ['page', '2']]);
    expect(form.headers.map((r) => [r.key, r.value])).toEqual([['Authorization', 'Bearer sk_live_123'], ['X-Env', 'prod']]);
  });
});
