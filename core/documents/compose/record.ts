import { scriptSteps, type Script } from '../../ceremony/script.js';
import { algorithmName } from '../../dnssec/algorithms.js';
import { summarizeKsk } from '../../dnssec/dnskey.js';
import type { EvidenceStore } from '../../evidence/store.js';
import type { StoredEvent } from '../../evidence/stored.js';
import { participantsOf, type Participant } from '../../evidence/registers/participants.js';
import { stepsOf, type StepRecord } from '../../evidence/registers/steps.js';
import { normalizeSerial, tebs } from '../../evidence/registers/tebs.js';
import { sealStatementBytes } from '../../evidence/seal.js';
import { KskError } from '../../errors.js';
import { sha256Hex } from '../../hash/sha256.js';
import { utcDisplay } from '../text.js';
import type { HashValue, RecordAct, RecordAttestation, RecordDocumentInput, RecordException, RecordSeal, RecordStep, RecordTeb } from '../types.js';
import { ceremonyInfoOf, eventsOf, readCeremonyLog, type CeremonyLog } from './ceremonyLog.js';

/** Who people are in this ceremony, by person id, as they signed in. */
type People = ReadonlyMap<string, Participant>;

function nameOf(people: People, personId: string): string {
  return people.get(personId)?.name ?? personId;
}

/** "Ivan Witness" → "I.W.": what the IW's initials stand for in the record. */
export function initialsOf(name: string): string {
  const letters = name.split(/[\s.-]+/).filter(Boolean).map((part) => (Array.from(part)[0] as string).toUpperCase());
  return letters.length > 0 ? `${letters.join('.')}.` : name;
}

function hashEventValue(e: StoredEvent<'hash.shown' | 'hash.matched' | 'hash.mismatched'>, people: People): HashValue {
  const { subject, sha256 } = e.payload;
  if (e.type === 'hash.shown') return { label: `${subject} (shown)`, hex: sha256 };
  const reader = e.payload.readBy ? `, read by ${nameOf(people, e.payload.readBy)}` : '';
  if (e.type === 'hash.matched') return { label: `${subject}: matched in ${e.payload.form}${reader}`, hex: sha256 };
  return { label: `${subject}: MISMATCH in ${e.payload.form} at ${e.payload.form === 'words' ? 'word' : 'byte'} ${e.payload.firstDifference}${reader}`, hex: sha256 };
}

/**
 * The events of each step, by step id ('' for those of the ceremony as a whole); an HSM outcome
 * goes with the step of its intent.
 */
function eventsByStep(log: CeremonyLog): Map<string, StoredEvent[]> {
  const intents = new Map(eventsOf(log, 'hsm.intent').map((e) => [e.payload.opId, e.payload.stepId]));
  const byStep = new Map<string, StoredEvent[]>();
  for (const e of log.events) {
    const stepId = e.type === 'hsm.done' || e.type === 'hsm.failed' || e.type === 'hsm.reconciled' ? intents.get(e.payload.opId) : 'stepId' in e.payload ? e.payload.stepId : undefined;
    const list = byStep.get(stepId ?? '');
    if (list) list.push(e);
    else byStep.set(stepId ?? '', [e]);
  }
  return byStep;
}

/** The DS digest of a key an HSM operation made or found: read aloud like any hash. */
function keyHash(key: NonNullable<StoredEvent<'hsm.done'>['payload']['key']>): HashValue {
  const summary = summarizeKsk('.', 172800, { flags: 257, protocol: 3, algorithm: key.algorithm, publicKey: Buffer.from(key.publicKey, 'base64') });
  return { label: `DS digest (SHA-256) of key ${key.label}, key tag ${summary.keyTag}, ${algorithmName(key.algorithm) ?? `algorithm ${key.algorithm}`}`, hex: summary.dsDigestHex };
}

/**
 * What a step (or the ceremony as a whole) recorded as hashes: files stored, hashes shown and
 * matched, keys made (not the audit key, which only seals). A value recorded several times
 * (stored, shown, matched) is printed once, with everything the log says of it.
 */
function stepHashes(events: readonly StoredEvent[], people: People): HashValue[] {
  const labels = new Map<string, string[]>();
  const add = ({ label, hex }: HashValue) => labels.set(hex, [...(labels.get(hex) ?? []), label]);
  const auditOps = new Set(events.flatMap((e) => (e.type === 'hsm.intent' && e.payload.operation === 'generate-audit-key' ? [e.payload.opId] : [])));
  for (const e of events) {
    if (e.type === 'hash.shown' || e.type === 'hash.matched' || e.type === 'hash.mismatched') add(hashEventValue(e, people));
    else if (e.type === 'artifact.stored' && e.payload.kind !== 'signature-image') {
      add({ label: `SHA-256 of ${e.payload.name} (${e.payload.kind}, ${e.payload.size} bytes)`, hex: e.payload.sha256 });
    } else if ((e.type === 'hsm.done' || e.type === 'hsm.reconciled') && e.payload.key && !auditOps.has(e.payload.opId)) add(keyHash(e.payload.key));
  }
  return [...labels].map(([hex, all]) => ({ label: all.join('; '), hex }));
}

function stepStatus(record: StepRecord | undefined, failed: boolean): Pick<RecordStep, 'status' | 'at' | 'note'> {
  const ended = record?.ended;
  if (ended?.type === 'step.completed') return { status: 'done', at: ended.time, ...(ended.note ? { note: ended.note } : {}) };
  if (ended?.type === 'step.skipped') return { status: 'skipped', at: ended.time, note: `Skipped: ${ended.note ?? 'no reason recorded'}` };
  if (record?.started) return { status: failed ? 'failed' : 'not-done', at: record.started.time, note: 'Started, never completed.' };
  return { status: 'not-done' };
}

function recordActs(log: CeremonyLog, script: Script, people: People, byStep: ReadonlyMap<string, readonly StoredEvent[]>): RecordAct[] {
  const steps = new Map(stepsOf(eventsOf(log, 'step.started', 'step.completed', 'step.skipped')).map((s) => [s.stepId, s]));
  const acts = new Map<number, RecordAct>();
  for (const { act, step } of scriptSteps(script)) {
    const record = acts.get(act.number) ?? { number: String(act.number), title: act.title, steps: [] };
    acts.set(act.number, record);
    const events = byStep.get(step.id) ?? [];
    const initialled = events.flatMap((e) => (e.type === 'initials' ? [initialsOf(nameOf(people, e.payload.personId))] : []));
    const raised = events.flatMap((e) => (e.type === 'exception' ? [e.payload.exceptionId] : []));
    const performers = [...new Set(events.flatMap((e) => (e.type === 'credential.presented' ? [nameOf(people, e.payload.personId)] : [])))];
    const hashes = stepHashes(events, people);
    record.steps.push({
      number: step.number,
      role: step.roles.join(', '),
      activity: step.text,
      ...stepStatus(steps.get(step.id), events.some((e) => e.type === 'hsm.failed')),
      ...(performers.length > 0 ? { performer: performers.join(', ') } : {}),
      ...(initialled.length > 0 ? { initials: initialled.join(' ') } : {}),
      ...(raised.length > 0 ? { exceptions: raised } : {}),
      ...(hashes.length > 0 ? { hashes } : {}),
    });
  }
  return [...acts.values()];
}

function recordTebs(log: CeremonyLog, stepNumbers: ReadonlyMap<string, string>, stepRoles: ReadonlyMap<string, string>): RecordTeb[] {
  // A bag checked here was sealed at an earlier ceremony: what it holds is what that sealing recorded.
  const sealedWith = new Map(tebs(log.store, { rehearsal: log.opened.payload.rehearsal }).map((t) => [normalizeSerial(t.serial), t.contents.join(', ')]));
  return eventsOf(log, 'teb.checked', 'teb.sealed', 'teb.opened', 'teb.handed-over').map((e): RecordTeb => {
    const stepId = e.payload.stepId;
    const where = {
      at: e.time,
      by: (stepId && stepRoles.get(stepId)) || 'not recorded',
      ...(stepId ? { step: stepNumbers.get(stepId) ?? stepId } : {}),
    };
    switch (e.type) {
      case 'teb.checked': {
        const { serialRead, expectedSerial, matched, purpose } = e.payload;
        const note = matched ? `matches the serial on record (${expectedSerial})` : expectedSerial ? `MISMATCH: the record says ${expectedSerial}` : 'no serial on record';
        return { serial: serialRead, contents: sealedWith.get(normalizeSerial(serialRead)) ?? purpose, action: 'checked', ...where, note };
      }
      case 'teb.sealed':
        return { serial: e.payload.serial, contents: e.payload.contents.join(', '), action: 'sealed', ...where, note: e.payload.purpose };
      case 'teb.opened':
        return { serial: e.payload.serial, contents: e.payload.purpose, action: 'opened', ...where };
      case 'teb.handed-over': {
        const { serial, purpose, from, to, reference } = e.payload;
        return { serial, contents: purpose, action: 'handed over', ...where, note: `from ${from} to ${to}${reference ? ` (${reference})` : ''}` };
      }
    }
  });
}

function recordExceptions(log: CeremonyLog, people: People, stepNumbers: ReadonlyMap<string, string>): RecordException[] {
  const resolutions = eventsOf(log, 'exception.resolved');
  return eventsOf(log, 'exception').map((e) => {
    const { exceptionId, stepId, expected, happened, decision, signedBy } = e.payload;
    const resolved = resolutions.filter((r) => r.payload.exceptionId === exceptionId);
    const decisions = [...(decision ? [decision] : []), ...resolved.map((r) => `${r.payload.decision} (decided ${utcDisplay(r.time, `the resolution of exception ${exceptionId}`)})`)];
    const signers = [...new Set([...signedBy, ...resolved.flatMap((r) => r.payload.signedBy)])];
    return {
      number: exceptionId,
      step: stepId ? (stepNumbers.get(stepId) ?? stepId) : 'none',
      at: e.time,
      expected,
      happened,
      decision: decisions.length > 0 ? decisions.join('\n') : 'NOT DECIDED',
      signedBy: signers.length > 0 ? signers.map((id) => nameOf(people, id)) : ['nobody'],
    };
  });
}

function recordAttestations(log: CeremonyLog): RecordAttestation[] {
  const pictures = new Map(eventsOf(log, 'artifact.stored').map((e) => [e.payload.sha256, e.payload.mediaType]));
  return eventsOf(log, 'attestation.signed', 'attestation.declined').map((e) => {
    const { name, role, statement } = e.payload;
    if (e.type === 'attestation.declined') return { role, name, statement, at: e.time, agreed: false, reason: e.payload.reason };
    const png = pictures.get(e.payload.signatureSha256) === 'image/png' ? { signaturePng: log.store.readArtifact(e.payload.signatureSha256) } : {};
    return { role, name, statement, at: e.time, agreed: true, ...png };
  });
}

/** The seal in words a reader checks: what signed it, what it covers, and the hashes that identify it. */
export function sealBy(key: { kind: 'hsm' | 'software'; label: string | null }): string {
  return key.kind === 'hsm' ? `the HSM audit key ${key.label}` : 'a one-time software key, destroyed after sealing';
}

function recordSeal(log: CeremonyLog): RecordSeal | undefined {
  if (!log.seal) return undefined;
  const { statement, signature } = log.seal;
  return {
    at: statement.sealedAt,
    by: sealBy(statement.key),
    details: [
      ['Covers', `events 1 to ${statement.headSeq} of ceremony ${statement.ceremonyId}`],
      ['Signature algorithm', `${statement.key.algorithm} (${algorithmName(statement.key.algorithm) ?? 'unknown'})`],
      ['Public key (base64)', statement.key.publicKey],
    ].map(([label, value]) => ({ label: label as string, value: value as string })),
    hashes: [
      { label: 'SHA-256 of the seal statement', hex: sha256Hex(sealStatementBytes(statement)) },
      { label: 'SHA-256 of the seal signature', hex: sha256Hex(signature) },
    ],
  };
}

/** The record from a ceremony already read. */
export function recordInputOf(log: CeremonyLog, paper?: RecordDocumentInput['ceremony']['paper']): RecordDocumentInput {
  const people: People = new Map(participantsOf(eventsOf(log, 'participant.signed-in', 'participant.signed-out')).map((p) => [p.personId, p]));
  const script = log.script;
  if (!script) throw new KskError('CONFLICT', `Ceremony ${log.summary.ceremonyId} has loaded no script, so it has no record to print yet.`);
  const stepNumbers = new Map<string, string>();
  const stepRoles = new Map<string, string>();
  for (const { step } of scriptSteps(script.script)) {
    stepNumbers.set(step.id, step.number);
    stepRoles.set(step.id, step.roles.join(', '));
  }
  const byStep = eventsByStep(log);
  const identified = new Map(eventsOf(log, 'hsm.identified').map((e) => [e.payload.hsmId, e.payload]));
  const closed = log.events.at(-1)?.type === 'ceremony.closed' ? log.events.at(-1) : undefined;
  const seal = recordSeal(log);
  return {
    ceremony: ceremonyInfoOf(log, paper),
    scriptHash: script.sha256,
    startedAt: log.opened.time,
    ...(closed ? { endedAt: closed.time } : {}),
    participants: [...people.values()].map((p) => ({
      role: p.roles.join(', '),
      name: p.name,
      signedInAt: p.signedInAt,
      ...(p.signedOutAt ? { signedOutAt: p.signedOutAt } : {}),
    })),
    hsms: [...identified.values()].map((h) => {
      const note = [h.tokenLabel ? `token ${h.tokenLabel}` : '', h.location ?? ''].filter(Boolean).join('; ');
      return { label: h.hsmId, model: `${h.manufacturer} ${h.model}`, serial: h.serialNumber, ...(h.firmware ? { firmware: h.firmware } : {}), ...(note ? { note } : {}) };
    }),
    tebs: recordTebs(log, stepNumbers, stepRoles),
    acts: recordActs(log, script.script, people, byStep),
    exceptions: recordExceptions(log, people, stepNumbers),
    hashes: [{ label: `SHA-256 of the script ${script.script.id} version ${script.script.version}`, hex: script.sha256 }, ...stepHashes(byStep.get('') ?? [], people)],
    attestations: recordAttestations(log),
    ...(seal ? { seal } : {}),
    logHead: { hex: log.head.hash, sequence: log.head.seq },
  };
}

/**
 * The annotated log as the record's input: every step of the script the ceremony followed, with
 * what the log says happened at it; the head hash is the log's real head (the sealed head once the
 * ceremony is sealed), so the paper the IW signs binds to the data.
 */
export function recordDocumentInput(store: EvidenceStore, ceremonyId: string, paper?: RecordDocumentInput['ceremony']['paper']): RecordDocumentInput {
  return recordInputOf(readCeremonyLog(store, ceremonyId), paper);
}
