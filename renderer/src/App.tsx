import { useEffect, useState } from 'react';
import type { KskApi } from '../../core/contract/api.js';
import { ApiProvider, useCall } from './api.js';
import { connectApi } from './platform/api.js';
import { StatusScreen } from './screens/StatusScreen.js';

function ModeBanner() {
  const status = useCall('app.status', {});
  if (status.status !== 'ok') return null;
  const rehearsal = status.value.mode === 'rehearsal';
  return (
    <div className={rehearsal ? 'mode mode-rehearsal' : 'mode mode-production'} data-testid="mode-banner">
      {rehearsal ? 'REHEARSAL — nothing produced here is production output' : 'PRODUCTION'}
    </div>
  );
}

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
      <header className="app-header">
        <span className="app-name">KSK Ceremony</span>
        <ModeBanner />
      </header>
      <main className="app">
        <StatusScreen />
      </main>
    </ApiProvider>
  );
}
