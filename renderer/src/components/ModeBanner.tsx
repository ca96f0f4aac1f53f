import { useState } from 'react';
import { useCall, useEvents } from '../api.js';

/** REHEARSAL or PRODUCTION, on every screen (the projector's too): nobody may mistake one for the other. */
export function ModeBanner({ large = false }: { large?: boolean }) {
  const status = useCall('app.status', {});
  if (status.status !== 'ok') return null;
  const rehearsal = status.value.mode === 'rehearsal';
  return (
    <div className={`mode ${rehearsal ? 'mode-rehearsal' : 'mode-production'}${large ? ' mode-large' : ''}`} data-testid="mode-banner">
      {rehearsal ? 'REHEARSAL — nothing produced here is production output' : 'PRODUCTION'}
    </div>
  );
}

/** The air gap as last checked, updated whenever any screen checks it again. */
export function AirGapBadge() {
  const status = useCall('app.status', {});
  const [latest, setLatest] = useState<{ isolated: boolean; warnings: string[] } | null>(null);
  useEvents((event) => {
    if (event.type === 'air-gap') setLatest({ isolated: event.isolated, warnings: event.warnings });
  });
  const airGap = latest ?? (status.status === 'ok' ? status.value.airGap : null);
  if (!airGap) return null;
  return (
    <a href="#/status" className={airGap.isolated ? 'badge badge-ok' : 'badge badge-warn'} data-testid="airgap-badge">
      {airGap.isolated ? 'Air gap: isolated' : 'Air gap: NETWORK CONNECTED'}
    </a>
  );
}
