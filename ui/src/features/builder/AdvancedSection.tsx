import { useId } from 'react';
import type { Backoff, CatchUp } from '../../api/types';
import { Field } from '../../components/Field';
import { IconChevron } from '../../components/icons';
import { Input, Textarea } from '../../components/Input';
import { Select } from '../../components/Select';
import type { BuilderForm, FieldErrors } from './form';

function summary(form: BuilderForm): string {
  const parts = [
    `${form.maxAttempts || 3} attempts`,
    `${form.backoff} backoff`,
    `timeout ${form.timeout || 30} s`,
  ];
  if (form.scheduleKind !== 'once') parts.push(`catch-up ${form.catchUp}`);
  if (form.callbackUrl || form.webhookUrl) parts.push('notifies');
  return parts.join(' · ');
}

/** Retries, timeout, catch-up, idempotency, callbacks, and the name. Collapsed by default. */
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
  return (
    <section className="builder-section">
      <button type="button" className="disclosure" aria-expanded={open} aria-controls={panelId} onClick={onToggle}>
        <IconChevron className="disclosure__chevron" />
        <span className="builder-section__title">Advanced</span>
        {!open && <span className="disclosure__summary">{summary(form)}</span>}
      </button>
      <div id={panelId} hidden={!open} className="advanced-grid">
        <Field label="Name" error={errors.name} className="advanced-grid__wide">
          {(c) => <Input {...c} value={form.name} placeholder="Deploy hook" onChange={(e) => update({ name: e.target.value })} />}
        </Field>
        <Field label="Description" error={errors.description} className="advanced-grid__wide">
          {(c) => (
            <Textarea {...c} rows={2} className="textarea--short" value={form.description} onChange={(e) => update({ description: e.target.value })} />
          )}
        </Field>
        <Field label="Max attempts" error={errors.maxAttempts} hint="Default 3">
          {(c) => (
            <Input {...c} type="number" min={1} placeholder="3" value={form.maxAttempts} onChange={(e) => update({ maxAttempts: e.target.value })} />
          )}
        </Field>
        <Field label="Backoff" error={errors.backoff}>
          {(c) => (
            <Select<Backoff>
              {...c}
              value={form.backoff}
              onChange={(backoff) => update({ backoff })}
              options={[
                { value: 'exponential', label: 'Exponential, with jitter' },
                { value: 'fixed', label: 'Fixed' },
              ]}
            />
          )}
        </Field>
        <Field label="Retry base (seconds)" error={errors.retryBase} hint="Default 10">
          {(c) => <Input {...c} type="number" min={1} placeholder="10" value={form.retryBase} onChange={(e) => update({ retryBase: e.target.value })} />}
        </Field>
        <Field label="Timeout (seconds)" error={errors.timeout} hint="Per attempt; default 30">
          {(c) => <Input {...c} type="number" min={1} placeholder="30" value={form.timeout} onChange={(e) => update({ timeout: e.target.value })} />}
        </Field>
        <Field
          label="Catch-up"
          error={errors.catchUp}
          hint={isSchedule ? 'Runs missed while the machine slept or Chime was closed' : 'For schedules'}
        >
          {(c) => (
            <Select<CatchUp>
              {...c}
              disabled={!isSchedule}
              value={form.catchUp}
              onChange={(catchUp) => update({ catchUp })}
              options={[
                { value: 'once', label: 'Run one of them' },
                { value: 'skip', label: 'Skip them' },
                { value: 'all', label: 'Run each of them' },
              ]}
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
