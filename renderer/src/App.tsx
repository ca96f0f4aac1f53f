import { useEffect, useState } from 'react';
import type { KskApi } from '../../core/contract/api.js';
import type { StartupReport } from '../../core/contract/channels/app.js';
import { ApiProvider } from './api.js';
import { AppFrame } from './AppFrame.js';
import { connectApi } from './platform/api.js';
import { StartupScreen } from './screens/StartupScreen.js';

type Started = { api: KskApi; startup: StartupReport } | { failure: string };

export function App() {
  const [started, setStarted] = useState<Started | null>(null);
  useEffect(() => {
    connectApi()
      .then(async (api): Promise<Started> => {
        // The backend's self-check decides between the app and the one screen that says what failed.
        const startup = await api.call('app.startup', {});
        return startup.ok ? { api, startup: startup.value } : { failure: startup.error.message };
      })
      .then(setStarted, (e: unknown) => setStarted({ failure: e instanceof Error ? e.message : String(e) }));
  }, []);
  if (started === null) return <main className="app">Connecting to the ceremony backend…</main>;
  if ('failure' in started) {
    return (
      <main className="app">
        <h1>KSK Ceremony</h1>
        <div className="error" role="alert">
          {started.failure}
        </div>
      </main>
    );
  }
  if (!started.startup.ok) return <StartupScreen report={started.startup} />;
  return (
    <ApiProvider api={started.api}>
      <AppFrame />
    </ApiProvider>
  );
}
