import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { isKskError, type KskError } from '../../../core/errors.js';
import { fixedClock } from '../../../core/clock.js';
import {
  attestations,
  exceptions,
  GENESIS_PREV_HASH,
  openEvidenceStore,
  quorumStatus,
  sealSignatureValid,
  softwareSealer,
  tebs,
  verifyEvidence,
  type StoredEvent,
} from '../../../core/evidence/index.js';
import { sha256Hex } from '../../../core/hash/sha256.js';
import { samplePayloads as p } from '../../unit/evidence/samples.js';
import { newStore, openSample, writeSampleCeremony } from './sampleLog.js';

const failsWith = (code: KskError['code'], pattern: RegExp) => (e: unknown) => {
  assert.ok(isKskError(e), `expected a KskError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, pattern);
  return true;
};

test('append returns the event as stored: its place in the chain, the clock time, and the hash of its canonical bytes', (t) => {
  const store = newStore(t);
  const opened = store.openCeremony('c1', { title: 'T', kind: 'ksr-signing', rehearsal: false });
  assert.deepEqual([opened.seq, opened.prevHash], [1, GENESIS_PREV_HASH]);
  const note = store.append('c1', 'note', { text: 'hello' });
  assert.equal(note.seq, 2);
  assert.equal(note.prevHash, opened.hash);
  assert.equal(note.time, '2025-01-15T14:00:02.000Z');
  const raw = new Database(store.file, { readonly: true });
  t.after(() => raw.close());
  const row = raw.prepare('SELECT canonical, hash FROM events WHERE seq = 2').get() as { canonical: Buffer; hash: Buffer };
  assert.equal(sha256Hex(row.canonical), note.hash);
  assert.equal(row.hash.toString('hex'), note.hash);
  assert.deepEqual(JSON.parse(row.canonical.toString('utf8')), {
    v: 1,
    ceremonyId: 'c1',
    seq: 2,
    time: note.time,
    prevHash: opened.hash,
    type: 'note',
    payload: { text: 'hello' },
  });
  assert.deepEqual(store.events('c1').at(-1), note);
  assert.deepEqual(store.head('c1'), { seq: 2, hash: note.hash, type: 'note' });
});

test('events survive closing and reopening the store, and each ceremony has its own chain', (t) => {
  const store = newStore(t);
  openSample(store, 'a');
  openSample(store, 'b');
  store.append('a', 'note', { text: 'in a' });
  const file = store.file;
  store.close();
  const again = openEvidenceStore(file, fixedClock('2025-02-01T00:00:00Z'));
  t.after(() => again.close());
  assert.equal(again.events('a').length, 5);
  assert.equal(again.events('b').length, 4);
  assert.deepEqual(
    again.ceremonies().map((c) => [c.ceremonyId, c.head.seq, c.sealed]),
    [
      ['a', 5, false],
      ['b', 4, false],
    ],
  );
});

test('a payload that is not in the vocabulary is refused with the field that is wrong', (t) => {
  const store = newStore(t);
  openSample(store, 'c1');
  assert.throws(
    () => store.append('c1', 'hash.shown', { subject: 'KSR', sha256: 'nope' }),
    failsWith('BAD_REQUEST', /"hash.shown" event is not valid: sha256: 64 lowercase hex digits/),
  );
  assert.throws(() => store.append('c1', 'note', { text: 'x', colour: 'red' } as never), failsWith('BAD_REQUEST', /colour/));
  assert.throws(() => store.openCeremony('has space', { title: 'T', kind: 'k', rehearsal: false }), failsWith('BAD_REQUEST', /not a valid ceremony id/));
  assert.equal(store.head('c1')?.seq, 4);
});

test('the log tells a coherent story: open first, nothing after the close, people signed in, HSM outcomes answering intents', async (t) => {
  const store = newStore(t);
  assert.throws(() => store.append('c1', 'note', { text: 'x' }), failsWith('NOT_FOUND', /open it first/));
  openSample(store, 'c1');
  assert.throws(() => store.openCeremony('c1', { title: 'again', kind: 'k', rehearsal: false }), failsWith('CONFLICT', /already exists/));
  assert.throws(() => store.append('c1', 'initials', { stepId: 's1', personId: 'nobody', role: 'IW' }), failsWith('CONFLICT', /nobody is not signed in/));
  store.append('c1', 'participant.signed-out', { personId: 'iw-ines' });
  assert.throws(() => store.append('c1', 'initials', { stepId: 's1', personId: 'iw-ines', role: 'IW' }), failsWith('CONFLICT', /not signed in/));
  assert.throws(() => store.append('c1', 'hsm.done', { opId: 'op-9' }), failsWith('NOT_FOUND', /No HSM operation "op-9"/));
  store.append('c1', 'hsm.intent', { opId: 'op-1', operation: 'generate-ksk', label: 'Kaaaaaa' });
  assert.throws(
    () => store.append('c1', 'hsm.intent', { opId: 'op-2', operation: 'sign', label: 'Kaaaaaa' }),
    failsWith('CONFLICT', /"op-1" \(generate-ksk Kaaaaaa, event 6\) has no recorded outcome: reconcile it/),
  );
  store.append('c1', 'hsm.failed', { opId: 'op-1', error: 'CKR_DEVICE_ERROR' });
  assert.throws(() => store.append('c1', 'hsm.done', { opId: 'op-1' }), failsWith('CONFLICT', /already has its outcome/));
  assert.throws(
    () => store.append('c1', 'hsm.intent', { opId: 'op-1', operation: 'generate-ksk', label: 'Kaaaaaa' }),
    failsWith('CONFLICT', /already started/),
  );
  assert.throws(
    () => store.append('c1', 'hsm.intent', { opId: 'op-2', operation: 'generate-ksk', label: 'Kaaaaaa', retryOf: 'op-7' }),
    failsWith('NOT_FOUND', /"op-7"/),
  );
  store.append('c1', 'hsm.intent', { opId: 'op-2', operation: 'generate-ksk', label: 'Kaaaaaa', retryOf: 'op-1' });
  assert.throws(
    () => store.append('c1', 'exception.resolved', { exceptionId: 'x9', decision: 'd', signedBy: ['a'] }),
    failsWith('NOT_FOUND', /No exception "x9"/),
  );
  assert.throws(
    () => store.append('c1', 'credential.presented', { credentialId: 'card-x', personId: 'co-carla' }),
    failsWith('NOT_FOUND', /No active credential "card-x"/),
  );
  store.append('c1', 'hsm.done', { opId: 'op-2' });
  await store.closeCeremony('c1', softwareSealer());
  assert.throws(() => store.append('c1', 'note', { text: 'late' }), failsWith('CONFLICT', /closed and sealed/));
  assert.equal(verifyEvidence(store.file).ok, true);
});

test('the append-only triggers refuse UPDATE and DELETE from any connection', async (t) => {
  const store = newStore(t);
  await writeSampleCeremony(store, 'c1');
  const raw = new Database(store.file);
  t.after(() => raw.close());
  for (const sql of [
    "UPDATE events SET time = '2000-01-01T00:00:00.000Z' WHERE seq = 3",
    'DELETE FROM events WHERE seq = 3',
    "UPDATE artifacts SET bytes = x'00'",
    'DELETE FROM artifacts',
    'DELETE FROM seals',
    "UPDATE seals SET signature = x'00'",
  ]) {
    assert.throws(() => raw.exec(sql), /append-only|cannot be/, sql);
  }
  assert.equal(verifyEvidence(store.file).ok, true);
});

test('artifacts are stored once under their SHA-256, read back checked, and recorded by an event each time', (t) => {
  const store = newStore(t);
  openSample(store, 'c1');
  const bytes = Buffer.from('<KSR id="2025-q1"/>');
  const first = store.storeArtifact('c1', { name: 'ksr.xml', kind: 'ksr', mediaType: 'application/xml', bytes, stepId: 'act4.step1' });
  const second = store.storeArtifact('c1', { name: 'ksr copy.xml', kind: 'ksr', mediaType: 'application/xml', bytes });
  assert.equal(first.payload.sha256, sha256Hex(bytes));
  assert.equal(second.payload.sha256, first.payload.sha256);
  assert.deepEqual(store.readArtifact(first.payload.sha256), bytes);
  assert.throws(() => store.readArtifact('f'.repeat(64)), failsWith('NOT_FOUND', /No artifact/));
  assert.throws(() => store.storeArtifact('c1', { name: 'x', kind: 'other', mediaType: 'nonsense', bytes }), failsWith('BAD_REQUEST', /media type/));
  const raw = new Database(store.file, { readonly: true });
  t.after(() => raw.close());
  assert.equal(raw.prepare('SELECT count(*) FROM artifacts').pluck().get(), 1);
});

test('a TEB serial is checked against the one sealed at the last ceremony; a mismatch is an exception', async (t) => {
  const store = newStore(t);
  openSample(store, 'q1');
  const unknown = store.checkTeb('q1', { purpose: 'CO1 card', serialRead: 'AA100' });
  assert.equal(unknown.check.payload.expectedSerial, null);
  assert.match(unknown.exception?.payload.expected ?? '', /none is on record/);
  store.append('q1', 'teb.sealed', { purpose: 'CO1 card', serial: 'AA 101', contents: ['CO1 smartcard'] });
  await store.closeCeremony('q1', softwareSealer());
  openSample(store, 'q2');
  const good = store.checkTeb('q2', { purpose: 'CO1 card', serialRead: 'aa-101', stepId: 'act2.step1' });
  assert.deepEqual([good.check.payload.matched, good.check.payload.expectedSerial, good.exception], [true, 'AA 101', null]);
  const bad = store.checkTeb('q2', { purpose: 'CO1 card', serialRead: 'AA102', stepId: 'act2.step1' });
  assert.equal(bad.check.payload.matched, false);
  assert.equal(bad.exception?.seq, bad.check.seq + 1);
  assert.match(bad.exception?.payload.expected ?? '', /serial AA 101, as sealed in ceremony q1/);
  assert.equal(bad.exception?.payload.stepId, 'act2.step1');
  assert.deepEqual(
    exceptions(store, 'q2').map((x) => x.exceptionId),
    [`teb-check-${bad.check.seq}`],
  );
  assert.deepEqual(
    tebs(store, { rehearsal: false }).map((bag) => [bag.serial, bag.history.map((h) => h.type)]),
    [['AA 101', ['teb.sealed', 'teb.checked']]],
  );
});

test('live quorum counts follow the credentials issued, presented and retired', (t) => {
  const store = newStore(t);
  openSample(store, 'c1');
  store.append('c1', 'quorum.defined', { set: 'co-east', threshold: 2, total: 3 });
  for (const n of [1, 2, 3])
    store.append('c1', 'credential.issued', { credentialId: `card${n}`, kind: 'co-card', set: 'co-east', holderId: `co${n}`, holderName: `CO ${n}` });
  assert.throws(
    () => store.append('c1', 'credential.issued', { credentialId: 'card1', kind: 'co-card', set: 'co-east', holderId: 'x', holderName: 'X' }),
    failsWith('CONFLICT', /already issued/),
  );
  store.append('c1', 'credential.presented', { credentialId: 'card1', personId: 'co-carla' });
  assert.deepEqual(quorumStatus(store, 'c1', { rehearsal: false })[0]?.presented, ['card1']);
  store.append('c1', 'credential.presented', { credentialId: 'card3', personId: 'co-carla' });
  assert.equal(quorumStatus(store, 'c1', { rehearsal: false })[0]?.met, true);
  store.append('c1', 'credential.retired', { credentialId: 'card3', reason: 'lost' });
  assert.deepEqual(quorumStatus(store, 'c1', { rehearsal: false })[0], { set: 'co-east', threshold: 2, total: 3, active: 2, presented: ['card1'], met: false });
});

test('an attestation records the head shown, the statement and the signature picture; a stale head is refused', (t) => {
  const store = newStore(t);
  openSample(store, 'c1');
  const shown = store.head('c1')?.hash ?? '';
  store.append('c1', 'note', { text: 'something happened after the statement was shown' });
  const input = { personId: 'iw-ines', name: 'Inès Witness', role: 'IW' as const, statement: 'The ceremony followed the script.', headHashShown: shown };
  const picture = { bytes: Buffer.from('PNG...'), mediaType: 'image/png' };
  assert.throws(() => store.attest('c1', { ...input, signatureImage: picture }), failsWith('CONFLICT', /moved on since the statement was shown/));
  const current = store.head('c1')?.hash ?? '';
  const signed: StoredEvent<'attestation.signed'> = store.attest('c1', { ...input, headHashShown: current, signatureImage: picture });
  assert.equal(signed.payload.logHeadHash, current);
  assert.deepEqual(store.readArtifact(signed.payload.signatureSha256), picture.bytes);
  assert.equal(store.events('c1').at(-2)?.type, 'artifact.stored');
  const declined = store.declineAttestation('c1', {
    ...input,
    personId: 'co-carla',
    name: 'Carla Officer',
    role: 'CO',
    headHashShown: signed.hash,
    reason: 'I did not see step 3.',
  });
  assert.deepEqual(
    attestations(store, 'c1').map((a) => [a.personId, a.signed]),
    [
      ['iw-ines', true],
      ['co-carla', false],
    ],
  );
  assert.equal(declined.payload.reason, 'I did not see step 3.');
  assert.throws(
    () => store.attest('c1', { ...input, personId: 'ghost', headHashShown: declined.hash, signatureImage: picture }),
    failsWith('CONFLICT', /ghost is not signed in/),
  );
});

test('closing seals the head: the closing event declares the key, the statement signs its hash, the next ceremony links to it', async (t) => {
  const store = newStore(t);
  await writeSampleCeremony(store, 'q1');
  const [summary] = store.ceremonies();
  assert.equal(summary?.sealed, true);
  const closed = store.events('q1', ['ceremony.closed'])[0];
  const seal = store.seal('q1');
  assert.ok(closed && seal);
  assert.equal(seal.statement.headHash, closed.hash);
  assert.equal(seal.statement.headSeq, closed.seq);
  assert.deepEqual(seal.statement.key, closed.payload.sealKey);
  assert.equal(seal.statement.key.kind, 'software');
  assert.equal(sealSignatureValid(seal.statement, seal.signature), true);
  assert.equal(sealSignatureValid({ ...seal.statement, headSeq: seal.statement.headSeq + 1 }, seal.signature), false);
  const next = store.openCeremony('q2', { title: 'next', kind: 'ksr-signing', rehearsal: false });
  assert.deepEqual(next.payload.previousCeremony, { ceremonyId: 'q1', headHash: closed.hash });
  const rehearsal = store.openCeremony('r1', { title: 'rehearsal', kind: 'ksr-signing', rehearsal: true });
  assert.equal(rehearsal.payload.previousCeremony, null, 'a rehearsal does not continue the production chain');
});

test('a KSK recorded in the log can never seal it', async (t) => {
  const store = newStore(t);
  openSample(store, 'c1');
  const sealer = softwareSealer();
  store.append('c1', 'hsm.intent', { opId: 'gen', operation: 'generate-ksk', label: 'Kksk001' });
  store.append('c1', 'hsm.done', { opId: 'gen', key: { label: 'Kksk001', idHex: '01', algorithm: sealer.key.algorithm, publicKey: sealer.key.publicKey } });
  await assert.rejects(store.closeCeremony('c1', sealer), failsWith('POLICY_FAILURE', /"Kksk001" is a KSK: it can never seal/));
  assert.equal(store.head('c1')?.type, 'hsm.done', 'the ceremony stays open');
});

test('a seal signature that does not verify is not written and the ceremony stays open', async (t) => {
  const store = newStore(t);
  openSample(store, 'c1');
  const honest = softwareSealer();
  await assert.rejects(
    store.closeCeremony('c1', { key: honest.key, sign: async () => Buffer.alloc(64, 7) }),
    failsWith('HSM_ERROR', /does not verify; the ceremony was not closed/),
  );
  assert.equal(store.seal('c1'), null);
  assert.equal(store.head('c1')?.type, 'participant.signed-in');
});

test('an event recorded while the seal is being signed makes the close fail, never a seal over a stale head', async (t) => {
  const store = newStore(t);
  openSample(store, 'c1');
  const sealer = softwareSealer();
  const racing = { key: sealer.key, sign: async (data: Uint8Array) => (store.append('c1', 'note', { text: 'meanwhile' }), sealer.sign(data)) };
  await assert.rejects(store.closeCeremony('c1', racing), failsWith('CONFLICT', /recorded more events while its seal was being signed/));
  assert.equal(store.head('c1')?.type, 'note');
  assert.equal(verifyEvidence(store.file).ok, true);
});

test('two connections to the same workspace append in turn without breaking the chain', (t) => {
  const a = newStore(t);
  openSample(a, 'c1');
  const b = openEvidenceStore(a.file, fixedClock('2025-03-01T00:00:00Z'));
  t.after(() => b.close());
  for (let i = 0; i < 20; i++) (i % 2 ? a : b).append('c1', 'note', { text: `turn ${i}` });
  assert.equal(a.head('c1')?.seq, 24);
  assert.equal(verifyEvidence(a.file).ok, true);
});

test('samples of every type make a log that verifies', async (t) => {
  const store = newStore(t);
  await writeSampleCeremony(store, 'c1');
  const types = new Set(store.events('c1').map((e) => e.type));
  assert.equal(types.size, Object.keys(p).length, `missing: ${Object.keys(p).filter((k) => !types.has(k as never))}`);
  const report = verifyEvidence(store.file);
  assert.equal(report.ok, true, report.message);
  assert.equal(report.ceremonies[0]?.head?.pgpWords.length, 32);
});
