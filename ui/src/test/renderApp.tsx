import { QueryClient } from '@tanstack/react-query';
import { createMemoryHistory } from '@tanstack/react-router';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../app/App';
import type { PreviewAnswer } from '../api/types';
import { FakeTransport, ok } from './FakeTransport';
import { page } from './fixtures';

export const DEFAULT_PREVIEW: PreviewAnswer = {
  description: 'At 09:00 AM, Monday through Friday',
  next: ['2026-11-30T09:00:00+01:00', '2026-12-01T09:00:00+01:00'],
  notes: [],
};

/** A fake engine with nothing in it: empty lists and a preview that always answers. */
export function emptyEngine(): FakeTransport {
  return new FakeTransport()
    .on('GET', '/api/schedules', ok(page([])))
    .on('GET', '/api/jobs', ok(page([])))
    .on('POST', '/api/schedules/preview', ok({ data: DEFAULT_PREVIEW }));
}

/** The whole app (router, queries, shell) over a fake transport, at `path`. */
export function renderApp(transport: FakeTransport, path = '/jobs') {
  const history = createMemoryHistory({ initialEntries: [path] });
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: 0, gcTime: Infinity }, mutations: { retry: false } },
  });
  const user = userEvent.setup();
  const utils = render(<App transport={transport} history={history} queryClient={queryClient} />);
  return { ...utils, user, history, queryClient, transport };
}
