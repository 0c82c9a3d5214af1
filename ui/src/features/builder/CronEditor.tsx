import { useMemo } from 'react';
import { Field } from '../../components/Field';
import { Input } from '../../components/Input';
import { CRON_FIELDS, CRON_PRESETS, parseCron, serializeCron, type CronField, type CronFieldName } from './cron';
import { CronFieldEditor } from './CronFieldEditor';

/**
 * The cron text and a visual editor of its five fields, kept two-way: typing updates the
 * fields (or shows "custom" where they cannot show it); editing a field rewrites the text.
 */
export function CronEditor({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: string | null;
}) {
  const parsed = useMemo(() => parseCron(value), [value]);
  const normalized = value.trim().split(/\s+/).join(' ');

  const setField = (name: CronFieldName, field: CronField) => onChange(serializeCron({ ...parsed.fields, [name]: field }));

  return (
    <div className="cron-editor">
      <div className="chips cron-editor__presets" role="group" aria-label="Presets">
        {CRON_PRESETS.map((preset) => (
          <button
            key={preset.cron}
            type="button"
            className="chip"
            aria-pressed={normalized === preset.cron}
            onClick={() => onChange(preset.cron)}
          >
            {preset.label}
          </button>
        ))}
      </div>
      <Field
        label="Cron expression"
        error={error}
        hint={
          parsed.fiveFields
            ? 'minute · hour · day of month · month · weekday (0 and 7 are Sunday)'
            : 'This expression cannot be shown field by field: edit it here, or pick a preset.'
        }
      >
        {(control) => (
          <Input
            {...control}
            mono
            className="cron-editor__text"
            placeholder="0 9 * * 1-5"
            value={value}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            onChange={(e) => onChange(e.target.value)}
          />
        )}
      </Field>
      <div className="cron-editor__fields" role="group" aria-label="Cron fields">
        {CRON_FIELDS.map((spec) => (
          <CronFieldEditor key={spec.name} spec={spec} field={parsed.fields[spec.name]} onChange={(f) => setField(spec.name, f)} />
        ))}
      </div>
    </div>
  );
}
