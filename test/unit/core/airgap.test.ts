import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedClock } from '../../../core/clock.js';
import { checkAirGap, type NetworkView } from '../../../core/system/airgap.js';

const clock = fixedClock('2026-11-28T10:00:00Z');

function view(ifaces: Record<string, { state: string; flags: number; addresses?: string[] }>, ipv4 = '', ipv6 = ''): NetworkView {
  return {
    interfaceNames: () => Object.keys(ifaces),
    operstate: (n) => ifaces[n]?.state ?? null,
    flags: (n) => ifaces[n]?.flags ?? null,
    addresses: (n) => ifaces[n]?.addresses ?? [],
    ipv4Routes: () => `Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n${ipv4}`,
    ipv6Routes: () => ipv6,
  };
}

test('a laptop with only loopback and a cable unplugged is isolated', () => {
  const report = checkAirGap(clock, view({ lo: { state: 'unknown', flags: 0x9 }, eth0: { state: 'down', flags: 0x1002 } }));
  assert.equal(report.isolated, true);
  assert.deepEqual(report.warnings, []);
  assert.equal(report.checkedAt, '2026-11-28T10:00:00.000Z');
});

test('an interface that is up and a default route are each a warning', () => {
  const report = checkAirGap(
    clock,
    view(
      { lo: { state: 'unknown', flags: 0x9 }, wlan0: { state: 'up', flags: 0x1003, addresses: ['192.168.1.20/255.255.255.0'] } },
      'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\n',
      '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000002 00000000 00000003     wlan0\n',
    ),
  );
  assert.equal(report.isolated, false);
  assert.deepEqual(report.warnings, [
    'Network interface wlan0 is up (192.168.1.20/255.255.255.0).',
    'IPv4 default route via wlan0: this machine can reach a network.',
    'IPv6 default route via wlan0: this machine can reach a network.',
  ]);
});

test('a tunnel whose state is unknown counts as up when its flags say so', () => {
  const report = checkAirGap(clock, view({ tun0: { state: 'unknown', flags: 0x1091 } }));
  assert.equal(report.isolated, false);
  assert.equal(report.interfaces[0]?.up, true);
});
