import { useState, type ClipboardEvent } from 'react';
import type { HttpMethod } from '../../api/types';
import { Field } from '../../components/Field';
import { Input } from '../../components/Input';
import { KeyValueEditor } from '../../components/KeyValueEditor';
import { Select } from '../../components/Select';
import { Tabs } from '../../components/Tabs';
import { checkUrl } from '../../lib/url';
import { looksLikeCurl } from '../../app/pendingCurl';
import { usePlainHttp } from '../settings/useSettings';
import type { BuilderForm, FieldErrors } from './form';
import { METHODS } from './form';
import { JsonEditor } from './JsonEditor';

type RequestTab = 'query' | 'headers' | 'body';

/** The first part of the request that holds an error, if any. */
function tabWithError(errors: FieldErrors): RequestTab | null {
  if (errors.body) return 'body';
  if (errors.headers) return 'headers';
  if (errors.query) return 'query';
  return null;
}

/** What the builder says about a plain http URL, from what the engine allows right now. */
const HTTP_WARNING: Record<NonNullable<ReturnType<typeof usePlainHttp>> | 'unknown', string> = {
  flag: 'Plain http: allowed for this run (Chime was started with --allow-http), but sent unencrypted. Use https if you can.',
  setting: 'Plain http: allowed by “allow http” in Settings, but sent unencrypted. Use https if you can.',
  no: 'Plain http: Chime refuses it unless “allow http” is on in Settings. Use https if you can.',
  unknown: 'Plain http is sent unencrypted, and only when it is allowed in Settings. Use https if you can.',
};

const METHOD_OPTIONS = METHODS.map((m) => ({ value: m, label: m.toUpperCase() }));

export function RequestSection({
  form,
  update,
  errors,
  invalidHeaderKeys,
  invalidQueryKeys,
  onCurlPasted,
}: {
  form: BuilderForm;
  update: (patch: Partial<BuilderForm>) => void;
  errors: FieldErrors;
  invalidHeaderKeys: string[];
  invalidQueryKeys: string[];
  onCurlPasted: (command: string) => void;
}) {
  const [tab, setTab] = useState<RequestTab>(() => tabWithError(errors) ?? (form.body ? 'body' : 'headers'));
  const urlCheck = checkUrl(form.url);
  const plainHttp = usePlainHttp();

  // Show the part that holds an error, when the errors change.
  const errorsKey = JSON.stringify([errors.body, errors.headers, errors.query]);
  const [seenErrors, setSeenErrors] = useState(errorsKey);
  if (errorsKey !== seenErrors) {
    setSeenErrors(errorsKey);
    const errored = tabWithError(errors);
    if (errored) setTab(errored);
  }

  const onUrlPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const text = event.clipboardData.getData('text/plain');
    if (looksLikeCurl(text)) {
      event.preventDefault();
      onCurlPasted(text);
    }
  };

  const count = (n: number) => (n > 0 ? n : undefined);
  const namedRows = (rows: BuilderForm['query']) => rows.filter((r) => r.key.trim()).length;

  return (
    <section className="builder-section" aria-labelledby="builder-request">
      <h3 id="builder-request" className="builder-section__title">
        Request
      </h3>
      <div className="request-line">
        <Field label="Method" labelHidden error={errors.method}>
          {(control) => (
            <Select<HttpMethod>
              {...control}
              className="request-line__method"
              value={form.method}
              onChange={(method) => update({ method })}
              options={METHOD_OPTIONS}
            />
          )}
        </Field>
        <Field
          label="URL"
          labelHidden
          className="request-line__url"
          error={errors.url}
          warning={
            urlCheck.ok && urlCheck.protocol === 'http:' ? HTTP_WARNING[plainHttp ?? 'unknown'] : undefined
          }
        >
          {(control) => (
            <Input
              {...control}
              mono
              data-autofocus
              placeholder="https://api.example.com/hooks/deploy — or paste a curl command"
              value={form.url}
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
              onPaste={onUrlPaste}
              onChange={(e) => update({ url: e.target.value })}
            />
          )}
        </Field>
      </div>
      <Tabs<RequestTab>
        label="Request parts"
        value={tab}
        onChange={setTab}
        items={[
          {
            value: 'query',
            label: 'Query',
            badge: errors.query ? '!' : count(namedRows(form.query)),
            content: (
              <>
                <KeyValueEditor
                  name="Query parameter"
                  rows={form.query}
                  onChange={(query) => update({ query })}
                  invalidKeys={invalidQueryKeys}
                />
                {errors.query && (
                  <p className="field__error" role="alert">
                    {errors.query}
                  </p>
                )}
              </>
            ),
          },
          {
            value: 'headers',
            label: 'Headers',
            badge: errors.headers ? '!' : count(namedRows(form.headers)),
            content: (
              <>
                <KeyValueEditor
                  name="Header"
                  rows={form.headers}
                  onChange={(headers) => update({ headers })}
                  keyPlaceholder="Header-Name"
                  invalidKeys={invalidHeaderKeys}
                />
                {errors.headers && (
                  <p className="field__error" role="alert">
                    {errors.headers}
                  </p>
                )}
              </>
            ),
          },
          {
            value: 'body',
            label: 'Body',
            badge: errors.body ? '!' : form.body.trim() ? '•' : undefined,
            content: (
              <div className="field">
                <JsonEditor
                  label="Body"
                  value={form.body}
                  onChange={(body) => update({ body })}
                  invalid={Boolean(errors.body)}
                  description={errors.body ?? undefined}
                  placeholder='{"content": "Testing 123"}'
                />
                {errors.body ? (
                  <p className="field__error" role="alert">
                    {errors.body}
                  </p>
                ) : (
                  <p className="field__hint">
                    JSON, sent as <code>application/json</code>. A schedule can use <code>&quot;$state.cursor&quot;</code>,{' '}
                    <code>&quot;$previous.id&quot;</code> and <code>{'{{$job.run}}'}</code>, filled in at run time.
                  </p>
                )}
              </div>
            ),
          },
        ]}
      />
    </section>
  );
}
