import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { emptyEngine, renderApp } from '../../test/renderApp';

async function openCronTab() {
  const engine = emptyEngine();
  const app = renderApp(engine, '/jobs/new');
  await app.user.click(await screen.findByRole('tab', { name: 'Cron' }));
  const text = screen.getByLabelText('Cron expression');
  return { ...app, engine, text };
}

function previewsOf(engine: ReturnType<typeof emptyEngine>) {
  return engine.requestsTo('POST', '/api/schedules/preview').map((r) => r.body as Record<string, unknown>);
}

describe('CronEditor (two-way)', () => {
  it('reads typed text into the fields: 0 9 * * 1-5 is hour 9 on Monday to Friday', async () => {
    const { user, text, engine } = await openCronTab();
    await user.clear(text);
    // nothing readable: every field says custom
    expect(screen.getByLabelText('Hour mode')).toHaveValue('custom');
    await user.type(text, '0 9 * * 1-5');

    expect(screen.getByLabelText('Minute mode')).toHaveValue('specific');
    expect(screen.getByLabelText('Minute values')).toHaveValue('0');
    expect(screen.getByLabelText('Hour mode')).toHaveValue('specific');
    expect(screen.getByLabelText('Hour values')).toHaveValue('9');
    expect(screen.getByLabelText('Day of month mode')).toHaveValue('every');
    expect(screen.getByLabelText('Month mode')).toHaveValue('every');
    expect(screen.getByLabelText('Weekday mode')).toHaveValue('range');
    expect(screen.getByLabelText('Weekday from')).toHaveDisplayValue('Mon');
    expect(screen.getByLabelText('Weekday to')).toHaveDisplayValue('Fri');

    // the engine is asked about exactly this text, in the chosen zone (debounced: once settled)
    await waitFor(() => expect(previewsOf(engine).at(-1)).toMatchObject({ cron: '0 9 * * 1-5', count: 10 }));
    expect(typeof previewsOf(engine).at(-1)?.timezone).toBe('string');
    expect(await screen.findByText('At 09:00 AM, Monday through Friday')).toBeInTheDocument();
  });

  it('writes a preset into the text: "Every 5 minutes" is */5 * * * *', async () => {
    const { user, text, engine } = await openCronTab();
    await user.click(within(screen.getByRole('group', { name: 'Presets' })).getByRole('button', { name: 'Every 5 minutes' }));
    expect(text).toHaveValue('*/5 * * * *');
    expect(screen.getByLabelText('Minute mode')).toHaveValue('step');
    expect(screen.getByLabelText('Minute step')).toHaveValue(5);
    expect(screen.getByRole('button', { name: 'Every 5 minutes' })).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() => expect(previewsOf(engine).at(-1)).toMatchObject({ cron: '*/5 * * * *' }));
  });

  it('writes field edits back into the text', async () => {
    const { user, text } = await openCronTab();
    await user.clear(text);
    await user.type(text, '30 9 * * 1-5');
    await user.selectOptions(screen.getByLabelText('Weekday mode'), 'specific');
    expect(text).toHaveValue('30 9 * * 1');
    await user.click(within(screen.getByRole('group', { name: 'Weekday values' })).getByRole('button', { name: 'Wed' }));
    expect(text).toHaveValue('30 9 * * 1,3');
    const hours = screen.getByLabelText('Hour values');
    await user.clear(hours);
    await user.type(hours, '8,17');
    expect(text).toHaveValue('30 8,17 * * 1,3');
    await user.selectOptions(screen.getByLabelText('Month mode'), 'range');
    await user.selectOptions(screen.getByLabelText('Month to'), 'Mar');
    expect(text).toHaveValue('30 8,17 * 1-3 1,3');
  });

  it('shows "custom" for a field it cannot represent, and keeps that part of the text', async () => {
    const { user, text } = await openCronTab();
    await user.clear(text);
    await user.type(text, '0 9 1-7 * 1-5/2');
    expect(screen.getByLabelText('Weekday mode')).toHaveValue('custom');
    expect(screen.getByLabelText('Day of month mode')).toHaveValue('range');
    await user.selectOptions(screen.getByLabelText('Hour mode'), 'every');
    expect(text).toHaveValue('0 * 1-7 * 1-5/2');

    await user.clear(text);
    await user.type(text, '@daily');
    expect(screen.getByLabelText('Hour values')).toHaveValue('0');
    await user.clear(text);
    await user.type(text, '0 9 * *');
    expect(screen.getByLabelText('Minute mode')).toHaveValue('custom');
    expect(text).toHaveAccessibleDescription(/cannot be shown field by field/);
  });
});
