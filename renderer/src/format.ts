/** Times as the room reads them: always UTC, to the second, with the zone written out. */
export function utc(iso: string | null | undefined): string {
  if (!iso) return '—';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** The time of day only, for the script's margin ("14:03:22"). */
export function clockTime(iso: string | null | undefined): string {
  const match = iso ? /T(\d{2}:\d{2}:\d{2})/.exec(iso) : null;
  return match ? match[1]! : '—';
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function hexGroups(hex: string): string[] {
  return hex.match(/.{1,4}/g) ?? [hex];
}
