import { screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyEngine, renderApp } from '../test/renderApp';

/** The settings page, made to throw while `broken` is set (as the run detail did under a C locale). */
const page = vi.hoisted(() => ({ broken: true }));
vi.mock('../features/settings/SettingsPage', () => ({
  SettingsPage: () => {
    if (page.broken) throw new RangeError('invalid language tag: C');
    return <h1>Settings page</h1>;
  },
}));

describe('a page that throws', () => {
  beforeEach(() => {
    page.broken = true;
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });

  it('shows what failed in its place, and the sidebar still leads to the other views', async () => {
    const { user, history } = renderApp(emptyEngine(), '/settings');
    expect(await screen.findByRole('heading', { name: 'Something went wrong in this view' })).toBeInTheDocument();
    expect(screen.getByText('invalid language tag: C')).toBeInTheDocument();

    await user.click(screen.getByRole('link', { name: 'Jobs' }));
    expect(await screen.findByRole('heading', { name: 'No jobs yet' })).toBeInTheDocument();
    expect(history.location.pathname).toBe('/jobs');
    expect(screen.queryByText('invalid language tag: C')).not.toBeInTheDocument();
  });

  it('"Go back" returns to the view before it', async () => {
    const { user, history } = renderApp(emptyEngine(), '/jobs');
    await screen.findByRole('heading', { name: 'No jobs yet' });
    await user.click(screen.getByRole('link', { name: 'Settings' }));
    await user.click(await screen.findByRole('button', { name: 'Go back' }));
    await waitFor(() => expect(history.location.pathname).toBe('/jobs'));
    expect(await screen.findByRole('heading', { name: 'No jobs yet' })).toBeInTheDocument();
  });

  it('"Reload this view" renders the page again', async () => {
    const { user } = renderApp(emptyEngine(), '/settings');
    const reload = await screen.findByRole('button', { name: 'Reload this view' });
    page.broken = false;
    await user.click(reload);
    expect(await screen.findByRole('heading', { name: 'Settings page' })).toBeInTheDocument();
  });
});
