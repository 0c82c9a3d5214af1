import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../test/FakeTransport';
import { makeSettings } from '../../test/fixtures';
import { emptyEngine, renderApp } from '../../test/renderApp';

const SETTINGS = makeSettings({
  api_key: 'chime_0123456789abcdefghijklmnopqrstuvwxyzABCD',
  signing_secret: 'whsec_secretsecretsecret',
});

function engine() {
  return emptyEngine().on('GET', '/api/settings', ok({ data: SETTINGS }));
}

describe('Settings', () => {
  it('shows a 422 from the API under the field it names, and keeps what was typed', async () => {
    const t = engine().on(
      'PATCH',
      '/api/settings',
      fail(422, 'invalid', 'retention_days', 'retention_days: must be between 1 and 3650'),
    );
    const { user } = renderApp(t, '/settings');
    const field = await screen.findByLabelText('Keep the log for (days)');
    expect(field).toHaveValue('30');
    await user.clear(field);
    await user.type(field, '0');
    expect(t.requestsTo('PATCH', '/api/settings')).toHaveLength(0); // not while typing
    await user.tab(); // applies on blur

    await waitFor(() => expect(t.requestsTo('PATCH', '/api/settings')).toHaveLength(1));
    expect(t.requestsTo('PATCH', '/api/settings')[0]?.body).toEqual({ retention_days: 0 });
    const error = await screen.findByText('retention_days: must be between 1 and 3650');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field.getAttribute('aria-describedby')).toBe(error.id);
    expect(field).toHaveValue('0');
    // the other fields carry no error
    expect(screen.getByLabelText('Port')).not.toHaveAttribute('aria-invalid');
  });

  it('applies a switch at once and confirms it was saved', async () => {
    const t = engine().on('PATCH', '/api/settings', (req) => ok({ data: { ...SETTINGS, ...(req.body as object) } }));
    const { user } = renderApp(t, '/settings');
    const toggle = await screen.findByRole('switch', { name: 'Notify when a run succeeds' });
    expect(toggle).not.toBeChecked();
    await user.click(toggle);
    expect(toggle).toBeChecked();
    await waitFor(() => expect(t.requestsTo('PATCH', '/api/settings')[0]?.body).toEqual({ notify_on_success: true }));
    expect(await screen.findByText('✓ Saved')).toBeInTheDocument();
  });

  it('saves how long catch-up runs wait for the network, in seconds, and shows what the engine kept', async () => {
    const t = engine().on('PATCH', '/api/settings', (req) => ok({ data: { ...SETTINGS, ...(req.body as object) } }));
    const { user } = renderApp(t, '/settings');
    const field = await screen.findByLabelText('Wait for the network when catching up (seconds)');
    expect(field).toHaveValue('30');
    await user.clear(field);
    await user.type(field, '90{Enter}');
    await waitFor(() => expect(t.requestsTo('PATCH', '/api/settings')).toHaveLength(1));
    expect(t.requestsTo('PATCH', '/api/settings')[0]?.body).toEqual({ network_wait_seconds: 90 });
    expect(await screen.findByText('✓ Saved')).toBeInTheDocument();
    expect(field).toHaveValue('90');

    // not a whole number: said under the field, nothing sent
    await user.clear(field);
    await user.type(field, '1.5{Enter}');
    expect(await screen.findByText('The wait must be a whole number.')).toBeInTheDocument();
    expect(t.requestsTo('PATCH', '/api/settings')).toHaveLength(1);
  });

  it('says "✓ Saved" beside the label of a text setting, not over its input', async () => {
    const t = engine().on('PATCH', '/api/settings', (req) => ok({ data: { ...SETTINGS, ...(req.body as object) } }));
    const { user } = renderApp(t, '/settings');
    const port = await screen.findByLabelText('Port');
    await user.clear(port);
    await user.type(port, '7400{Enter}');
    const saved = await screen.findByText('✓ Saved');
    const line = saved.parentElement!;
    expect(line).toHaveClass('field__head');
    expect(within(line).getByText('Port')).toBe(document.querySelector(`label[for="${port.id}"]`));
    expect(line).not.toContainElement(port);
  });

  it('says when --allow-http allows plain http for this run, whatever the switch says', async () => {
    const t = engine().on('GET', '/api/status', ok({ data: { paused: false, allow_http_for_this_run: true } }));
    renderApp(t, '/settings');
    const toggle = await screen.findByRole('switch', { name: 'Allow plain http:// targets' });
    expect(toggle).not.toBeChecked();
    expect(await screen.findByText(/On for this run whatever this says/)).toBeInTheDocument();
  });

  it('says https only when no flag overrides the switch', async () => {
    const t = engine().on('GET', '/api/status', ok({ data: { paused: false, allow_http_for_this_run: false } }));
    renderApp(t, '/settings');
    expect(await screen.findByText('Off: jobs may only call https:// URLs.')).toBeInTheDocument();
    expect(screen.queryByText(/On for this run/)).not.toBeInTheDocument();
  });

  it('masks the API key, and regenerating it switches the transport to the new key', async () => {
    const t = engine().on(
      'POST',
      '/api/settings/api_key/regenerate',
      ok({ data: { ...SETTINGS, api_key: 'chime_NEWKEYNEWKEYNEWKEY' } }),
    );
    const { user } = renderApp(t, '/settings');
    const key = await screen.findByLabelText('API key');
    expect(key).toHaveValue(`chime_${'•'.repeat(24)}`);
    expect(screen.queryByDisplayValue(SETTINGS.api_key)).not.toBeInTheDocument();
    const api = screen.getByRole('region', { name: 'API' });
    await user.click(within(api).getByRole('button', { name: 'Regenerate' }));
    const dialog = await screen.findByRole('dialog', { name: 'Make a new API key?' });
    await user.click(within(dialog).getByRole('button', { name: 'Regenerate' }));
    await waitFor(() => expect(t.apiKeys).toEqual(['chime_NEWKEYNEWKEYNEWKEY']));
    await user.click(within(api).getByRole('button', { name: 'Show' }));
    expect(screen.getByLabelText('API key')).toHaveValue('chime_NEWKEYNEWKEYNEWKEY');
  });
});
