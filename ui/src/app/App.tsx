import { useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider, createHashHistory, type RouterHistory } from '@tanstack/react-router';
import { ApiProvider } from '../api/ClientContext';
import { createClient } from '../api/client';
import { isApiError } from '../api/errors';
import type { Transport } from '../api/transport';
import { ToastProvider } from '../components/Toast';
import { createAppRouter } from './router';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: true,
        // A 4xx will not get better by asking again.
        retry: (count, error) => count < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
}

/** The whole UI over one transport. Tests pass a memory history and their own query client. */
export function App({
  transport,
  history,
  queryClient,
}: {
  transport: Transport;
  history?: RouterHistory;
  queryClient?: QueryClient;
}) {
  const [client] = useState(() => createClient(transport));
  const [queries] = useState(() => queryClient ?? createQueryClient());
  const [router] = useState(() => createAppRouter(history ?? createHashHistory()));
  return (
    <ApiProvider client={client} transport={transport}>
      <QueryClientProvider client={queries}>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </QueryClientProvider>
    </ApiProvider>
  );
}
