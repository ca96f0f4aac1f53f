import { useEffect, useState } from 'react';

/**
 * Ticks down from what the backend measured (its clock is the ceremony's clock, which in a
 * rehearsal may be set to another date); the page only adds the time elapsed since the answer.
 */
export function useRemaining(remainingMs: number): number {
  const [origin, setOrigin] = useState(() => ({ at: performance.now(), remainingMs }));
  const [now, setNow] = useState(() => performance.now());
  // A new answer from the backend restarts the count from its value (React's derived-state pattern).
  if (origin.remainingMs !== remainingMs) setOrigin({ at: performance.now(), remainingMs });
  useEffect(() => {
    const timer = window.setInterval(() => setNow(performance.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return origin.remainingMs - Math.max(0, now - origin.at);
}

/** The backend's clock (the ceremony's), ticking: what the app shows as its time. */
export function useBackendNow(nowAtAnswer: string | null): string | null {
  const elapsed = -useRemaining(0);
  if (!nowAtAnswer) return null;
  return new Date(Date.parse(nowAtAnswer) + Math.max(0, elapsed)).toISOString();
}

export function formatRemaining(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  const text = `${days} d ${pad(hours)} h ${pad(minutes)} min ${pad(seconds)} s`;
  return ms >= 0 ? text : `expired ${text} ago`;
}

/**
 * The countdown to the last RRSIG of the current SKR, as a line of large type. With `asOf` (a
 * closed ceremony) it does not tick: it is the time that was left when the decisions were made.
 */
export function Countdown({ remainingMs, until, className, asOf }: { remainingMs: number; until: string; className?: string; asOf?: string }) {
  const ticking = useRemaining(remainingMs);
  const remaining = asOf ? remainingMs : ticking;
  return (
    <p className={className ?? 'countdown'} data-testid="countdown">
      <span className="countdown-value" role={asOf ? undefined : 'timer'} aria-live="off">
        {formatRemaining(remaining)}
      </span>{' '}
      <span className="countdown-until">
        until {until}
        {asOf ? ` (as recorded at ${asOf}, when it was decided)` : ''}
      </span>
    </p>
  );
}
