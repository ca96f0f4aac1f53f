import path from 'node:path';
import type { TestContext } from 'node:test';
import type { Clock } from '../../../core/clock.js';
import { openEvidenceStore, softwareSealer, type EvidenceStore, type Sealer } from '../../../core/evidence/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { samplePayloads as p } from '../../unit/evidence/samples.js';

/** A clock that moves one second at every reading: distinct, ordered, reproducible times. */
export function steppingClock(start = '2025-01-15T14:00:00.000Z'): Clock {
  let t = new Date(start).getTime();
  return { now: () => new Date((t += 1000)) };
}

export function newStore(t: Pick<TestContext, 'after'>, name = 'evidence.sqlite'): EvidenceStore {
  const store = openEvidenceStore(path.join(tempDir(t, 'ksk-evidence-'), name), steppingClock());
  t.after(() => store.close());
  return store;
}

/** Opens a ceremony with the sample opening and signs in the people the samples name. */
export function openSample(store: EvidenceStore, ceremonyId: string, title = p['ceremony.opened'].title): void {
  store.openCeremony(ceremonyId, { title, kind: 'ksr-signing', rehearsal: false });
  store.append(ceremonyId, 'participant.signed-in', p['participant.signed-in']);
  store.append(ceremonyId, 'participant.signed-in', { personId: 'co-carla', name: 'Carla Officer', roles: ['CO'] });
  store.append(ceremonyId, 'participant.signed-in', { personId: 'ca-carl', name: 'Carl Admin', roles: ['CA'] });
}

/**
 * A whole ceremony that records every event type of the vocabulary, through the store's own
 * methods, then is closed and sealed. `notes` pads it with more events.
 */
export async function writeSampleCeremony(
  store: EvidenceStore,
  ceremonyId: string,
  options: { sealer?: Sealer; notes?: number; artifactBytes?: Buffer } = {},
): Promise<void> {
  const c = ceremonyId;
  openSample(store, c);
  store.append(c, 'script.loaded', p['script.loaded']);
  store.append(c, 'step.started', p['step.started']);
  store.append(c, 'initials', p.initials);
  store.append(c, 'step.completed', p['step.completed']);
  store.append(c, 'step.skipped', p['step.skipped']);
  store.append(c, 'airgap.warning', p['airgap.warning']);
  store.append(c, 'hsm.identified', p['hsm.identified']);
  store.append(c, 'hsm.profiled', p['hsm.profiled']);
  store.append(c, 'quorum.defined', p['quorum.defined']);
  const credentialId = `${c}-card`;
  store.append(c, 'credential.issued', { ...p['credential.issued'], credentialId });
  store.append(c, 'credential.presented', { ...p['credential.presented'], credentialId });
  store.checkTeb(c, { purpose: `bag of ${c}`, serialRead: 'BB199' });
  store.append(c, 'teb.sealed', { ...p['teb.sealed'], purpose: `bag of ${c}` });
  store.checkTeb(c, { purpose: `bag of ${c}`, serialRead: 'bb-200' });
  store.append(c, 'teb.handed-over', { ...p['teb.handed-over'], purpose: `bag of ${c}` });
  store.append(c, 'hsm.intent', { ...p['hsm.intent'], opId: 'op-1' });
  store.append(c, 'hsm.done', p['hsm.done']);
  store.append(c, 'hsm.intent', { opId: 'op-2', operation: 'sign', label: 'Kabcdef' });
  store.append(c, 'hsm.failed', p['hsm.failed']);
  store.append(c, 'hsm.intent', { opId: 'op-3', operation: 'sign', label: 'Kabcdef', retryOf: 'op-2' });
  store.append(c, 'hsm.reconciled', p['hsm.reconciled']);
  store.append(c, 'hash.shown', p['hash.shown']);
  store.append(c, 'hash.mismatched', p['hash.mismatched']);
  store.append(c, 'hash.matched', p['hash.matched']);
  store.append(c, 'exception', p.exception);
  store.append(c, 'exception.resolved', p['exception.resolved']);
  // What the ceremony engine adds to the record (core/ceremony/engine).
  for (const type of [
    'participant.script-roles',
    'triage.recorded',
    'hsm.bound',
    'skr.current',
    'hsm.commissioned',
    'action.performed',
    'action.failed',
    'step.confirmed',
    'checks.run',
    'step.deviation',
    'deadline.assessed',
    'branch.taken',
    'followup.opened',
    'followup.discharged',
    'sheets.shown',
    'sheets.handed-over',
    'airgap.state',
    'document.printed',
  ] as const) {
    store.append(c, type, p[type] as never);
  }
  store.storeArtifact(c, {
    name: 'skr.xml',
    kind: 'skr',
    mediaType: 'application/xml',
    bytes: options.artifactBytes ?? Buffer.from(`<SignedKeyResponse id="${c}"/>`),
  });
  for (let i = 0; i < (options.notes ?? 0); i++) store.append(c, 'note', { text: `note ${i} of ${c}`, data: { i } });
  store.append(c, 'note', p.note);
  store.append(c, 'credential.retired', { ...p['credential.retired'], credentialId });
  store.append(c, 'teb.opened', { ...p['teb.opened'], purpose: `bag of ${c}` });
  store.attest(c, {
    personId: 'iw-ines',
    name: 'Inès Witness',
    role: 'IW',
    statement: p['attestation.signed'].statement,
    headHashShown: store.head(c)?.hash ?? '',
    signatureImage: { bytes: Buffer.from(`PNG signature of Ines in ${c}`), mediaType: 'image/png' },
  });
  store.declineAttestation(c, {
    personId: 'co-carla',
    name: 'Carla Officer',
    role: 'CO',
    statement: 'I agree with the record.',
    headHashShown: store.head(c)?.hash ?? '',
    reason: p['attestation.declined'].reason,
  });
  store.append(c, 'participant.signed-out', { personId: 'ca-carl' });
  await store.closeCeremony(c, options.sealer ?? softwareSealer(), 'sample ceremony');
}
