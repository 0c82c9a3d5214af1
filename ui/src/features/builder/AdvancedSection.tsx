import { useId } from 'react';
import type { Backoff, CatchUp, JobDefaults } from '../../api/types';
import { Field } from '../../components/Field';
import { IconChevron } from '../../components/icons';
import { Input, Textarea } from '../../components/Input';
import { Select, type SelectOption } from '../../components/Select';
import { useEngineStatus, useSettings } from '../settings/useSettings';
import { MAX_NETWORK_WAIT_SECONDS, type BuilderForm, type FieldErrors } from './form';

const BACKOFFS: Record<Backoff, string> = { exponential: 'Exponential, with jitter', fixed: 'Fixed' };
const CATCH_UPS: Record<CatchUp, string> = { once: 'Run one of them', skip: 'Skip them', all: 'Run each of them' };

/** The choices, after a first one that leaves the field to the engine and says what that is. */
function withDefault<V extends string>(labels: Record<V, string>, engine: V | undefined): Array<SelectOption<V | ''>> {
  const choices = (Object.entries(labels) as Array<[V, string]>).map(([value, label]) => ({ value, label }));
  return [{ value: '', label: engine ? `Default: ${labels[engine]}` : 'Default' }, ...choices];
}

const seconds = (ms: number) => String(ms / 1000);

/** What the collapsed section says: the form's values, else the engine's defaults. */
function summary(form: BuilderForm, defaults: JobDefaults | undefined, networkWait: number | undefined): string {
  const attempts = form.maxAttempts || defaults?.retry.max_attempts;
  const backoff = form.backoff || defaults?.retry.backoff;
  const timeout = form.timeout || (defaults && seconds(defaults.timeout_ms));
  const catchUp = form.catchUp || defaults?.catch_up;
  const wait = form.networkWait || networkWait;
  const isSchedule = form.scheduleKind !== 'once';
  const parts = [
    attempts !== undefined && `${attempts} attempts`,
    backoff && `${backoff} backoff`,
    timeout && `timeout ${timeout} s`,
    isSchedule && catchUp && `catch-up ${catchUp}`,
    isSchedule && wait !== undefined && `network wait ${wait} s`,
    (form.callbackUrl || form.webhookUrl) && 'notifies',
  ];
  return parts.filter(Boolean).join(' · ') || 'the engine’s defaults';
}

/** "Default 3" once the engine said; before that, what an empty field means. */
function defaultHint(value: string | number | undefined, more = ''): string {
  return value === undefined ? `Empty: the engine’s default${more}` : `Default ${value}${more}`;
}

/** Description, retries, timeout, catch-up and its network wait, idempotency, callbacks. Collapsed by default. */
export function AdvancedSection({
  form,
  update,
  errors,
  open,
  onToggle,
}: {
  form: BuilderForm;
  update: (patch: Partial<BuilderForm>) => void;
  errors: FieldErrors;
  open: boolean;
  onToggle: () => void;
}) {
  const panelId = useId();
  const isSchedule = form.scheduleKind !== 'once';
  // The engine's own defaults (GET /api/status): shown, never copied into what is sent.
  const defaults = useEngineStatus().data?.defaults;
  // A schedule's network wait defaults to a setting, not to a job default.
  const networkWait = useSettings().data?.network_wait_seconds;
  return (
    <section className="builder-section">
      <button type="button" className="disclosure" aria-expanded={open} aria-controls={panelId} onClick={onToggle}>
        <IconChevron className="disclosure__chevron" />
        <span className="builder-section__title">Advanced</span>
        {!open && <span className="disclosure__summary">{summary(form, defaults, networkWait)}</span>}
      </button>
      <div id={panelId} hidden={!open} className="advanced-grid">
        <Field label="Description" error={errors.description} className="advanced-grid__wide">
          {(c) => (
            <Textarea {...c} rows={2} className="textarea--short" value={form.description} onChange={(e) => update({ description: e.target.value })} />
          )}
        </Field>
        <Field label="Max attempts" error={errors.maxAttempts} hint={defaultHint(defaults?.retry.max_attempts)}>
          {(c) => (
            <Input
              {...c}
              type="number"
              min={1}
              placeholder={defaults ? String(defaults.retry.max_attempts) : undefined}
              value={form.maxAttempts}
              onChange={(e) => update({ maxAttempts: e.target.value })}
            />
          )}
        </Field>
        <Field label="Backoff" error={errors.backoff}>
          {(c) => (
            <Select<Backoff | ''>
              {...c}
              value={form.backoff}
              onChange={(backoff) => update({ backoff })}
              options={withDefault(BACKOFFS, defaults?.retry.backoff)}
            />
          )}
        </Field>
        <Field label="Retry base (seconds)" error={errors.retryBase} hint={defaultHint(defaults && seconds(defaults.retry.base_ms))}>
          {(c) => (
            <Input
              {...c}
              type="number"
              min={1}
              placeholder={defaults ? seconds(defaults.retry.base_ms) : undefined}
              value={form.retryBase}
              onChange={(e) => update({ retryBase: e.target.value })}
            />
          )}
        </Field>
        <Field label="Timeout (seconds)" error={errors.timeout} hint={defaultHint(defaults && seconds(defaults.timeout_ms), ', per attempt')}>
          {(c) => (
            <Input
              {...c}
              type="number"
              min={1}
              placeholder={defaults ? seconds(defaults.timeout_ms) : undefined}
              value={form.timeout}
              onChange={(e) => update({ timeout: e.target.value })}
            />
          )}
        </Field>
        <Field
          label="Catch-up"
          error={errors.catchUp}
          hint={isSchedule ? 'Runs missed while the machine slept or Chime was closed' : 'For schedules'}
        >
          {(c) => (
            <Select<CatchUp | ''>
              {...c}
              disabled={!isSchedule}
              value={form.catchUp}
              onChange={(catchUp) => update({ catchUp })}
              options={withDefault(CATCH_UPS, defaults?.catch_up)}
            />
          )}
        </Field>
        <Field
          label="Network wait (seconds)"
          error={errors.networkWait}
          hint={isSchedule ? defaultHint(networkWait, ' (Settings): a caught-up run waits this long for its host') : 'For schedules'}
        >
          {(c) => (
            <Input
              {...c}
              type="number"
              min={0}
              max={MAX_NETWORK_WAIT_SECONDS}
              disabled={!isSchedule}
              placeholder={networkWait !== undefined ? String(networkWait) : undefined}
              value={form.networkWait}
              onChange={(e) => update({ networkWait: e.target.value })}
            />
          )}
        </Field>
        <Field label="Idempotency key" error={errors.idempotencyKey} hint="A second job with the same key is ignored until this one runs">
          {(c) => <Input {...c} mono value={form.idempotencyKey} onChange={(e) => update({ idempotencyKey: e.target.value })} />}
        </Field>
        <Field label="Callback URL" error={errors.callbackUrl} hint="Gets the result of each run" className="advanced-grid__wide">
          {(c) => (
            <Input {...c} mono placeholder="https://" value={form.callbackUrl} onChange={(e) => update({ callbackUrl: e.target.value })} />
          )}
        </Field>
        <Field label="Webhook URL" error={errors.webhookUrl} hint="Gets every event of the job, signed" className="advanced-grid__wide">
          {(c) => (
            <Input {...c} mono placeholder="https://" value={form.webhookUrl} onChange={(e) => update({ webhookUrl: e.target.value })} />
          )}
        </Field>
      </div>
    </section>
  );
}
