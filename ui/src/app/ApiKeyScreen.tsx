import { useState, type FormEvent } from 'react';
import { HttpTransport } from '../api/httpTransport';
import { Button } from '../components/Button';
import { Field } from '../components/Field';
import { Input } from '../components/Input';
import { IconBell } from '../components/icons';

/** In a plain browser, the API key is asked for once per session. */
export function ApiKeyScreen({ onKey, refused = false }: { onKey: (key: string) => void; refused?: boolean }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(refused ? 'That key was refused. Enter the current one.' : null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const candidate = key.trim();
    if (!candidate) {
      setError('Enter the API key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const probe = new HttpTransport({ apiKey: candidate });
      const answer = await probe.request('GET', '/api/jobs?limit=1');
      if (answer.status === 401) setError('That key was refused.');
      else if (answer.status >= 500) setError(`Chime answered ${answer.status}. Is it running?`);
      else onKey(candidate);
    } catch {
      setError(`Could not reach Chime at ${window.location.origin}.`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="key-screen">
      <form className="key-screen__card" onSubmit={(e) => void submit(e)}>
        <span className="sidebar__logo" aria-hidden="true">
          <IconBell size={14} />
        </span>
        <h1 className="page__title">Connect to Chime</h1>
        <p>
          Enter the API key of this Chime. It is in the file <code>api-key</code> in Chime&apos;s data folder, or in{' '}
          <code>CHIME_API_KEY</code>. It is kept for this tab only.
        </p>
        <Field label="API key" error={error}>
          {(control) => (
            <Input
              {...control}
              type="password"
              autoComplete="off"
              mono
              value={key}
              onChange={(e) => setKey(e.target.value)}
              data-autofocus
              autoFocus
            />
          )}
        </Field>
        <Button type="submit" variant="primary" busy={busy}>
          Connect
        </Button>
      </form>
    </div>
  );
}
