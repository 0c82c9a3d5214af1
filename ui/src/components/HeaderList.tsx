import { useState } from 'react';
import type { JsonValue } from '../api/types';
import { jsonText } from '../lib/json';
import { displayHeaderValue, isSecretHeader } from '../lib/secrets';
import { Button } from './Button';

/**
 * Headers as name/value pairs. Secret values (authorization, cookies, API keys, anything
 * named like a token, secret, key or password) are masked until "Reveal" is pressed.
 */
export function HeaderList({ headers, label }: { headers: { [name: string]: JsonValue } | null | undefined; label: string }) {
  const [revealed, setRevealed] = useState(false);
  const entries = Object.entries(headers ?? {});
  const secrets = entries.filter(([name]) => isSecretHeader(name)).length;
  return (
    <section className="headers" aria-label={label}>
      <header className="headers__head">
        <span className="headers__title">
          {label} <span className="faint">({entries.length})</span>
        </span>
        {secrets > 0 && (
          <Button size="sm" variant="ghost" aria-pressed={revealed} onClick={() => setRevealed((r) => !r)}>
            {revealed ? 'Hide secrets' : `Reveal ${secrets === 1 ? 'secret' : `${secrets} secrets`}`}
          </Button>
        )}
      </header>
      {entries.length === 0 ? (
        <p className="headers__empty faint">No headers</p>
      ) : (
        <dl className="headers__list">
          {entries.map(([name, value]) => {
            const masked = !revealed && isSecretHeader(name);
            return (
              <div key={name} className="headers__row">
                <dt>{name}</dt>
                <dd className={masked ? 'is-masked' : undefined} data-masked={masked || undefined}>
                  {displayHeaderValue(name, jsonText(value), revealed)}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}
