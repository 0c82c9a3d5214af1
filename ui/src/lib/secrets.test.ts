import { describe, expect, it } from 'vitest';
import { isRedacted, isSecretName, MASK, NO_DEFINITION, shownValue, type Definition } from './secrets';

const loaded = (headers: Record<string, string>): Definition => ({ status: 'loaded', headers });

describe('isSecretName: the engine’s rule (crates/engine/src/redact.rs)', () => {
  it('names the credentials the engine redacts', () => {
    // the engine's own test list, plus names caught only by `auth`
    for (const name of ['Authorization', 'proxy-authorization', 'Cookie', 'Set-Cookie', 'X-Api-Key', 'X-Auth-Token', 'client_secret', 'password', 'access_token', 'X-Auth', 'oauth_state']) {
      expect(isSecretName(name), name).toBe(true);
    }
  });

  it('leaves alone what the engine records whole', () => {
    // passwd, signature and session were secrets to the UI alone: masked, yet recorded in clear
    for (const name of ['Content-Type', 'Accept', 'X-Request-Id', 'page', 'user', 'X-Passwd', 'X-Signature', 'X-Session-Id']) {
      expect(isSecretName(name), name).toBe(false);
    }
  });
});

describe('isRedacted', () => {
  it('knows the engine’s placeholder, with or without a scheme', () => {
    expect(isRedacted('REDACTED')).toBe(true);
    expect(isRedacted('Bearer REDACTED')).toBe(true);
    expect(isRedacted('Bearer sk_live_123')).toBe(false);
    expect(isRedacted('REDACTED-but-real')).toBe(false);
    expect(isRedacted('a=1; REDACTED')).toBe(false);
  });
});

describe('shownValue', () => {
  it('masks a secret until revealed, keeping an authorization’s scheme', () => {
    expect(shownValue('Authorization', 'Bearer REDACTED', false, NO_DEFINITION)).toEqual({ kind: 'masked', text: `Bearer ${MASK}` });
    expect(shownValue('X-Api-Key', 'REDACTED', false, NO_DEFINITION)).toEqual({ kind: 'masked', text: MASK });
    expect(shownValue('Accept', '*/*', false, NO_DEFINITION)).toEqual({ kind: 'recorded', text: '*/*' });
  });

  it('reveals a redacted value from the job’s definition, whatever the name’s case', () => {
    const definition = loaded({ authorization: 'Bearer sk_live_123', 'x-api-key': '{{$state.key}}' });
    expect(shownValue('Authorization', 'Bearer REDACTED', true, definition)).toEqual({ kind: 'defined', text: 'Bearer sk_live_123' });
    expect(shownValue('X-Api-Key', 'REDACTED', true, definition)).toEqual({ kind: 'defined', text: '{{$state.key}}' });
  });

  it('says a redacted value is not kept when no definition holds it', () => {
    expect(shownValue('Set-Cookie', 'REDACTED', true, NO_DEFINITION)).toEqual({ kind: 'not-kept' });
    expect(shownValue('Cookie', 'REDACTED', true, loaded({ Accept: '*/*' }))).toEqual({ kind: 'not-kept' });
  });

  it('waits for the definition, or says why it has none', () => {
    expect(shownValue('Cookie', 'REDACTED', true, { status: 'loading' })).toEqual({ kind: 'loading' });
    expect(shownValue('Cookie', 'REDACTED', true, { status: 'failed', message: 'not found' })).toEqual({ kind: 'failed', message: 'not found' });
  });

  it('reveals a value recorded whole (before redaction) as recorded', () => {
    expect(shownValue('Set-Cookie', 'session=abc123', true, NO_DEFINITION)).toEqual({ kind: 'recorded', text: 'session=abc123' });
  });
});
