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
  'participant.script-roles': { personId: 'iw-ines', roles: ['IW'] },
  'triage.recorded': { procedure: '4.3.1A', template: 'dr-4.3.1A', answers: { disaster: 'lost', rkshsAvailable: 'yes' }, questionsAsked: ['disaster', 'rkshsAvailable'], reason: 'A lost KSK disaster (4.3)' },
  'hsm.bound': { hsmId: 'HSM2', modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'REHEARSAL HSM2', activation: 'split-pin', rehearsal: true },
  'skr.current': { sha256: hash('f'), skrId: 'rehearsal-2025Q1', bundles: 9, firstInception: '2025-01-01T00:00:00Z', lastExpiration: '2025-04-11T00:00:00Z', signingKeyTags: [20326], source: 'current.xml' },
  'hsm.commissioned': { hsmId: 'HSM2', tokenLabel: 'REHEARSAL HSM2', tokenSerial: '3f2a', activation: 'split-pin', set: 'co:0011223344556677', record: { threshold: 3, total: 7 } },
  'action.performed': { stepId: 'act4.step2', kind: 'generate-ksk', performer: { personId: 'iw-ines', name: 'Inès Witness', role: 'CA' }, result: { keyTag: 20326 } },
  'action.failed': { stepId: 'act4.step2', kind: 'generate-ksk', error: 'CKR_DEVICE_ERROR' },
  'step.confirmed': { stepId: 'act1.step1', performer: { name: 'Rob Kos', role: 'RKOS' }, note: 'done by phone' },
  'checks.run': { stepId: 'act4.step3', subject: 'KSR before signing', sha256: hash('b'), results: [{ check: 'KSR-DOMAIN', status: 'pass', message: 'KSR-DOMAIN: ok' }] },
  'step.deviation': { stepId: 'act4.step3', deviation: 'check-override', exceptionId: 'x-1', check: 'KSR-POLICY-SAFETY' },
  'followup.opened': { obligation: { id: 'c1/extraordinary-ceremony', kind: 'extraordinary-ceremony' } },
  'followup.discharged': { obligationId: 'c1/extraordinary-ceremony', stepId: 'act9.step1', note: 'held on 2025-03-01' },
  'participant.signed-out': { personId: 'iw-ines' },
  'ceremony.closed': { sealKey: { kind: 'software', label: null, algorithm: 15, publicKey: 'AAAA' }, summary: 'signed the Q1 KSR' },
};
