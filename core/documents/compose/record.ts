import { branchesOf } from '../../ceremony/branches.js';
import { scriptSteps } from '../../ceremony/script.js';
import { algorithmName } from '../../dnssec/algorithms.js';
import type { EvidenceStore } from '../../evidence/store.js';
import { participantsOf } from '../../evidence/registers/participants.js';
import { normalizeSerial, tebs } from '../../evidence/registers/tebs.js';
import { sealStatementBytes } from '../../evidence/seal.js';
import { KskError } from '../../errors.js';
import { sha256Hex } from '../../hash/sha256.js';
import { utcDisplay } from '../text.js';
import type { RecordAttestation, RecordDocumentInput, RecordException, RecordSeal, RecordTeb } from '../types.js';
import { ceremonyInfoOf, eventsOf, readCeremonyLog, type CeremonyLog } from './ceremonyLog.js';
import { eventsByStep, mergeHashes, nameOf, recordActs, stepHashes, type People } from './recordSteps.js';

/** Who handled the bags of a step: its performer as the engine recorded it, else the roles the script gives it. */
function handlers(log: CeremonyLog, stepRoles: ReadonlyMap<string, string>): Map<string, string> {
  const by = new Map(stepRoles);
  for (const e of eventsOf(log, 'action.performed', 'step.confirmed')) by.set(e.payload.stepId, e.payload.performer.name);
  return by;
}

function recordTebs(log: CeremonyLog, stepNumbers: ReadonlyMap<string, string>, stepRoles: ReadonlyMap<string, string>): RecordTeb[] {
  // A bag checked here was sealed at an earlier ceremony: what it holds is what that sealing recorded.
  const sealedWith = new Map(tebs(log.store, { rehearsal: log.opened.payload.rehearsal }).map((t) => [normalizeSerial(t.serial), t.contents.join(', ')]));
  const by = handlers(log, stepRoles);
  return eventsOf(log, 'teb.checked', 'teb.sealed', 'teb.opened', 'teb.handed-over').map((e): RecordTeb => {
    const stepId = e.payload.stepId;
    const where = {
      at: e.time,
      by: (stepId && by.get(stepId)) || 'not recorded',
      ...(stepId ? { step: stepNumbers.get(stepId) ?? stepId } : {}),
    };
    switch (e.type) {
      case 'teb.checked': {
        const { serialRead, expectedSerial, matched, purpose } = e.payload;
        const note = matched
          ? `matches the serial on record (${expectedSerial})`
          : expectedSerial
            ? `MISMATCH: the record says ${expectedSerial}`
            : 'no serial on record';
        return { serial: serialRead, contents: sealedWith.get(normalizeSerial(serialRead)) ?? purpose, action: 'checked', ...where, note };
      }
      case 'teb.sealed':
        return { serial: e.payload.serial, contents: e.payload.contents.join(', '), action: 'sealed', ...where, note: e.payload.purpose };
      case 'teb.opened':
        return { serial: e.payload.serial, contents: sealedWith.get(normalizeSerial(e.payload.serial)) ?? e.payload.purpose, action: 'opened', ...where };
      case 'teb.handed-over': {
        const { serial, purpose, from, to, reference } = e.payload;
        return {
          serial,
          contents: sealedWith.get(normalizeSerial(serial)) ?? purpose,
          action: 'handed over',
          ...where,
          note: `from ${from} to ${to}${reference ? ` (${reference})` : ''}`,
        };
      }
    }
  });
}

function recordExceptions(log: CeremonyLog, people: People, stepNumbers: ReadonlyMap<string, string>): RecordException[] {
  const resolutions = eventsOf(log, 'exception.resolved');
  return eventsOf(log, 'exception').map((e) => {
    const { exceptionId, stepId, expected, happened, decision, signedBy } = e.payload;
    const resolved = resolutions.filter((r) => r.payload.exceptionId === exceptionId);
    const decisions = [
      ...(decision ? [decision] : []),
      ...resolved.map((r) => `${r.payload.decision} (decided ${utcDisplay(r.time, `the resolution of exception ${exceptionId}`)})`),
    ];
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

/** The participants, each with the roles the script names them by (the log's coarser role when it has no other). */
function recordParticipants(log: CeremonyLog): { people: People; rows: RecordDocumentInput['participants'] } {
  const scriptRoles = new Map(eventsOf(log, 'participant.script-roles').map((e) => [e.payload.personId, e.payload.roles]));
  const present = participantsOf(eventsOf(log, 'participant.signed-in', 'participant.signed-out'));
  return {
    people: new Map(present.map((p) => [p.personId, p])),
    rows: present.map((p) => ({
      role: (scriptRoles.get(p.personId) ?? p.roles).join(', '),
      name: p.name,
      signedInAt: p.signedInAt,
      ...(p.signedOutAt ? { signedOutAt: p.signedOutAt } : {}),
      ...(p.signatureIn ? { signatureInPng: log.store.readArtifact(p.signatureIn) } : {}),
      ...(p.signatureOut ? { signatureOutPng: log.store.readArtifact(p.signatureOut) } : {}),
    })),
  };
}

/** The HSMs as they identified themselves, with the token and module each was bound to. */
function recordHsms(log: CeremonyLog): RecordDocumentInput['hsms'] {
  const bound = new Map(eventsOf(log, 'hsm.bound').map((e) => [e.payload.hsmId, e.payload]));
  return [...new Map(eventsOf(log, 'hsm.identified').map((e) => [e.payload.hsmId, e.payload])).values()].map((h) => {
    const binding = bound.get(h.hsmId);
    const note = [h.tokenLabel ? `token ${h.tokenLabel}` : '', binding ? `through ${binding.modulePath} (${binding.activation})` : '', h.location ?? '']
      .filter(Boolean)
      .join('; ');
    return {
      label: h.hsmId,
      model: `${h.manufacturer} ${h.model}`,
      serial: h.serialNumber,
      ...(h.firmware ? { firmware: h.firmware } : {}),
      ...(note ? { note } : {}),
    };
  });
}

/** What each HSM could do, as its profile said when the ceremony first used it. */
function recordHsmCapabilities(log: CeremonyLog): NonNullable<RecordDocumentInput['hsmCapabilities']> {
  return [...new Map(eventsOf(log, 'hsm.profiled').map((e) => [e.payload.hsmId, e.payload])).values()].map((p) => ({
    label: p.hsmId,
    library: `${p.module.manufacturer} ${p.module.description} ${p.module.libraryVersion} (Cryptoki ${p.module.cryptokiVersion})`,
    can:
      p.capabilities
        .filter((c) => c.supported)
        .map((c) => c.id)
        .join(', ') || 'nothing the app uses',
    cannot:
      p.capabilities
        .filter((c) => !c.supported)
        .map((c) => `${c.id}: ${c.detail}`)
        .join('; ') || 'everything the app uses is offered',
  }));
}

/** Why the ceremony was held and what it started from, for the cover. */
function recordFacts(log: CeremonyLog): { label: string; value: string }[] {
  const triage = eventsOf(log, 'triage.recorded').at(-1)?.payload;
  const skr = eventsOf(log, 'skr.current').at(-1)?.payload;
  const decided = eventsOf(log, 'deadline.assessed').at(-1)?.payload;
  const ending = eventsOf(log, 'branch.taken').find(
    (e) => log.script && branchesOf(log.script.script).some((b) => b.id === e.payload.branch && b.ends),
  )?.payload;
  return [
    ...(triage ? [{ label: 'Chosen by triage', value: `${triage.procedure}${triage.branch ? ` (${triage.branch})` : ''}: ${triage.reason}` }] : []),
    ...(triage?.next ? [{ label: 'What triage said to do', value: triage.next }] : []),
    ...(ending ? [{ label: 'Outcome', value: ending.outcome }] : []),
    ...(decided
      ? [{ label: 'Deadline as decided', value: `${decided.state} at ${utcDisplay(decided.at, 'the time the deadline was assessed')}: ${decided.consequence}` }]
      : []),
    ...(skr ? [{ label: 'Current SKR', value: `${skr.skrId}, last RRSIG expires ${utcDisplay(skr.lastExpiration, 'the expiry of the current SKR')}` }] : []),
  ];
}

/** The record from a ceremony already read. */
export function recordInputOf(log: CeremonyLog, paper?: RecordDocumentInput['ceremony']['paper']): RecordDocumentInput {
  const script = log.script;
  if (!script) throw new KskError('CONFLICT', `Ceremony ${log.summary.ceremonyId} has loaded no script, so it has no record to print yet.`);
  const { people, rows } = recordParticipants(log);
  const stepNumbers = new Map<string, string>();
  const stepRoles = new Map<string, string>();
  for (const { step } of scriptSteps(script.script)) {
    stepNumbers.set(step.id, step.number);
    stepRoles.set(step.id, step.roles.join(', '));
  }
  const byStep = eventsByStep(log);
  const closed = log.events.at(-1)?.type === 'ceremony.closed' ? log.events.at(-1) : undefined;
  const seal = recordSeal(log);
  const facts = recordFacts(log);
  return {
    ceremony: ceremonyInfoOf(log, paper),
    scriptHash: script.sha256,
    startedAt: log.opened.time,
    ...(closed ? { endedAt: closed.time } : {}),
    ...(facts.length > 0 ? { facts } : {}),
    participants: rows,
    airGap: eventsOf(log, 'airgap.state').map((e) => ({
      at: e.time,
      when: e.payload.at,
      isolated: e.payload.isolated,
      up: [...e.payload.interfaces.filter((i) => i.up && !i.loopback).map((i) => i.name), ...e.payload.defaultRoutes],
    })),
    hsms: recordHsms(log),
    hsmCapabilities: recordHsmCapabilities(log),
    tebs: recordTebs(log, stepNumbers, stepRoles),
    acts: recordActs(log, script.script, people, byStep),
    exceptions: recordExceptions(log, people, stepNumbers),
    hashes: mergeHashes([
      { label: `SHA-256 of the script ${script.script.id} version ${script.script.version}`, hex: script.sha256 },
      ...stepHashes(byStep.get('') ?? [], people),
    ]),
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
