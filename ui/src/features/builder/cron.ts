/**
 * The visual cron editor's model: a 5-field expression read into per-field shapes the
 * editor can show (every / specific values / range / step), and written back. Anything
 * else stays as typed ("custom"). Meaning — next runs, validity, descriptions — is the
 * engine's job (POST /api/schedules/preview); nothing here computes a schedule.
 */

export type CronFieldName = 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';

export type CronField =
  | { kind: 'every' }
  | { kind: 'specific'; values: number[] }
  | { kind: 'range'; from: number; to: number }
  /** `*` + `/step` when start is null, else `start/step`. */
  | { kind: 'step'; start: number | null; step: number }
  | { kind: 'custom'; text: string };

export type CronFieldKind = CronField['kind'];
export type CronFields = Record<CronFieldName, CronField>;

export interface CronFieldSpec {
  name: CronFieldName;
  label: string;
  min: number;
  max: number;
  /** Display names by value, for month and weekday. */
  names?: Record<number, string>;
  /** Names accepted in text (JAN, MON), by upper-case name. */
  aliases?: Record<string, number>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export const CRON_FIELDS: readonly CronFieldSpec[] = [
  { name: 'minute', label: 'Minute', min: 0, max: 59 },
  { name: 'hour', label: 'Hour', min: 0, max: 23 },
  { name: 'dayOfMonth', label: 'Day of month', min: 1, max: 31 },
  {
    name: 'month',
    label: 'Month',
    min: 1,
    max: 12,
    names: Object.fromEntries(MONTHS.map((m, i) => [i + 1, m])),
    aliases: Object.fromEntries(MONTHS.map((m, i) => [m.toUpperCase(), i + 1])),
  },
  {
    name: 'dayOfWeek',
    label: 'Weekday',
    // 0 and 7 are both Sunday (Vixie/POSIX); the editor offers 0-6 and reads 7 as Sunday.
    min: 0,
    max: 7,
    names: { ...Object.fromEntries(WEEKDAYS.map((d, i) => [i, d])), 7: 'Sun' },
    aliases: Object.fromEntries(WEEKDAYS.map((d, i) => [d.toUpperCase(), i])),
  },
];

export function fieldSpec(name: CronFieldName): CronFieldSpec {
  const spec = CRON_FIELDS.find((f) => f.name === name);
  if (!spec) throw new Error(`unknown cron field ${name}`);
  return spec;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export interface CronPreset {
  label: string;
  cron: string;
}

export const CRON_PRESETS: readonly CronPreset[] = [
  { label: 'Every minute', cron: '* * * * *' },
  { label: 'Every 5 minutes', cron: '*/5 * * * *' },
  { label: 'Hourly', cron: '0 * * * *' },
  { label: 'Every day at 9', cron: '0 9 * * *' },
  { label: 'Every weekday at 9', cron: '0 9 * * 1-5' },
  { label: 'Every Monday at 9', cron: '0 9 * * 1' },
  { label: 'First of the month', cron: '0 0 1 * *' },
];

function readNumber(token: string, spec: CronFieldSpec): number | null {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return n >= spec.min && n <= spec.max ? n : null;
  }
  const alias = spec.aliases?.[token.toUpperCase()];
  return alias ?? null;
}

/** Read one field; what the editor cannot show becomes `custom`. */
export function parseCronField(text: string, spec: CronFieldSpec): CronField {
  const token = text.trim();
  if (token === '*' || token === '?') return { kind: 'every' };
  const custom: CronField = { kind: 'custom', text: token };
  if (token === '') return custom;

  const stepMatch = /^(\*|[^/,-]+)\/(\d+)$/.exec(token);
  if (stepMatch) {
    const step = Number(stepMatch[2]);
    if (step < 1 || step > spec.max) return custom;
    if (stepMatch[1] === '*') return { kind: 'step', start: null, step };
    const start = readNumber(stepMatch[1] ?? '', spec);
    return start === null ? custom : { kind: 'step', start, step };
  }

  const rangeMatch = /^([^,/-]+)-([^,/-]+)$/.exec(token);
  if (rangeMatch) {
    const from = readNumber(rangeMatch[1] ?? '', spec);
    const to = readNumber(rangeMatch[2] ?? '', spec);
    if (from === null || to === null || from > to) return custom;
    return { kind: 'range', from, to };
  }

  const parts = token.split(',');
  const values: number[] = [];
  for (const part of parts) {
    const n = readNumber(part, spec);
    if (n === null) return custom;
    // Sunday is 0 in the editor
    values.push(spec.name === 'dayOfWeek' && n === 7 ? 0 : n);
  }
  return { kind: 'specific', values: Array.from(new Set(values)).sort((a, b) => a - b) };
}

export function serializeCronField(field: CronField): string {
  switch (field.kind) {
    case 'every':
      return '*';
    case 'specific':
      return field.values.length === 0 ? '*' : [...field.values].sort((a, b) => a - b).join(',');
    case 'range':
      return `${field.from}-${field.to}`;
    case 'step':
      return `${field.start === null ? '*' : field.start}/${field.step}`;
    case 'custom':
      return field.text || '*';
  }
}

export interface ParsedCron {
  fields: CronFields;
  /** False when the text is not five fields (or a known macro): every field is custom. */
  fiveFields: boolean;
}

const FIELD_NAMES: readonly CronFieldName[] = ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'];

export function parseCron(text: string): ParsedCron {
  const trimmed = text.trim();
  const expanded = MACROS[trimmed.toLowerCase()] ?? trimmed;
  const parts = expanded.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) {
    const fields = Object.fromEntries(FIELD_NAMES.map((n) => [n, { kind: 'custom', text: '' }])) as CronFields;
    return { fields, fiveFields: false };
  }
  const fields = Object.fromEntries(
    FIELD_NAMES.map((name, i) => [name, parseCronField(parts[i] ?? '', fieldSpec(name))]),
  ) as CronFields;
  return { fields, fiveFields: true };
}

export function serializeCron(fields: CronFields): string {
  return FIELD_NAMES.map((name) => serializeCronField(fields[name])).join(' ');
}

/** What a field becomes when the person switches its mode. */
export function defaultFieldFor(kind: Exclude<CronFieldKind, 'custom'>, spec: CronFieldSpec, current: CronField): CronField {
  const firstValue = (): number => {
    if (current.kind === 'specific' && current.values[0] !== undefined) return current.values[0];
    if (current.kind === 'range') return current.from;
    if (current.kind === 'step' && current.start !== null) return current.start;
    return spec.name === 'hour' ? 9 : spec.name === 'dayOfWeek' ? 1 : spec.min;
  };
  switch (kind) {
    case 'every':
      return { kind: 'every' };
    case 'specific':
      return { kind: 'specific', values: [firstValue()] };
    case 'range': {
      const defaults: Record<CronFieldName, [number, number]> = {
        minute: [0, 29],
        hour: [9, 17],
        dayOfMonth: [1, 15],
        month: [1, 6],
        dayOfWeek: [1, 5],
      };
      const [from, to] = defaults[spec.name];
      return { kind: 'range', from, to };
    }
    case 'step': {
      const steps: Record<CronFieldName, number> = { minute: 5, hour: 2, dayOfMonth: 2, month: 3, dayOfWeek: 2 };
      return { kind: 'step', start: null, step: steps[spec.name] };
    }
  }
}

/** Parse "0, 15,30" for the specific-values input; null while it cannot be read. */
export function parseValueList(text: string, spec: CronFieldSpec): number[] | null {
  const tokens = text.split(',').map((t) => t.trim());
  if (tokens.length === 0 || tokens.some((t) => t === '')) return null;
  const values: number[] = [];
  for (const token of tokens) {
    const n = readNumber(token, spec);
    if (n === null) return null;
    values.push(n);
  }
  return Array.from(new Set(values)).sort((a, b) => a - b);
}
