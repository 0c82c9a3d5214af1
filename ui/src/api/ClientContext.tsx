import { createContext, useContext, type ReactNode } from 'react';
import type { ChimeClient } from './client';
import type { Transport } from './transport';

interface ApiContextValue {
  client: ChimeClient;
  transport: Transport;
}

const ApiContext = createContext<ApiContextValue | null>(null);

export function ApiProvider({ client, transport, children }: ApiContextValue & { children: ReactNode }) {
  return <ApiContext.Provider value={{ client, transport }}>{children}</ApiContext.Provider>;
}

function useApiContext(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useClient must be used inside <ApiProvider>');
  return value;
}

export function useClient(): ChimeClient {
  return useApiContext().client;
}

export function useTransport(): Transport {
  return useApiContext().transport;
}
