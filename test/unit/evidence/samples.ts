import type { EventType, PayloadOf } from '../../../core/evidence/events.js';

const hash = (c: string) => c.repeat(64);

/**
 * One valid payload of every event type, in an order a ceremony could record them (the store checks
 * that an HSM outcome follows its intent, that a person who initials is signed in, ...). Typed as a
 * complete map, so a type added to the vocabulary without a sample does not compile.
 */
export const samplePayloads: { [T in EventType]: PayloadOf<T> } = {
  'ceremony.opened': { title: 'KSR signing 2025 Q1', kind: 'ksr-signing', site: 'KMF East', rehearsal: false, previousCeremony: null },
  'script.loaded': { scriptId: 'ksr-signing', title: 'Quarterly KSR signing', version: '1.0', sha256: hash('a') },
  'participant.signed-in': { personId: 'iw-ines', name: 'Inès Witness', roles: ['IW'], organisation: 'PTI' },
  'step.started': { stepId: 'act1.step1', act: 'Act 1: Start', title: 'Participants sign in' },
  initials: { stepId: 'act1.step1', personId: 'iw-ines', role: 'IW' },
  'step.completed': { stepId: 'act1.step1', result: 'all present' },
  'step.skipped': { stepId: 'act1.step2', reason: 'no external witnesses attended' },
  'airgap.warning': { check: 'network interfaces', detail: 'eth0 is up', stepId: 'act3.step1' },
  'hsm.identified': { hsmId: 'hsm-east-1', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', serialNumber: '3f2a', firmware: '2.6', tokenLabel: 'KSK', location: 'safe 2' },
  'quorum.defined': { set: 'co-east', threshold: 3, total: 7 },
  'credential.issued': { credentialId: 'co-east-1', kind: 'co-card', set: 'co-east', holderId: 'co-carla', holderName: 'Carla Officer', tebSerial: 'BB100' },
  'credential.presented': { credentialId: 'co-east-1', personId: 'co-carla', stepId: 'act4.step1' },
  'credential.retired': { credentialId: 'co-east-1', reason: 'card damaged', stepId: 'act5.step1' },
  'teb.sealed': { purpose: 'CO card co-east-1', serial: 'BB200', contents: ['CO card co-east-1'], stepId: 'act5.step2' },
  'teb.checked': { purpose: 'CO card co-east-1', serialRead: 'BB200', expectedSerial: 'BB200', matched: true },
  'teb.opened': { purpose: 'CO card co-east-1', serial: 'BB200', stepId: 'act2.step3' },
  'teb.handed-over': { purpose: 'CO card co-east-1', serial: 'BB200', from: 'Carla Officer', to: 'SSC1', reference: 'courier 42' },
  'hsm.intent': { opId: 'op-1', operation: 'generate-ksk', label: 'Kabcdef', hsmId: 'hsm-east-1', params: { algorithm: 'RSASHA256', bits: 2048 }, stepId: 'act4.step2' },
  'hsm.done': { opId: 'op-1', key: { label: 'Kabcdef', idHex: '01', algorithm: 8, publicKey: 'AwEAAQ==' }, result: { keyTag: 20326 } },
  'hsm.failed': { opId: 'op-2', error: 'CKR_DEVICE_ERROR' },
  'hsm.reconciled': { opId: 'op-3', finding: 'unknown', detail: 'a signature leaves no trace' },
  'hash.shown': { subject: 'KSR ksr-root-2025-q1-0.xml', sha256: hash('b'), stepId: 'act4.step3' },
  'hash.matched': { subject: 'KSR ksr-root-2025-q1-0.xml', sha256: hash('b'), form: 'words', readBy: 'rzm-rita' },
  'hash.mismatched': { subject: 'KSR ksr-root-2025-q1-0.xml', sha256: hash('b'), form: 'hex', typedHex: 'bbbc', firstDifference: 2 },
  exception: { exceptionId: 'x-1', stepId: 'act2.step3', expected: 'serial BB200', happened: 'serial BB201 was read', signedBy: [] },
  'exception.resolved': { exceptionId: 'x-1', decision: 'the bag was photographed and the ceremony continued', signedBy: ['iw-ines'] },
  'artifact.stored': { sha256: hash('c'), name: 'skr.xml', kind: 'skr', mediaType: 'application/xml', size: 10 },
  'attestation.signed': { personId: 'iw-ines', name: 'Inès Witness', role: 'IW', statement: 'The ceremony followed the script.', logHeadHash: hash('d'), signatureSha256: hash('e') },
  'attestation.declined': { personId: 'iw-ines', name: 'Inès Witness', role: 'IW', statement: 'The ceremony followed the script.', logHeadHash: hash('d'), reason: 'step 2.3 was done out of order' },
  note: { text: 'camera 2 restarted', topic: 'cameras', data: { camera: 2, down: [12, 'seconds'], ok: true, by: null } },
  'participant.signed-out': { personId: 'iw-ines' },
  'ceremony.closed': { sealKey: { kind: 'software', label: null, algorithm: 15, publicKey: 'AAAA' }, summary: 'signed the Q1 KSR' },
};
