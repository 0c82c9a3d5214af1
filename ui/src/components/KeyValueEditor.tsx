import { IconButton } from './IconButton';
import { IconClose, IconPlus } from './icons';
import { Button } from './Button';

export interface KeyValueRow {
  id: string;
  key: string;
  value: string;
}

let counter = 0;
export function newRow(key = '', value = ''): KeyValueRow {
  counter += 1;
  return { id: `kv-${counter}`, key, value };
}

/**
 * Rows of key and value, with a button to add one. `name`
 * labels the inputs ("Header 1 name", "Header 1 value").
 */
export function KeyValueEditor({
  name,
  rows,
  onChange,
  keyPlaceholder = 'name',
  valuePlaceholder = 'value',
  invalidKeys = [],
}: {
  name: string;
  rows: KeyValueRow[];
  onChange: (rows: KeyValueRow[]) => void;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  /** Keys the server refused (highlighted). */
  invalidKeys?: string[];
}) {
  const update = (id: string, patch: Partial<KeyValueRow>) =>
    onChange(rows.map((row) => (row.id === id ? { ...row, ...patch } : row)));
  const remove = (id: string) => onChange(rows.filter((row) => row.id !== id));

  return (
    <div className="kv" role="group" aria-label={name}>
      {rows.map((row, i) => {
        const invalid = row.key !== '' && invalidKeys.some((k) => k.toLowerCase() === row.key.toLowerCase());
        return (
          <div className="kv__row" key={row.id}>
            <input
              className="input input--mono kv__key"
              aria-label={`${name} ${i + 1} name`}
              placeholder={keyPlaceholder}
              value={row.key}
              aria-invalid={invalid || undefined}
              spellCheck={false}
              autoCapitalize="off"
              onChange={(e) => update(row.id, { key: e.target.value })}
            />
            <input
              className="input input--mono kv__value"
              aria-label={`${name} ${i + 1} value`}
              placeholder={valuePlaceholder}
              value={row.value}
              spellCheck={false}
              autoCapitalize="off"
              onChange={(e) => update(row.id, { value: e.target.value })}
            />
            <IconButton label={`Remove ${name.toLowerCase()} ${i + 1}`} icon={<IconClose />} size="sm" onClick={() => remove(row.id)} />
          </div>
        );
      })}
      <Button variant="ghost" size="sm" icon={<IconPlus />} onClick={() => onChange([...rows, newRow()])}>
        Add {name.toLowerCase()}
      </Button>
    </div>
  );
}
