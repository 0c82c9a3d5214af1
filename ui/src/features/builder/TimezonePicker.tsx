import { useMemo } from 'react';
import { Combobox } from '../../components/Combobox';
import { Field } from '../../components/Field';
import { allTimeZones, machineTimeZone } from '../../lib/zones';

export function TimezonePicker({
  value,
  onChange,
  error,
  label = 'Time zone',
}: {
  value: string;
  onChange: (zone: string) => void;
  error?: string | null;
  label?: string;
}) {
  const zones = useMemo(() => allTimeZones(), []);
  const local = machineTimeZone();
  return (
    <Field label={label} error={error} hint={value === local ? 'This machine’s zone' : `This machine: ${local}`}>
      {(control) => (
        <Combobox
          id={control.id}
          invalid={control['aria-invalid']}
          describedBy={control['aria-describedby']}
          value={value}
          onChange={onChange}
          options={zones}
          placeholder="Search time zones"
        />
      )}
    </Field>
  );
}
