import type { DurationInput } from '../api/types';

export type DurationUnit = 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks';
export const DURATION_UNITS: ReadonlyArray<{ value: DurationUnit; label: string; seconds: number }> = [
  { value: 'seconds', label: 'seconds', seconds: 1 },
  { value: 'minutes', label: 'minutes', seconds: 60 },
  { value: 'hours', label: 'hours', seconds: 3600 },
  { value: 'days', label: 'days', seconds: 86400 },
  { value: 'weeks', label: 'weeks', seconds: 604800 },
];

const ALIASES: Record<string, DurationUnit> = {
  s: 'seconds', sec: 'seconds', secs: 'seconds', second: 'seconds', seconds: 'seconds',
  m: 'minutes', min: 'minutes', mins: 'minutes', minute: 'minutes', minutes: 'minutes',
  h: 'hours', hr: 'hours', hrs: 'hours', hour: 'hours', hours: 'hours',
  d: 'days', day: 'days', days: 'days',
  w: 'weeks', week: 'weeks', weeks: 'weeks',
};

export interface DurationParts {
  amount: number;
  unit: DurationUnit;
}

/** Read any duration form the API accepts (seconds, `[n, "unit"]`, `"n unit"`). */
export function parseDuration(value: DurationInput | null | undefined): DurationParts | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return largestUnit(value);
  if (Array.isArray(value)) {
    const [amount, unit] = value;
    const u = ALIASES[String(unit).toLowerCase()];
    return u && Number.isFinite(amount) ? { amount, unit: u } : null;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)?\s*$/.exec(value);
  if (!m) return null;
  const amount = Number(m[1]);
  if (!m[2]) return largestUnit(amount);
  const u = ALIASES[m[2].toLowerCase()];
  return u ? { amount, unit: u } : null;
}

function largestUnit(seconds: number): DurationParts {
  for (let i = DURATION_UNITS.length - 1; i >= 0; i--) {
    const unit = DURATION_UNITS[i]!;
    if (seconds >= unit.seconds && seconds % unit.seconds === 0) return { amount: seconds / unit.seconds, unit: unit.value };
  }
  return { amount: seconds, unit: 'seconds' };
}

export function toSeconds(parts: DurationParts): number {
  const unit = DURATION_UNITS.find((u) => u.value === parts.unit);
  return parts.amount * (unit?.seconds ?? 1);
}

/** "5 minutes", "1 hour". */
export function describeDuration(parts: DurationParts): string {
  const singular = parts.unit.replace(/s$/, '');
  return `${parts.amount} ${parts.amount === 1 ? singular : parts.unit}`;
}
