import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { AirGapReport } from '../contract/channels/app.js';
import type { Clock } from '../clock.js';

/** Where Linux describes its network; injectable so the check can be tested against a fixed tree. */
export interface NetworkView {
  interfaceNames(): string[];
  operstate(name: string): string | null;
  flags(name: string): number | null;
  addresses(name: string): string[];
  ipv4Routes(): string | null;
  ipv6Routes(): string | null;
}

const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export const linuxNetworkView: NetworkView = {
  interfaceNames() {
    try {
      return readdirSync('/sys/class/net');
    } catch {
      return Object.keys(os.networkInterfaces());
    }
  },
  operstate: (name) => readOrNull(`/sys/class/net/${name}/operstate`)?.trim() ?? null,
  flags(name) {
    const raw = readOrNull(`/sys/class/net/${name}/flags`);
    return raw === null ? null : Number.parseInt(raw.trim(), 16);
  },
  addresses: (name) => (os.networkInterfaces()[name] ?? []).map((a) => `${a.address}/${a.netmask}`),
  ipv4Routes: () => readOrNull('/proc/net/route'),
  ipv6Routes: () => readOrNull('/proc/net/ipv6_route'),
};

function defaultRoutes(view: NetworkView): string[] {
  const routes: string[] = [];
  for (const line of (view.ipv4Routes() ?? '').split('\n').slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (iface && destination === '00000000' && mask === '00000000') routes.push(`IPv4 default route via ${iface}`);
  }
  for (const line of (view.ipv6Routes() ?? '').split('\n')) {
    const fields = line.trim().split(/\s+/);
    const iface = fields[9];
    if (fields[0] === '00000000000000000000000000000000' && fields[1] === '00' && iface && iface !== 'lo') {
      routes.push(`IPv6 default route via ${iface}`);
    }
  }
  return [...new Set(routes)];
}

/**
 * The ceremony laptop must be air-gapped: any interface other than loopback that is up, or any
 * default route, is a warning for the CA (and, once a ceremony log exists, an entry in it).
 */
export function checkAirGap(clock: Clock, view: NetworkView = linuxNetworkView): AirGapReport {
  const interfaces = view.interfaceNames().map((name) => {
    const flags = view.flags(name);
    const loopback = flags !== null ? (flags & IFF_LOOPBACK) !== 0 : name === 'lo';
    const state = view.operstate(name);
    const up = state === 'up' || (state === 'unknown' && flags !== null && (flags & IFF_UP) !== 0);
    return { name, up, loopback, addresses: view.addresses(name) };
  });
  const routes = defaultRoutes(view);
  const warnings = [
    ...interfaces
      .filter((i) => i.up && !i.loopback)
      .map((i) => `Network interface ${i.name} is up${i.addresses.length ? ` (${i.addresses.join(', ')})` : ''}.`),
    ...routes.map((r) => `${r}: this machine can reach a network.`),
  ];
  return {
    checkedAt: clock.now().toISOString(),
    isolated: warnings.length === 0,
    interfaces: interfaces.sort((a, b) => a.name.localeCompare(b.name)),
    defaultRoutes: routes,
    warnings,
  };
}
