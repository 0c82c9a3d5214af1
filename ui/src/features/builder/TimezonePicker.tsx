import { useMemo, useState, type ReactNode } from 'react';
import { Combobox, type ComboboxOption } from '../../components/Combobox';
import { Field } from '../../components/Field';
import { allTimeZones, machineTimeZone } from '../../lib/zones';

const MAX_SHOWN = 80;

const zoneOption = (zone: string): ComboboxOption => ({ value: zone, label: zone.replace(/_/g, ' ') });

/** Zones whose city or whole id starts with the text first, then those that hold it. */
function zoneMatches(zones: readonly string[], text: string): ComboboxOption[] {
  const needle = text.toLowerCase().replace(/\s+/g, '_');
  if (needle === '') return zones.slice(0, MAX_SHOWN).map(zoneOption);
  const starts: string[] = [];
  const contains: string[] = [];
  for (const zone of zones) {
    const lower = zone.toLowerCase();
    const city = lower.slice(lower.lastIndexOf('/') + 1);
    if (city.startsWith(needle) || lower.startsWith(needle)) starts.push(zone);
    else if (lower.includes(needle)) contains.push(zone);
  }
  return [...starts, ...contains].slice(0, MAX_SHOWN).map(zoneOption);
}

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
  const [search, setSearch] = useState('');
  const options = useMemo(() => zoneMatches(zones, search), [zones, search]);
  const local = machineTimeZone();
  return (
    <Field label={label} aside={aside} error={error} hint={value === local ? 'This machine’s zone' : `This machine: ${local}`}>
      {(control) => (
        <Combobox
          id={control.id}
          invalid={control['aria-invalid']}
          describedBy={control['aria-describedby']}
          value={value}
          valueLabel={value}
          onChange={onChange}
          options={options}
          onSearch={setSearch}
          placeholder="Search time zones"
        />
      )}
    </Field>
  );
}
