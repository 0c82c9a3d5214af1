import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { errorMessage, isApiError } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import type { SettingsAnswer, SettingsPatch } from '../../api/types';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field } from '../../components/Field';
import { IconButton } from '../../components/IconButton';
import { IconCopy, IconResume } from '../../components/icons';
import { Input } from '../../components/Input';
import { Skeleton } from '../../components/Skeleton';
import { Switch } from '../../components/Switch';
import { useToast } from '../../components/Toast';
import { TimezonePicker } from '../builder/TimezonePicker';
import { useEngineStatus, useSettings } from './useSettings';
import './settings.css';

type Key = keyof SettingsPatch;
type Errors = Partial<Record<Key | 'api_key' | 'signing_secret', string>>;

const SAVED_MS = 2500;

/** `chime_••••••••••••`: the kind of secret stays readable, the secret does not. */
export function maskSecret(value: string): string {
  const prefix = /^[a-z]+_/.exec(value)?.[0] ?? '';
  return `${prefix}${'•'.repeat(Math.max(8, Math.min(24, value.length - prefix.length)))}`;
}

async function copyText(text: string): Promise<void> {
  if (!navigator.clipboard?.writeText) throw new Error('The clipboard is not available here.');
  await navigator.clipboard.writeText(text);
}

function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <section className="settings-section" aria-label={title}>
      <header className="settings-section__head">
        <h2 className="settings-section__title">{title}</h2>
        {description && <p className="settings-section__description">{description}</p>}
      </header>
      <div className="settings-section__body">{children}</div>
    </section>
  );
}

function SecretField({
  label,
  value,
  hint,
  error,
  regenerateTitle,
  regenerateMessage,
  onRegenerate,
}: {
  label: string;
  value: string;
  hint: ReactNode;
  error?: string;
  regenerateTitle: string;
  regenerateMessage: ReactNode;
  onRegenerate: () => Promise<unknown>;
}) {
  const toast = useToast();
  const [shown, setShown] = useState(false);
  const [confirm, setConfirm] = useState(false);
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => (
        <div className="settings-secret">
          <Input {...control} mono readOnly value={shown ? value : maskSecret(value)} onFocus={(e) => e.currentTarget.select()} />
          <Button size="sm" variant="ghost" aria-pressed={shown} onClick={() => setShown((s) => !s)}>
            {shown ? 'Hide' : 'Show'}
          </Button>
          <IconButton
            size="sm"
            label={`Copy ${label.toLowerCase()}`}
            icon={<IconCopy />}
            onClick={() =>
              void copyText(value).then(
                () => toast(`${label} copied`, 'success'),
                (e: unknown) => toast(errorMessage(e), 'danger'),
              )
            }
          />
          <Button size="sm" icon={<IconResume />} onClick={() => setConfirm(true)}>
            Regenerate
          </Button>
          <ConfirmDialog
            open={confirm}
            title={regenerateTitle}
            message={regenerateMessage}
            confirmLabel="Regenerate"
            onConfirm={onRegenerate}
            onClose={() => setConfirm(false)}
          />
        </div>
      )}
    </Field>
  );
}

/**
 * A text or number setting: edited freely, saved on blur (or Enter) when it changed, with
 * the API's 422 shown under it.
 */
function TextSetting({
  label,
  hint,
  value,
  error,
  saved,
  busy,
  inputMode,
  placeholder,
  mono,
  onSave,
}: {
  label: string;
  hint?: ReactNode;
  value: string;
  error?: string;
  saved: boolean;
  busy: boolean;
  inputMode?: 'numeric' | 'text';
  placeholder?: string;
  mono?: boolean;
  onSave: (text: string) => void;
}) {
  const [text, setText] = useState(value);
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setText(value);
  }, [value]);
  const commit = (typed: string) => {
    if (!busy && typed.trim() !== value.trim()) onSave(typed.trim());
  };
  return (
    <Field label={label} hint={hint} error={error} aside={<SavedMark saved={saved} busy={busy} />}>
      {(control) => (
        <Input
          {...control}
          mono={mono}
          inputMode={inputMode}
          placeholder={placeholder}
          value={text}
          onFocus={() => (focused.current = true)}
          onChange={(e) => setText(e.target.value)}
          onBlur={(e) => {
            focused.current = false;
            commit(e.currentTarget.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              e.currentTarget.blur(); // saves, once, through onBlur
            }
          }}
        />
      )}
    </Field>
  );
}

function SavedMark({ saved, busy }: { saved: boolean; busy: boolean }) {
  return (
    <span className="settings-saved" aria-live="polite">
      {busy ? 'Saving…' : saved ? '✓ Saved' : ''}
    </span>
  );
}

function ToggleSetting({
  label,
  hint,
  checked,
  error,
  saved,
  busy,
  onChange,
}: {
  label: string;
  hint?: ReactNode;
  checked: boolean;
  error?: string;
  saved: boolean;
  busy: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className="settings-toggle">
      <div className="settings-toggle__row">
        <Switch checked={checked} onChange={onChange} label={label} disabled={busy} />
        <SavedMark saved={saved} busy={busy} />
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="field__hint">{hint}</p>
      ) : null}
    </div>
  );
}

function LoadingSettings() {
  return (
    <div className="settings-sections" aria-busy="true">
      {[3, 1, 2, 2].map((n, i) => (
        <section key={i} className="settings-section">
          <header className="settings-section__head">
            <Skeleton width={120} height={14} />
          </header>
          <div className="settings-section__body">
            {Array.from({ length: n }, (_, k) => (
              <div key={k} className="settings-skeleton">
                <Skeleton width={110} height={12} />
                <Skeleton height={30} />
              </div>
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}

/** `#/settings`: every engine setting, applied as it is changed. */
export function SettingsPage() {
  const client = useClient();
  const queryClient = useQueryClient();
  const toast = useToast();
  const settings = useSettings();
  const status = useEngineStatus();
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState<ReadonlySet<Key>>(() => new Set());
  const [saved, setSaved] = useState<{ key: Key; at: number } | null>(null);

  useEffect(() => {
    if (!saved) return;
    const timer = setTimeout(() => setSaved(null), SAVED_MS);
    return () => clearTimeout(timer);
  }, [saved]);

  const setError = (key: keyof Errors, message: string | undefined) =>
    setErrors((current) => {
      const next = { ...current };
      if (message) next[key] = message;
      else delete next[key];
      return next;
    });

  async function save<K extends Key>(key: K, value: SettingsPatch[K], { optimistic = false } = {}) {
    const before = queryClient.getQueryData<SettingsAnswer>(queryKeys.settings);
    setBusy((b) => new Set(b).add(key));
    setError(key, undefined);
    // Switches and the zone show their new value at once; a refusal puts the old one back.
    // Text fields keep what was typed, with the error under it.
    if (before && optimistic) queryClient.setQueryData<SettingsAnswer>(queryKeys.settings, { ...before, [key]: value });
    try {
      const next = await client.patchSettings({ [key]: value });
      queryClient.setQueryData(queryKeys.settings, next);
      setSaved({ key, at: Date.now() });
    } catch (e) {
      if (before && optimistic) queryClient.setQueryData(queryKeys.settings, before);
      const field = isApiError(e) && e.field && e.field in (before ?? {}) ? (e.field as Key) : key;
      setError(field, errorMessage(e));
    } finally {
      setBusy((b) => {
        const next = new Set(b);
        next.delete(key);
        return next;
      });
    }
  }

  const saveNumber = (key: 'port' | 'retention_days' | 'network_wait_seconds', text: string, what: string) => {
    if (!/^\d+$/.test(text)) {
      setError(key, `${what} must be a whole number.`);
      return;
    }
    void save(key, Number(text));
  };

  const regenerate = async (which: 'api_key' | 'signing_secret') => {
    try {
      const next = which === 'api_key' ? await client.regenerateApiKey() : await client.regenerateSigningSecret();
      queryClient.setQueryData(queryKeys.settings, next);
      setError(which, undefined);
      toast(which === 'api_key' ? 'New API key made; the old one no longer works' : 'New signing secret made', 'success');
    } catch (e) {
      setError(which, errorMessage(e));
      throw e;
    }
  };

  const data = settings.data;
  const isSaved = (key: Key) => saved?.key === key;

  return (
    <section className="page settings-page" aria-labelledby="page-title">
      <header className="page__header">
        <h1 id="page-title" className="page__title">
          Settings
        </h1>
        <span className="page__tools faint settings-page__note">Changes apply as you make them.</span>
      </header>
      {settings.error && !data ? (
        <div className="banner banner--danger" role="alert">
          {errorMessage(settings.error)}{' '}
          <Button size="sm" variant="ghost" onClick={() => void settings.refetch()}>
            Try again
          </Button>
        </div>
      ) : !data ? (
        <LoadingSettings />
      ) : (
        <div className="settings-sections">
          <Section title="API" description="Scripts and the command line reach this Chime with the key.">
            <SecretField
              label="API key"
              value={data.api_key}
              hint={
                <>
                  Send it as <code>Authorization: Bearer …</code>
                </>
              }
              error={errors.api_key}
              regenerateTitle="Make a new API key?"
              regenerateMessage={<p>The current key stops working at once. Scripts that use it need the new one.</p>}
              onRegenerate={() => regenerate('api_key')}
            />
            <TextSetting
              label="Port"
              hint="Applies at the next start."
              value={String(data.port)}
              inputMode="numeric"
              mono
              error={errors.port}
              saved={isSaved('port')}
              busy={busy.has('port')}
              onSave={(text) => saveNumber('port', text, 'The port')}
            />
          </Section>

          <Section title="Webhooks" description="Deliveries are signed with this secret, so receivers can check they came from here.">
            <SecretField
              label="Signing secret"
              value={data.signing_secret}
              hint="Standard Webhooks: webhook-signature is v1, then the HMAC-SHA256 of id.timestamp.body."
              error={errors.signing_secret}
              regenerateTitle="Make a new signing secret?"
              regenerateMessage={<p>Receivers that check signatures need the new secret; deliveries from now on use it.</p>}
              onRegenerate={() => regenerate('signing_secret')}
            />
          </Section>

          <Section title="Time and history">
            <TimezonePicker
              label="Default time zone"
              value={data.default_timezone}
              error={errors.default_timezone}
              aside={<SavedMark saved={isSaved('default_timezone')} busy={busy.has('default_timezone')} />}
              onChange={(zone) => {
                if (zone !== data.default_timezone) void save('default_timezone', zone, { optimistic: true });
              }}
            />
            <TextSetting
              label="Keep the log for (days)"
              hint="Older events and finished jobs are pruned."
              value={String(data.retention_days)}
              inputMode="numeric"
              error={errors.retention_days}
              saved={isSaved('retention_days')}
              busy={busy.has('retention_days')}
              onSave={(text) => saveNumber('retention_days', text, 'Retention')}
            />
          </Section>

          <Section title="Notifications">
            <ToggleSetting
              label="Notify when a run fails for good"
              checked={data.notify_on_failure}
              error={errors.notify_on_failure}
              saved={isSaved('notify_on_failure')}
              busy={busy.has('notify_on_failure')}
              onChange={(v) => void save('notify_on_failure', v, { optimistic: true })}
            />
            <ToggleSetting
              label="Notify when a run succeeds"
              checked={data.notify_on_success}
              error={errors.notify_on_success}
              saved={isSaved('notify_on_success')}
              busy={busy.has('notify_on_success')}
              onChange={(v) => void save('notify_on_success', v, { optimistic: true })}
            />
          </Section>

          <Section title="System and network">
            <ToggleSetting
              label="Launch at login"
              hint="Chime starts in the tray when you log in."
              checked={data.launch_at_login}
              error={errors.launch_at_login}
              saved={isSaved('launch_at_login')}
              busy={busy.has('launch_at_login')}
              onChange={(v) => void save('launch_at_login', v, { optimistic: true })}
            />
            <ToggleSetting
              label="Allow plain http:// targets"
              hint={
                status.data?.allow_http_for_this_run
                  ? 'On for this run whatever this says: Chime was started with --allow-http (or CHIME_ALLOW_HTTP).'
                  : 'Off: jobs may only call https:// URLs.'
              }
              checked={data.allow_http}
              error={errors.allow_http}
              saved={isSaved('allow_http')}
              busy={busy.has('allow_http')}
              onChange={(v) => void save('allow_http', v, { optimistic: true })}
            />
            <TextSetting
              label="Wait for the network when catching up (seconds)"
              hint="A run caught up after sleep or a restart waits up to this long for its target to be reachable before it is sent, from 0 to 600. A schedule can set its own."
              value={String(data.network_wait_seconds)}
              inputMode="numeric"
              error={errors.network_wait_seconds}
              saved={isSaved('network_wait_seconds')}
              busy={busy.has('network_wait_seconds')}
              onSave={(text) => saveNumber('network_wait_seconds', text, 'The wait')}
            />
            <TextSetting
              label="Extra CA certificates (PEM file)"
              hint="For private https endpoints. Leave empty for none."
              value={data.ca_cert_path ?? ''}
              placeholder="/path/to/ca.pem"
              mono
              error={errors.ca_cert_path}
              saved={isSaved('ca_cert_path')}
              busy={busy.has('ca_cert_path')}
              onSave={(text) => void save('ca_cert_path', text === '' ? null : text)}
            />
          </Section>
        </div>
      )}
    </section>
  );
}
