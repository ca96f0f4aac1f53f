import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AirGapReport } from '../../../core/contract/channels/app.js';
import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import { Backend } from '../../../core/service/backend.js';
import { softhsmToken } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';

/** The laptop's network as a test sets it: loopback, and eth0 up or down. */
function network(eth0Up: boolean): AirGapReport {
  return {
    checkedAt: new Date().toISOString(),
    isolated: !eth0Up,
    interfaces: [
      { name: 'eth0', up: eth0Up, loopback: false, addresses: eth0Up ? ['192.0.2.7/255.255.255.0'] : [] },
      { name: 'lo', up: true, loopback: true, addresses: ['127.0.0.1/255.0.0.0'] },
    ],
    defaultRoutes: eth0Up ? ['IPv4 default route via eth0'] : [],
    warnings: eth0Up ? ['Network interface eth0 is up (192.0.2.7/255.255.255.0).', 'IPv4 default route via eth0: this machine can reach a network.'] : [],
  };
}

test('the air gap is logged when the ceremony opens and at every change; a production ceremony does not start in the room with the network up unless the IW signs an exception overriding AIR-GAP', async (t) => {
  let up = true;
  const token = softhsmToken(t, 'KSK-PROD');
  const backend = new Backend({ workspaceDir: tempDir(t, 'ksk-prod-'), mode: 'production' }, { network: () => network(up) });
  t.after(() => backend.close());
  const call = async <T = CeremonyState>(channel: string, request: unknown): Promise<T> => {
    const envelope = await backend.call(channel, request);
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code });
    return envelope.value as T;
  };
  const created = await call('ceremony.create', {
    template: 'ksr-signing',
    bindings: { HSM1: { modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: token.label, activation: 'split-pin' } },
  });
  const ceremonyId = created.ceremonyId;
  const events = async () =>
    (await call<{ events: { type: string; payload: Record<string, unknown> }[] }>('log.events', { ceremonyId })).events
      .filter((e) => e.type === 'airgap.state')
      .map((e) => e.payload);
  assert.deepEqual(
    (await events()).map((p) => [p.at, p.isolated]),
    [['open', false]],
  );
  await call('ceremony.signIn', { ceremonyId, personId: 'iw', name: 'Ines Witness', roles: ['IW'] });

  // The first step in the room is refused while eth0 is up, naming it.
  const first = created.acts.flatMap((a) => a.steps).find((s) => s.phase === 'ceremony');
  assert.ok(first);
  const start = () =>
    call('step.start', {
      ceremonyId,
      stepId: first.id,
      ...(first.id === created.currentStepId ? {} : { deviation: { reason: 'the preparation was done on paper', witnessId: 'iw' } }),
    });
  await assert.rejects(start(), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'POLICY_FAILURE');
    assert.match(
      e.message,
      /cannot start step [\d.]+: the laptop is not air-gapped \(Network interface eth0 is up .*\)\. Disconnect the network, or record an exception overriding AIR-GAP that the IW signs\./,
    );
    return true;
  });

  // eth0 goes down, then up again: each change is in the log, with the interfaces as they were.
  up = false;
  await call('ceremony.state', { ceremonyId });
  await call('ceremony.signIn', { ceremonyId, personId: 'ca', name: 'Ada Administrator', roles: ['CA'] });
  up = true;
  await call('ceremony.signIn', { ceremonyId, personId: 'sa', name: 'Sam Sysadmin', roles: ['SA'] });
  const logged = await events();
  assert.deepEqual(
    logged.map((p) => [p.at, p.isolated]),
    [
      ['open', false],
      ['change', true],
      ['change', false],
    ],
  );
  assert.deepEqual(logged[1]?.interfaces, [
    { name: 'eth0', up: false, loopback: false },
    { name: 'lo', up: true, loopback: true },
  ]);

  // The IW signs the exception overriding AIR-GAP: the ceremony goes on, connected, and the record says why.
  await call('exception.record', {
    ceremonyId,
    stepId: first.id,
    expected: 'The ceremony laptop is air-gapped.',
    happened: 'eth0 is up: the laptop has no way to disable it here.',
    decision: 'Go on; the cable is unplugged at the switch.',
    signedBy: ['iw'],
    check: 'AIR-GAP',
  });
  const started = await call<{ state: CeremonyState }>('step.start', {
    ceremonyId,
    stepId: first.id,
    ...(first.id === created.currentStepId ? {} : { deviation: { reason: 'the preparation was done on paper', witnessId: 'iw' } }),
  });
  assert.notEqual(started.state.acts.flatMap((a) => a.steps).find((s) => s.id === first.id)?.status, 'pending');
});
