import { useState } from 'react';
import type { JsonValue } from '../api/types';
import { jsonText } from '../lib/json';
import { FROM_DEFINITION_TEXT, isSecretName, needsDefinition, shownText, shownValue, type Shown } from '../lib/secrets';
import { Button } from './Button';
import { Spinner } from './Spinner';
import { useJobDefinition } from './useJobDefinition';

/** One header's value as `shownValue` decided it: masked, revealed (and from where), or why not. */
export function ShownValue({ shown }: { shown: Shown }) {
  switch (shown.kind) {
    case 'recorded':
    case 'masked':
      return <>{shown.text}</>;
    case 'defined':
      return (
        <>
          <span>{shown.text}</span> <span className="headers__note">{FROM_DEFINITION_TEXT}</span>
        </>
      );
    case 'loading':
      return <Spinner size={10} label="Loading the job’s definition" />;
    default:
      return <span className="headers__note">{shownText(shown)}</span>;
  }
}

/**
 * Headers as name/value pairs. Secret values (authorization, cookies, API keys, anything
 * named like a token, secret, key, password or auth) are masked until "Reveal" is pressed.
 * The engine records them redacted; revealed, such a value comes from the definition of
 * job `definedBy` (request headers only: a response's are never in a job's definition).
 */
export function HeaderList({
  headers,
  label,
  definedBy,
}: {
  headers: { [name: string]: JsonValue } | null | undefined;
  label: string;
  definedBy?: string | null;
}) {
  const [revealed, setRevealed] = useState(false);
  const definition = useJobDefinition(definedBy, revealed && needsDefinition(headers));
  const entries = Object.entries(headers ?? {});
  const secrets = entries.filter(([name]) => isSecretName(name)).length;
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
            const shown = shownValue(name, jsonText(value), revealed, definition);
            const masked = shown.kind === 'masked';
            return (
              <div key={name} className="headers__row">
                <dt>{name}</dt>
                <dd className={masked ? 'is-masked' : undefined} data-masked={masked || undefined}>
                  <ShownValue shown={shown} />
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}
