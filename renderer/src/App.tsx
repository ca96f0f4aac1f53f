import { useEffect, useState } from 'react';
import type { KskApi } from '../../core/contract/api.js';
import { ApiProvider } from './api.js';
import { AppFrame } from './AppFrame.js';
import { connectApi } from './platform/api.js';

export function App() {
  const [api, setApi] = useState<KskApi | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    connectApi().then(setApi, (e: unknown) => setFailure(e instanceof Error ? e.message : String(e)));
  }, []);
  if (failure) {
    return (
      <main className="app">
        <h1>KSK Ceremony</h1>
        <div className="error" role="alert">
          {failure}
        </div>
      </main>
    );
  }
  if (!api) return <main className="app">Connecting to the ceremony backend…</main>;
  return (
    <ApiProvider api={api}>
      <AppFrame />
    </ApiProvider>
  );
}
