import type { PreviewInput } from '../../api/types';
import { Field } from '../../components/Field';
import { Input } from '../../components/Input';
import { SegmentedControl } from '../../components/SegmentedControl';
import { Select } from '../../components/Select';
import { Tabs } from '../../components/Tabs';
import { DURATION_UNITS, type DurationUnit } from '../../lib/duration';
import { CronEditor } from './CronEditor';
import type { BuilderForm, FieldErrors, OnceMode, ScheduleKind } from './form';
import { SchedulePreview } from './SchedulePreview';
import { TimezonePicker } from './TimezonePicker';
import { useSchedulePreview } from './useSchedulePreview';
import { instantToLocalDateTime } from '../../lib/zones';

/** A sensible first value for "at": the next whole hour. */
function nextWholeHour(): string {
  const date = new Date();
  date.setMinutes(0, 0, 0);
  date.setHours(date.getHours() + 1);
  return date.toISOString();
}

const UNIT_OPTIONS = DURATION_UNITS.map((u) => ({ value: u.value, label: u.label }));

function previewInputOf(form: BuilderForm): PreviewInput | null {
  if (form.scheduleKind === 'cron') {
    const cron = form.cron.trim();
    return cron ? { cron, timezone: form.timezone } : null;
  }
  if (form.scheduleKind === 'every') {
    const amount = Number(form.everyAmount);
    return Number.isFinite(amount) && amount > 0 ? { repeat_every: [amount, form.everyUnit] } : null;
  }
  return null;
}

function AmountAndUnit({
  label,
  amount,
  unit,
  onAmount,
  onUnit,
  error,
}: {
  label: string;
  amount: string;
  unit: DurationUnit;
  onAmount: (value: string) => void;
  onUnit: (value: DurationUnit) => void;
  error?: string | null;
}) {
  return (
    <Field label={label} error={error}>
      {(control) => (
        <div className="amount-unit">
          <Input {...control} type="number" min={1} inputMode="numeric" value={amount} onChange={(e) => onAmount(e.target.value)} />
          <Select<DurationUnit> aria-label={`${label} unit`} value={unit} onChange={onUnit} options={UNIT_OPTIONS} />
        </div>
      )}
    </Field>
  );
}

export function ScheduleSection({
  form,
  update,
  errors,
  allowedKinds,
  lockReason,
}: {
  form: BuilderForm;
  update: (patch: Partial<BuilderForm>) => void;
  errors: FieldErrors;
  allowedKinds: readonly ScheduleKind[];
  lockReason?: string;
}) {
  const preview = useSchedulePreview(previewInputOf(form));
  const previewError = preview.error ? preview.error.message : null;
  const cronError = errors.cron ?? (form.scheduleKind === 'cron' ? previewError : null);
  const everyError = errors.every ?? (form.scheduleKind === 'every' ? previewError : null);

  const once = (
    <div className="schedule-panel">
      <SegmentedControl<OnceMode>
        label="When"
        value={form.onceMode}
        onChange={(onceMode) =>
          update(
            onceMode === 'at' && !form.atLocal
              ? { onceMode, atLocal: instantToLocalDateTime(nextWholeHour(), form.timezone) }
              : { onceMode },
          )
        }
        options={[
          { value: 'now', label: 'Now' },
          { value: 'in', label: 'In…' },
          { value: 'at', label: 'At…' },
        ]}
      />
      {form.onceMode === 'now' && <p className="field__hint">Sent as soon as it is saved.</p>}
      {form.onceMode === 'in' && (
        <AmountAndUnit
          label="Run in"
          amount={form.inAmount}
          unit={form.inUnit}
          onAmount={(inAmount) => update({ inAmount })}
          onUnit={(inUnit) => update({ inUnit })}
          error={errors.onceIn}
        />
      )}
      {form.onceMode === 'at' && (
        <div className="schedule-panel__row">
          <Field label="Run at" error={errors.onceAt}>
            {(control) => (
              <Input {...control} type="datetime-local" value={form.atLocal} onChange={(e) => update({ atLocal: e.target.value })} />
            )}
          </Field>
          <TimezonePicker value={form.timezone} onChange={(timezone) => update({ timezone })} error={errors.timezone} />
        </div>
      )}
    </div>
  );

  const every = (
    <div className="schedule-panel">
      <AmountAndUnit
        label="Repeat every"
        amount={form.everyAmount}
        unit={form.everyUnit}
        onAmount={(everyAmount) => update({ everyAmount })}
        onUnit={(everyUnit) => update({ everyUnit })}
        error={everyError}
      />
      <p className="field__hint">The first run is one interval after saving; runs stay anchored to the rule and do not drift.</p>
      {form.scheduleKind === 'every' && (
        <SchedulePreview preview={preview.data} loading={preview.isFetching || preview.settling} failed={Boolean(previewError)} />
      )}
    </div>
  );

  const cron = (
    <div className="schedule-panel">
      <CronEditor value={form.cron} onChange={(value) => update({ cron: value })} error={cronError} />
      <TimezonePicker value={form.timezone} onChange={(timezone) => update({ timezone })} error={errors.timezone} />
      {form.scheduleKind === 'cron' && (
        <SchedulePreview
          preview={preview.data}
          loading={preview.isFetching || preview.settling}
          failed={Boolean(previewError)}
          timeZone={form.timezone}
        />
      )}
    </div>
  );

  const locked = (kind: ScheduleKind) => !allowedKinds.includes(kind);
  return (
    <section className="builder-section" aria-labelledby="builder-schedule">
      <h3 id="builder-schedule" className="builder-section__title">
        Schedule
      </h3>
      <Tabs<ScheduleKind>
        label="Schedule"
        variant="pill"
        value={form.scheduleKind}
        onChange={(scheduleKind) => update({ scheduleKind })}
        items={[
          { value: 'once', label: 'Once', content: once, disabled: locked('once'), title: locked('once') ? lockReason : undefined },
          { value: 'every', label: 'Every', content: every, disabled: locked('every'), title: locked('every') ? lockReason : undefined },
          { value: 'cron', label: 'Cron', content: cron, disabled: locked('cron'), title: locked('cron') ? lockReason : undefined },
        ]}
      />
    </section>
  );
}
