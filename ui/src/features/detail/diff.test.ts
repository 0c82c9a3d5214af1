import { describe, expect, it } from 'vitest';
import { diffBodies, diffHeaders, diffJson, diffRuns, joinPath, type RunSide } from './diff';

describe('diffJson', () => {
  it('finds nothing between equal values, however nested', () => {
    const value = { a: 1, b: [1, { c: 'x' }], d: null, e: true };
    expect(diffJson(value, structuredClone(value))).toEqual([]);
  });

  it('reports added, removed and changed paths with their values', () => {
    const before = { user: { name: 'Ada', role: 'admin' }, count: 1, gone: 'x' };
    const after = { user: { name: 'Grace', role: 'admin', email: 'g@example.com' }, count: 1 };
    expect(diffJson(before, after, 'body')).toEqual([
      { path: 'body.user.name', kind: 'changed', before: 'Ada', after: 'Grace' },
      { path: 'body.user.email', kind: 'added', after: 'g@example.com' },
      { path: 'body.gone', kind: 'removed', before: 'x' },
    ]);
  });

  it('compares arrays index by index, with extra items added or removed', () => {
    expect(diffJson([1, 2, 3], [1, 5], 'items')).toEqual([
      { path: 'items[1]', kind: 'changed', before: 2, after: 5 },
      { path: 'items[2]', kind: 'removed', before: 3 },
    ]);
    expect(diffJson({ tags: ['a'] }, { tags: ['a', 'b'] })).toEqual([{ path: 'tags[1]', kind: 'added', after: 'b' }]);
  });

  it('treats a change of type as one change of the whole value, not a walk inside it', () => {
    expect(diffJson({ v: { x: 1 } }, { v: [1] })).toEqual([{ path: 'v', kind: 'changed', before: { x: 1 }, after: [1] }]);
    expect(diffJson({ v: 1 }, { v: '1' })).toEqual([{ path: 'v', kind: 'changed', before: 1, after: '1' }]);
    expect(diffJson({ v: null }, { v: 0 })).toEqual([{ path: 'v', kind: 'changed', before: null, after: 0 }]);
  });

  it('keeps a null value apart from a missing key', () => {
    expect(diffJson({ a: null }, {})).toEqual([{ path: 'a', kind: 'removed', before: null }]);
    expect(diffJson({}, { a: null })).toEqual([{ path: 'a', kind: 'added', after: null }]);
  });

  it('writes paths that can be read back: quoted keys when they are not identifiers', () => {
    expect(joinPath('body', 'a.b')).toBe('body["a.b"]');
    expect(joinPath('body', 'content-type')).toBe('body["content-type"]');
    expect(joinPath('headers', 'content-type', true)).toBe('headers.content-type');
    expect(joinPath('', 'top')).toBe('top');
    expect(diffJson({ 'x y': 1 }, { 'x y': 2 }, 'body')).toEqual([{ path: 'body["x y"]', kind: 'changed', before: 1, after: 2 }]);
  });
});

describe('diffHeaders and diffBodies', () => {
  it('compares headers by lower-cased name', () => {
    expect(
      diffHeaders(
        { 'Content-Type': 'application/json', 'X-Old': '1', Accept: '*/*' },
        { 'content-type': 'application/json', 'x-new': '2', accept: 'text/html' },
      ),
    ).toEqual([
      { path: 'headers.accept', kind: 'changed', before: '*/*', after: 'text/html' },
      { path: 'headers.x-new', kind: 'added', after: '2' },
      { path: 'headers.x-old', kind: 'removed', before: '1' },
    ]);
  });

  it('compares JSON bodies as JSON (formatting does not count) and other bodies as text', () => {
    expect(diffBodies('{"a":1,"b":[1,2]}', '{\n  "b": [1, 2],\n  "a": 1\n}')).toEqual([]);
    expect(diffBodies('{"a":1}', '{"a":2}')).toEqual([{ path: 'body.a', kind: 'changed', before: 1, after: 2 }]);
    expect(diffBodies('<p>old</p>', '<p>new</p>')).toEqual([{ path: 'body', kind: 'changed', before: '<p>old</p>', after: '<p>new</p>' }]);
    expect(diffBodies('{"a":1}', 'not json')).toEqual([{ path: 'body', kind: 'changed', before: '{"a":1}', after: 'not json' }]);
    expect(diffBodies(null, '{"a":1}')).toEqual([{ path: 'body', kind: 'added', after: '{"a":1}' }]);
    expect(diffBodies('', null)).toEqual([]);
  });
});

describe('diffRuns', () => {
  const side = (over: Partial<RunSide> = {}): RunSide => ({
    request: { method: 'POST', url: 'https://api.example.com/hook?a=1', headers: { 'content-type': 'application/json' }, body: '{"n":1}' },
    response: { status: 200, headers: { 'x-request-id': 'r1' }, body: '{"ok":true,"items":[1]}' },
    error: null,
    duration_ms: 40,
    ...over,
  });

  it('splits the changes into request and response, each with paths and values', () => {
    const after = side({
      request: { method: 'post', url: 'https://api.example.com/hook?a=2', headers: { 'Content-Type': 'application/json' }, body: '{"n":2}' },
      response: { status: 500, headers: { 'x-request-id': 'r2' }, body: '{"ok":false,"items":[1],"error":"boom"}' },
    });
    expect(diffRuns(side(), after)).toEqual({
      request: [
        { path: 'url', kind: 'changed', before: 'https://api.example.com/hook?a=1', after: 'https://api.example.com/hook?a=2' },
        { path: 'body.n', kind: 'changed', before: 1, after: 2 },
      ],
      response: [
        { path: 'status', kind: 'changed', before: 200, after: 500 },
        { path: 'headers.x-request-id', kind: 'changed', before: 'r1', after: 'r2' },
        { path: 'body.ok', kind: 'changed', before: true, after: false },
        { path: 'body.error', kind: 'added', after: 'boom' },
      ],
    });
  });

  it('shows a run that got no response as its status removed and an error added', () => {
    const failed = side({ response: null, error: 'connection refused' });
    const { response } = diffRuns(side(), failed);
    expect(response).toContainEqual({ path: 'status', kind: 'removed', before: 200 });
    expect(response).toContainEqual({ path: 'error', kind: 'added', after: 'connection refused' });
    expect(response).toContainEqual({ path: 'body', kind: 'removed', before: '{"ok":true,"items":[1]}' });
  });

  it('finds nothing between a run and itself', () => {
    expect(diffRuns(side(), side())).toEqual({ request: [], response: [] });
  });
});
