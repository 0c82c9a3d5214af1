import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ok } from '../test/FakeTransport';
import { emptyEngine, renderApp } from '../test/renderApp';

describe('AppShell', () => {
  it('opens each view from the sidebar, loading it on first use, and marks it current', async () => {
    const engine = emptyEngine().on('GET', '/api/logs', ok({ data: [], limit: 200 }));
    const { user } = renderApp(engine);
    await user.click(await screen.findByRole('link', { name: 'Live log' }));
    expect(await screen.findByRole('heading', { name: 'Live log' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Live log' })).toHaveAttribute('aria-current', 'page');
    expect(await screen.findByRole('heading', { name: 'No events yet' })).toBeInTheDocument();
  });

  it('N opens a new job, / focuses search, and neither fires while typing', async () => {
    const { user, history } = renderApp(emptyEngine());
    await screen.findByRole('heading', { name: 'No jobs yet' });

    await user.keyboard('/');
    const search = screen.getByRole('searchbox', { name: 'Search jobs' });
    expect(search).toHaveFocus();
    await user.keyboard('n');
    expect(search).toHaveValue('n'); // typed, not a shortcut
    expect(history.location.pathname).toBe('/jobs');

    search.blur();
    await user.keyboard('n');
    expect(await screen.findByRole('dialog', { name: 'New job' })).toBeInTheDocument();
    expect(history.location.pathname).toBe('/jobs/new');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New job' })).not.toBeInTheDocument());
  });

  it('a curl command pasted outside any field opens the builder filled from it', async () => {
    const engine = emptyEngine().on(
      'POST',
      '/api/import/curl',
      ok({ data: { method: 'delete', url: 'https://api.example.com/cache', query: {}, headers: {}, body: null } }),
    );
    renderApp(engine);
    await screen.findByRole('heading', { name: 'No jobs yet' });
    const data = { getData: () => 'curl -X DELETE https://api.example.com/cache' };
    fireEvent.paste(document.body, { clipboardData: data });
    expect(await screen.findByRole('dialog', { name: 'New job' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByLabelText('URL')).toHaveValue('https://api.example.com/cache'));
    expect(screen.getByRole('combobox', { name: 'Method' })).toHaveValue('delete');
    expect(engine.requestsTo('POST', '/api/import/curl')[0]?.body).toEqual({
      command: 'curl -X DELETE https://api.example.com/cache',
    });
  });
});
