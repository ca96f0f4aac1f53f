import { actTitle } from '../../ceremony/branches.js';
import { isActionKind, type ActionKind } from '../../contract/actionKinds.js';
import { readResult, type ActionResultOf } from '../../contract/actionResults.js';
import { scriptSteps, type Script } from '../../ceremony/script.js';
import { algorithmName } from '../../dnssec/algorithms.js';
import { summarizeKsk } from '../../dnssec/dnskey.js';
import { stepsOf, type StepRecord } from '../../evidence/registers/steps.js';
import type { StoredEvent } from '../../evidence/stored.js';
import { utcDisplay } from '../text.js';
import type { HashValue, RecordAct, RecordStep } from '../types.js';
import { eventsOf, type CeremonyLog } from './ceremonyLog.js';

/** Who people are in this ceremony, by person id, as they signed in. */
export type People = ReadonlyMap<string, { name: string }>;

export function nameOf(people: People, personId: string): string {
  return people.get(personId)?.name ?? personId;
}

/** "Ivan Witness" → "I.W.": what the IW's initials stand for in the record. */
export function initialsOf(name: string): string {
  const letters = name
    .split(/[\s.-]+/)
    .filter(Boolean)
    .map((part) => (Array.from(part)[0] as string).toUpperCase());
  return letters.length > 0 ? `${letters.join('.')}.` : name;
}

/**
 * The events of each step, by step id ('' for those of the ceremony as a whole); an HSM outcome
 * goes with the step of its intent.
 */
export function eventsByStep(log: CeremonyLog): Map<string, StoredEvent[]> {
  const intents = new Map(eventsOf(log, 'hsm.intent').map((e) => [e.payload.opId, e.payload.stepId]));
  const byStep = new Map<string, StoredEvent[]>();
  for (const e of log.events) {
    const stepId =
      (e.type === 'hsm.done' || e.type === 'hsm.failed' || e.type === 'hsm.reconciled'
        ? intents.get(e.payload.opId)
        : 'stepId' in e.payload
          ? e.payload.stepId
          : undefined) ?? '';
    const list = byStep.get(stepId);
    if (list) list.push(e);
    else byStep.set(stepId, [e]);
  }
  return byStep;
}

function hashEventValue(e: StoredEvent<'hash.shown' | 'hash.matched' | 'hash.mismatched'>, people: People): HashValue {
  const { subject, sha256 } = e.payload;
  if (e.type === 'hash.shown') return { label: `${subject} (shown)`, hex: sha256 };
  const reader = e.payload.readBy ? `, read by ${nameOf(people, e.payload.readBy)}` : '';
  if (e.type === 'hash.matched') return { label: `${subject}: matched in ${e.payload.form}${reader}`, hex: sha256 };
  return {
    label: `${subject}: MISMATCH in ${e.payload.form} at ${e.payload.form === 'words' ? 'word' : 'byte'} ${e.payload.firstDifference}${reader}`,
    hex: sha256,
  };
}

/** The DS digest of a key an HSM operation made or found: read aloud like any hash. */
function keyHash(key: NonNullable<StoredEvent<'hsm.done'>['payload']['key']>): HashValue {
  const summary = summarizeKsk('.', 172800, { flags: 257, protocol: 3, algorithm: key.algorithm, publicKey: Buffer.from(key.publicKey, 'base64') });
  return {
    label: `DS digest (SHA-256) of key ${key.label}, key tag ${summary.keyTag}, ${algorithmName(key.algorithm) ?? `algorithm ${key.algorithm}`}`,
    hex: summary.dsDigestHex,
  };
}

/** Hashes with the same value printed once, with everything the log says of it. */
export function mergeHashes(hashes: readonly HashValue[]): HashValue[] {
  const labels = new Map<string, string[]>();
  for (const { label, hex } of hashes) labels.set(hex, [...(labels.get(hex) ?? []), label]);
  return [...labels].map(([hex, all]) => ({ label: [...new Set(all)].join('; '), hex }));
}

/**
 * What a step (or the ceremony as a whole) recorded as hashes: files stored, hashes shown and
 * matched, keys made (not an audit key, which only seals). A value recorded several times (stored,
 * shown, matched) is printed once.
 */
export function stepHashes(events: readonly StoredEvent[], people: People): HashValue[] {
  const auditOps = new Set(events.flatMap((e) => (e.type === 'hsm.intent' && e.payload.operation === 'generate-audit-key' ? [e.payload.opId] : [])));
  const current = new Map(events.flatMap((e) => (e.type === 'skr.current' ? [[e.payload.sha256, e.payload] as const] : [])));
  const hashes: HashValue[] = [];
  for (const e of events) {
    if (e.type === 'hash.shown' || e.type === 'hash.matched' || e.type === 'hash.mismatched') hashes.push(hashEventValue(e, people));
    else if (e.type === 'artifact.stored' && e.payload.kind !== 'signature-image') {
      const skr = current.get(e.payload.sha256);
      const what = skr
        ? `; the SKR current when the ceremony began (${skr.skrId}), its last RRSIG expiring ${utcDisplay(skr.lastExpiration, 'the expiry of the current SKR')}`
        : '';
      hashes.push({ label: `SHA-256 of ${e.payload.name} (${e.payload.kind}, ${e.payload.size} bytes)${what}`, hex: e.payload.sha256 });
    } else if ((e.type === 'hsm.done' || e.type === 'hsm.reconciled') && e.payload.key && !auditOps.has(e.payload.opId)) hashes.push(keyHash(e.payload.key));
  }
  return mergeHashes(hashes);
}

/** The policy checks a step ran, each run in one line; the failures named with what they found. */
function checkNotes(events: readonly StoredEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type !== 'checks.run') return [];
    const count = (status: string) => e.payload.results.filter((r) => r.status === status).length;
    const failed = e.payload.results.filter((r) => r.status === 'fail');
    return [
      `Checks on ${e.payload.subject}: ${count('pass')} passed, ${failed.length} failed, ${count('skipped')} skipped.`,
      ...failed.map((r) => `FAILED ${r.message}`),
    ];
  });
}

/** What a kind's result says that the rest of the record does not: the clock's skew, the cameras, who was notified. */
type RecordLines<K extends ActionKind> = (result: ActionResultOf<K>) => string[];

const none = (): string[] => [];
const cameras: RecordLines<'camera-start' | 'camera-stop'> = (r) => (r.cameras.length > 0 ? [`Cameras: ${r.cameras.join(', ')}.`] : []);

/** The record lines of each action kind (most say nothing beyond the step's hashes, exceptions and notes). */
const recordLines: { readonly [K in ActionKind]: RecordLines<K> } = {
  manual: none,
  notify: (r) => [`Notified: ${r.notified.map((n) => `${n.name} (${n.channel})`).join(', ')}.`],
  'schedule-alternate': none,
  'courier-keys': none,
  'assess-duration': none,
  'approve-plan': none,
  'choose-algorithm': none,
  'sign-in': (r) => (r.missing.length > 0 ? [`Roles not present: ${r.missing.join(', ')}.`] : []),
  'sign-out': none,
  'camera-start': cameras,
  'camera-stop': cameras,
  'clock-check': (r) => [
    `The app's clock was ${Math.abs(r.skewSeconds)} s ${r.skewSeconds > 0 ? 'ahead of' : 'behind'} the UTC reference (limit ${r.maxSkewSeconds} s).`,
  ],
  'hash-check': none,
  'teb-check': none,
  'teb-seal': none,
  'drill-safe-deposit-box': none,
  'hsm-initialize': none,
  'hsm-activate': none,
  'hsm-deactivate': none,
  'generate-ksk': none,
  'destroy-ksk': none,
  'reconstruct-ksk': none,
  'backup-ksk': none,
  'sign-ksr': none,
  'sign-additional-ksrs': none,
  'store-rrsigs': none,
  'release-rrsigs': none,
  'publish-trust-anchor': none,
  'replace-hardware': none,
  'distribute-credentials': none,
  'exceptions-review': none,
  attestation: none,
  export: none,
  'follow-up': none,
  'discharge-follow-up': none,
};

function resultLines<K extends ActionKind>(kind: K, result: unknown): string[] {
  const lines: RecordLines<K> = recordLines[kind];
  return lines(readResult(kind, result));
}

/** What the log adds to a step beyond its status: results, failed attempts, deviations, obligations, notes. */
function stepNotes(events: readonly StoredEvent[]): string[] {
  return events.flatMap((e): string[] => {
    switch (e.type) {
      case 'action.performed':
        return isActionKind(e.payload.kind) ? resultLines(e.payload.kind, e.payload.result) : [];
      case 'action.failed':
        return [`Attempt failed ${utcDisplay(e.time, 'the time of a failed attempt')}: ${e.payload.error}`];
      case 'hsm.failed':
        return [`HSM operation failed ${utcDisplay(e.time, 'the time of a failed HSM operation')}: ${e.payload.error}`];
      case 'hsm.reconciled':
        return [`After an interruption, the HSM showed: ${e.payload.finding} (${e.payload.detail})`];
      case 'step.deviation':
        return [`Deviation (${e.payload.deviation}${e.payload.check ? `, check ${e.payload.check}` : ''}) allowed by exception ${e.payload.exceptionId}.`];
      case 'step.confirmed':
        return e.payload.note ? [e.payload.note] : [];
      case 'followup.discharged':
        return [`Follow-up discharged (${e.payload.obligationId}): ${e.payload.note}`];
      case 'note':
        return e.payload.topic === 'prepared' ? [] : [e.payload.text];
      default:
        return [];
    }
  });
}

function stepStatus(record: StepRecord | undefined, failed: boolean): Pick<RecordStep, 'status' | 'at'> & { notes: string[] } {
  const ended = record?.ended;
  if (ended?.type === 'step.completed') return { status: 'done', at: ended.time, notes: ended.note ? [ended.note] : [] };
  if (ended?.type === 'step.skipped') return { status: 'skipped', at: ended.time, notes: [`Skipped: ${ended.note ?? 'no reason recorded'}`] };
  if (record?.started) return { status: failed ? 'failed' : 'not-done', at: record.started.time, notes: ['Started, never completed.'] };
  return { status: 'not-done', notes: [] };
}

/**
 * Who performed a step: the performer the engine recorded when the action was carried out or the
 * manual work confirmed, and everyone who presented a credential at it.
 */
function performersOf(events: readonly StoredEvent[], people: People): string[] {
  return [
    ...new Set(
      events.flatMap((e) => {
        if (e.type === 'action.performed' || e.type === 'step.confirmed') return [e.payload.performer.name];
        if (e.type === 'credential.presented') return [nameOf(people, e.payload.personId)];
        return [];
      }),
    ),
  ];
}

/** Every step of the script the ceremony followed, with what the log says happened at it. */
export function recordActs(log: CeremonyLog, script: Script, people: People, byStep: ReadonlyMap<string, readonly StoredEvent[]>): RecordAct[] {
  const steps = new Map(stepsOf(eventsOf(log, 'step.started', 'step.completed', 'step.skipped')).map((s) => [s.stepId, s]));
  // A decision that took a branch of the script: the steps of the other branch were never to be done.
  const notApplicable = new Map(eventsOf(log, 'branch.taken').flatMap((e) => e.payload.notApplicable.map((id) => [id, e] as const)));
  const acts = new Map<number, RecordAct>();
  for (const { act, step } of scriptSteps(script)) {
    const record = acts.get(act.number) ?? { number: String(act.number), title: actTitle(script, act), steps: [] };
    acts.set(act.number, record);
    const events = byStep.get(step.id) ?? [];
    const initialled = events.flatMap((e) => (e.type === 'initials' ? [initialsOf(nameOf(people, e.payload.personId))] : []));
    const raised = events.flatMap((e) => (e.type === 'exception' ? [e.payload.exceptionId] : []));
    const performers = performersOf(events, people);
    const hashes = stepHashes(events, people);
    const decided = notApplicable.get(step.id);
    const { notes, ...status } = decided
      ? {
          status: 'not-applicable' as const,
          at: decided.time,
          notes: [`Not applicable: the decision at step ${decided.payload.stepId} took the branch ${decided.payload.branch}.`],
        }
      : stepStatus(
          steps.get(step.id),
          events.some((e) => e.type === 'hsm.failed' || e.type === 'action.failed'),
        );
    const allNotes = [...notes, ...stepNotes(events), ...checkNotes(events)];
    record.steps.push({
      number: step.number,
      role: step.roles.join(', '),
      activity: step.text,
      ...status,
      ...(allNotes.length > 0 ? { note: allNotes.join('\n') } : {}),
      ...(performers.length > 0 ? { performer: performers.join(', ') } : {}),
      ...(initialled.length > 0 ? { initials: initialled.join(' ') } : {}),
      ...(raised.length > 0 ? { exceptions: raised } : {}),
      ...(hashes.length > 0 ? { hashes } : {}),
    });
  }
  return [...acts.values()];
}
