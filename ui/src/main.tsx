import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { ApiKeyScreen } from './app/ApiKeyScreen';
import { forgetApiKey, storeApiKey, storedApiKey, takeKeyFromLocation } from './api/apiKey';
import { HttpTransport } from './api/httpTransport';
import { TauriTransport } from './api/tauriTransport';
import { isTauri } from './api/transport';
import './styles/theme.css';
import './styles/base.css';
import './components/components.css';

/** In a browser against `chime serve`: the key from `#key=...`, this tab's storage, or the key screen. */
function BrowserApp() {
  const [apiKey, setApiKey] = useState<string | null>(() => takeKeyFromLocation() ?? storedApiKey());
  const [refused, setRefused] = useState(false);
  const transport = useMemo(
    () =>
      apiKey
        ? new HttpTransport({
            apiKey,
            // A key regenerated in Settings replaces this tab's stored one; the transport
            // switches in place, so the app does not restart.
            onApiKeyChange: (next) => storeApiKey(next),
            onUnauthorized: () => {
              forgetApiKey();
              setRefused(true);
              setApiKey(null);
            },
          })
        : null,
    [apiKey],
  );
  if (!transport) {
    return (
      <ApiKeyScreen
        refused={refused}
        onKey={(key) => {
          storeApiKey(key);
          setRefused(false);
          setApiKey(key);
        }}
      />
    );
  }
  return <App key={apiKey ?? ''} transport={transport} />;
}

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');

const tauriTransport = isTauri() ? new TauriTransport() : null;
createRoot(root).render(
  <StrictMode>{tauriTransport ? <App transport={tauriTransport} /> : <BrowserApp />}</StrictMode>,
);
