import { describe, expect, it } from 'vitest';
import { fieldSpec, parseCron, parseCronField, serializeCron } from './cron';

describe('cron model', () => {
  it('reads each shape the editor can show', () => {
    const minute = fieldSpec('minute');
    expect(parseCronField('*', minute)).toEqual({ kind: 'every' });
    expect(parseCronField('5', minute)).toEqual({ kind: 'specific', values: [5] });
    expect(parseCronField('30,0,15', minute)).toEqual({ kind: 'specific', values: [0, 15, 30] });
    expect(parseCronField('10-20', minute)).toEqual({ kind: 'range', from: 10, to: 20 });
    expect(parseCronField('*/15', minute)).toEqual({ kind: 'step', start: null, step: 15 });
    expect(parseCronField('5/15', minute)).toEqual({ kind: 'step', start: 5, step: 15 });
  });

  it('leaves what it cannot show as custom text (out of range, mixed lists, stepped ranges)', () => {
    const minute = fieldSpec('minute');
    expect(parseCronField('75', minute)).toEqual({ kind: 'custom', text: '75' });
    expect(parseCronField('1-5,10', minute)).toEqual({ kind: 'custom', text: '1-5,10' });
    expect(parseCronField('0-30/5', minute)).toEqual({ kind: 'custom', text: '0-30/5' });
    expect(parseCronField('20-10', minute)).toEqual({ kind: 'custom', text: '20-10' });
  });

  it('knows month and weekday names, and that 7 is Sunday', () => {
    expect(parseCronField('MON-FRI', fieldSpec('dayOfWeek'))).toEqual({ kind: 'range', from: 1, to: 5 });
    expect(parseCronField('7', fieldSpec('dayOfWeek'))).toEqual({ kind: 'specific', values: [0] });
    expect(parseCronField('jan,jul', fieldSpec('month'))).toEqual({ kind: 'specific', values: [1, 7] });
  });

  it('round-trips a representable expression and expands macros', () => {
    const parsed = parseCron('*/5 9-17 1 1,6 1-5');
    expect(parsed.fiveFields).toBe(true);
    expect(serializeCron(parsed.fields)).toBe('*/5 9-17 1 1,6 1-5');
    expect(serializeCron(parseCron('@hourly').fields)).toBe('0 * * * *');
    expect(parseCron('0 9 * *').fiveFields).toBe(false);
  });
});
