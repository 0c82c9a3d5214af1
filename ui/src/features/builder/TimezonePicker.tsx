import { useMemo, type ReactNode } from 'react';
import { Combobox } from '../../components/Combobox';
import { Field } from '../../components/Field';
import { allTimeZones, machineTimeZone } from '../../lib/zones';

export function TimezonePicker({
  value,
  onChange,
  error,
  label = 'Time zone',
  aside,
}: {
  value: string;
  onChange: (zone: string) => void;
  error?: string | null;
  label?: string;
  aside?: ReactNode;
}) {
  const zones = useMemo(() => allTimeZones(), []);
  const local = machineTimeZone();
  return (
    <Field label={label} aside={aside} error={error} hint={value === local ? 'This machine’s zone' : `This machine: ${local}`}>
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
