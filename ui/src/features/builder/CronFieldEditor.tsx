import { useState } from 'react';
import {
  defaultFieldFor,
  parseValueList,
  serializeCronField,
  type CronField,
  type CronFieldKind,
  type CronFieldSpec,
} from './cron';

const EVERY_LABEL: Record<CronFieldSpec['name'], string> = {
  minute: 'Every minute',
  hour: 'Every hour',
  dayOfMonth: 'Every day',
  month: 'Every month',
  dayOfWeek: 'Any weekday',
};

function valueLabel(spec: CronFieldSpec, value: number): string {
  return spec.names?.[value] ?? String(value);
}

function rangeOf(spec: CronFieldSpec, { includeSeven = false } = {}): number[] {
  const max = spec.name === 'dayOfWeek' && !includeSeven ? 6 : spec.max;
  return Array.from({ length: max - spec.min + 1 }, (_, i) => spec.min + i);
}

/** "0, 15, 30" for minutes, hours and days of the month. */
function ValueListInput({ spec, values, onChange }: { spec: CronFieldSpec; values: number[]; onChange: (field: CronField) => void }) {
  const joined = values.join(',');
  const [text, setText] = useState(joined);
  const [seen, setSeen] = useState(joined);
  if (joined !== seen) {
    setSeen(joined);
    const parsed = parseValueList(text, spec);
    // Only when the values change from outside: typing keeps its own text while it cannot be read yet.
    if (!parsed || parsed.join(',') !== joined) setText(joined);
  }
  const invalid = parseValueList(text, spec) === null;
  return (
    <input
      className="input input--mono cron-field__values"
      aria-label={`${spec.label} values`}
      aria-invalid={invalid || undefined}
      title={`Numbers ${spec.min}-${spec.max}, separated by commas`}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const parsed = parseValueList(e.target.value, spec);
        if (parsed) onChange({ kind: 'specific', values: parsed });
      }}
    />
  );
}

/** Toggle chips for months and weekdays. */
function ValueChips({ spec, values, onChange }: { spec: CronFieldSpec; values: number[]; onChange: (field: CronField) => void }) {
  const toggle = (value: number) => {
    const next = values.includes(value) ? values.filter((v) => v !== value) : [...values, value].sort((a, b) => a - b);
    if (next.length > 0) onChange({ kind: 'specific', values: next });
  };
  return (
    <div className="chips" role="group" aria-label={`${spec.label} values`}>
      {rangeOf(spec).map((value) => (
        <button
          key={value}
          type="button"
          className="chip"
          aria-pressed={values.includes(value)}
          onClick={() => toggle(value)}
        >
          {valueLabel(spec, value)}
        </button>
      ))}
    </div>
  );
}

function NumberSelect({
  spec,
  label,
  value,
  onChange,
  includeSeven = false,
}: {
  spec: CronFieldSpec;
  label: string;
  value: number;
  onChange: (value: number) => void;
  includeSeven?: boolean;
}) {
  return (
    <select className="select cron-field__select" aria-label={label} value={value} onChange={(e) => onChange(Number(e.target.value))}>
      {rangeOf(spec, { includeSeven }).map((v) => (
        <option key={v} value={v}>
          {valueLabel(spec, v)}
        </option>
      ))}
    </select>
  );
}

/** One of the five fields: a mode (every / specific / range / step) and its values. */
export function CronFieldEditor({
  spec,
  field,
  onChange,
}: {
  spec: CronFieldSpec;
  field: CronField;
  onChange: (field: CronField) => void;
}) {
  const setKind = (kind: CronFieldKind) => {
    if (kind === 'custom' || kind === field.kind) return;
    onChange(defaultFieldFor(kind, spec, field));
  };
  const chips = spec.name === 'month' || spec.name === 'dayOfWeek';

  return (
    <div className="cron-field" role="group" aria-label={spec.label}>
      <span className="cron-field__label">{spec.label}</span>
      <select
        className="select cron-field__mode"
        aria-label={`${spec.label} mode`}
        value={field.kind}
        onChange={(e) => setKind(e.target.value as CronFieldKind)}
      >
        <option value="every">{EVERY_LABEL[spec.name]}</option>
        <option value="specific">Specific</option>
        <option value="range">Range</option>
        <option value="step">Step</option>
        {field.kind === 'custom' && (
          <option value="custom" disabled>
            Custom
          </option>
        )}
      </select>
      <div className="cron-field__editor">
        {field.kind === 'specific' &&
          (chips ? (
            <ValueChips spec={spec} values={field.values} onChange={onChange} />
          ) : (
            <ValueListInput spec={spec} values={field.values} onChange={onChange} />
          ))}
        {field.kind === 'range' && (
          <span className="cron-field__inline">
            <NumberSelect
              spec={spec}
              label={`${spec.label} from`}
              value={field.from}
              onChange={(from) => onChange({ kind: 'range', from, to: Math.max(from, field.to) })}
            />
            <span className="faint">to</span>
            <NumberSelect
              spec={spec}
              label={`${spec.label} to`}
              value={field.to}
              includeSeven
              onChange={(to) => onChange({ kind: 'range', from: Math.min(field.from, to), to })}
            />
          </span>
        )}
        {field.kind === 'step' && (
          <span className="cron-field__inline">
            <span className="faint">every</span>
            <input
              className="input input--mono cron-field__step"
              type="number"
              min={1}
              max={spec.max}
              aria-label={`${spec.label} step`}
              value={field.step}
              onChange={(e) => {
                const step = Number(e.target.value);
                if (Number.isInteger(step) && step >= 1 && step <= spec.max) onChange({ ...field, step });
              }}
            />
            <span className="faint">starting at</span>
            <select
              className="select cron-field__select"
              aria-label={`${spec.label} start`}
              value={field.start === null ? '*' : String(field.start)}
              onChange={(e) => onChange({ ...field, start: e.target.value === '*' ? null : Number(e.target.value) })}
            >
              <option value="*">{valueLabel(spec, spec.min)} (any)</option>
              {rangeOf(spec).map((v) => (
                <option key={v} value={v}>
                  {valueLabel(spec, v)}
                </option>
              ))}
            </select>
          </span>
        )}
        {field.kind === 'custom' && (
          <span className="cron-field__custom">
            {field.text ? <code>{field.text}</code> : null} <span className="faint">custom — edit it in the expression</span>
          </span>
        )}
      </div>
      <code className="cron-field__token" aria-hidden="true">
        {field.kind === 'custom' && !field.text ? '?' : serializeCronField(field)}
      </code>
    </div>
  );
}
