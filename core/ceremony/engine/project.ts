import type {
  AttestationStateView,
  CeremonyState,
  ExceptionState,
  HsmState,
  ObligationView,
  ParticipantState,
  QuorumProgress,
  StepState,
  StepStatus,
} from '../../contract/ceremonyState.js';
import type { StoredEvent } from '../../evidence/stored.js';
import { hsmOperationsOf, hsmOperationTypes } from '../../evidence/registers/hsm.js';
import { toPgpWords } from '../../hash/pgpWords.js';
import { branchesOf, branchOfStep } from '../branches.js';
import { deadlineStatus, defaultDeadlinePolicy, type DeadlinePolicy } from '../deadline.js';
import { formatSpan } from '../duration.js';
import { unmetCondition, type Obligation } from '../followUps.js';
import { drProcedures, isDrProcedureId, procedureLabel, procedureTitle } from '../procedures.js';
import type { Script, Step } from '../script.js';
import type { QuestionId } from '../triage.js';
import { scriptSummary, stepView } from './scriptView.js';

/**
 * The state of a ceremony is a pure function of its events and its script: every transition the
 * engine allows is an event appended before it answers, so reopening the log after a crash and
 * projecting it again gives back exactly where the ceremony was. Nothing here reads the HSM, the
 * disk or the clock, except `now` for the countdown.
 */

export interface ProjectionInput {
  events: readonly StoredEvent[];
  script: Script;
  scriptSha256: string;
  now: Date;
  sealed: boolean;
  /** Every obligation of the workspace (same mode), to show what this ceremony opened, discharged, or leaves open. */
  obligations: readonly Obligation[];
  /** Credentials the engine holds in memory per step (shares are never logged). */
  held?: ReadonlyMap<string, number>;
  /** HSM ids this process holds a logged-in session with. */
  liveHsms?: ReadonlySet<string>;
  /** Steps whose issued share sheets this process still holds (until handed over). */
  sheetsHeld?: ReadonlySet<string>;
}

/** Kinds whose credentials are presented one by one before the step is performed. */
export const quorumKinds = new Set(['hsm-activate', 'reconstruct-ksk']);
/** Kinds that read files first (step.prepare). */
export const preparedKinds = new Set(['sign-ksr', 'sign-additional-ksrs']);

interface Track {
  startedAt: string | null;
  performedAt: string | null;
  completedAt: string | null;
  skipped: StepState['skipped'];
  notApplicable: StepState['notApplicable'];
  performer: StepState['performer'];
  initials: StepState['initials'];
  result: StepState['result'];
  failures: StepState['failures'];
  outOfOrder: StepState['outOfOrder'];
  exceptionIds: string[];
  shown: StepState['shown'];
  presented: QuorumProgress['presented'];
  prepared: boolean;
  sheets: {
    shownAt: string;
    holders: { credentialId: string; holderId: string; holderName: string }[];
    handedOver: { at: string; personId: string } | null;
  } | null;
}

const emptyTrack = (): Track => ({
  startedAt: null,
  performedAt: null,
  completedAt: null,
  skipped: null,
  notApplicable: null,
  performer: null,
  initials: null,
  result: null,
  failures: [],
  outOfOrder: null,
  exceptionIds: [],
  shown: [],
  presented: [],
  sheets: null,
  prepared: false,
});

type Json = Record<string, unknown>;

/** The people a step's attestation asks for, among those present now. */
export function attestorsOf(step: Step, participants: readonly ParticipantState[]): ParticipantState[] {
  if (step.action.kind !== 'attestation') return [];
  const present = participants.filter((p) => p.signedOutAt === null);
  const by = step.action.inputs.by;
  return by === 'all-participants' ? present : present.filter((p) => p.roles.some((r) => by.includes(r)));
}

/** The deadline rule a script applies: its schedule-alternate step's, or the default. */
export function deadlinePolicyOf(script: Script): DeadlinePolicy {
  for (const act of script.acts) for (const step of act.steps) if (step.action.kind === 'schedule-alternate') return { ...step.action.inputs };
  return defaultDeadlinePolicy;
}

function obligationView(o: Obligation): ObligationView {
  return JSON.parse(JSON.stringify(o)) as ObligationView;
}

/** The triage as the log recorded it: never decided again, so a later change of the tree leaves past ceremonies as they were. */
function triageView(recorded: StoredEvent<'triage.recorded'>['payload'], atCreation: DeadlineView | null): NonNullable<CeremonyState['triage']> {
  const decision = recorded.decision ?? 'procedure';
  const procedure = decision === 'reschedule' ? null : recorded.procedure;
  const dr = procedure && isDrProcedureId(procedure) ? drProcedures[procedure] : null;
  const label =
    decision === 'reschedule' ? 'No DR procedure yet' : dr ? procedureLabel(dr.id) : procedure === 'ksr-signing' ? 'KSR signing ceremony' : recorded.procedure;
  const time = recorded.answers.timeSufficient;
  return {
    decision,
    procedure,
    branch: recorded.branch ?? null,
    plan: recorded.plan === '4.1.3' ? '4.1.3' : null,
    label,
    title: dr ? procedureTitle(dr.id) : label,
    section: dr ? `${dr.section}${dr.variant ? ` ${dr.variant}` : ''}` : null,
    template: recorded.template,
    reason: recorded.reason,
    next: recorded.next ?? `Run ${label}.`,
    interpretation: recorded.interpretation ?? null,
    time: time
      ? {
          sufficient: time === 'yes',
          source: atCreation ? 'deadline' : 'answer',
          holdBy: atCreation?.skrDue ?? null,
          unavoidableAt: atCreation?.unavoidableAt ?? null,
        }
      : null,
    questionsAsked: recorded.questionsAsked as QuestionId[],
    answers: recorded.answers,
    ignored: [],
  };
}

type DeadlineView = NonNullable<CeremonyState['deadline']>;

/** The deadline as a deadline.assessed event recorded it, its countdown as it stood then. */
function recordedDeadline(e: StoredEvent<'deadline.assessed'>): DeadlineView & { stepId: string | null } {
  const p = e.payload;
  const remainingMs = Date.parse(p.lastExpiration) - Date.parse(p.at);
  return {
    state: p.state,
    now: p.at,
    lastExpiration: p.lastExpiration,
    skrDue: p.skrDue,
    unavoidableAt: p.unavoidableAt,
    remainingMs,
    countdown: remainingMs > 0 ? `${formatSpan(remainingMs)} left` : `expired ${formatSpan(remainingMs)} ago`,
    alternateWindow: p.alternateWindow,
    policy: { leadTime: p.leadTime, publicationMargin: p.publicationMargin },
    consequence: p.consequence,
    stepId: p.stepId ?? null,
  };
}

export function ceremonyState(input: ProjectionInput): CeremonyState {
  const { events, script } = input;
  const opened = events.find((e): e is StoredEvent<'ceremony.opened'> => e.type === 'ceremony.opened');
  if (!opened) throw new Error('a ceremony begins with its opening event');
  const steps = script.acts.flatMap((act) => act.steps.map((step) => ({ act, step })));
  const tracks = new Map(steps.map((s) => [s.step.id, emptyTrack()]));
  const participants = new Map<string, ParticipantState>();
  const hsms = new Map<string, HsmState>(
    script.hsms.map((h) => [
      h.id,
      {
        id: h.id,
        title: h.title,
        location: h.location,
        provenance: h.provenance,
        binding: null,
        identity: null,
        active: false,
        sessionOpen: input.liveHsms?.has(h.id) ?? false,
        keys: [],
      },
    ]),
  );
  const exceptions: ExceptionState[] = [];
  const checkOf = new Map<string, string>();
  const attestations: AttestationStateView[] = [];
  const artifacts: CeremonyState['artifacts'] = [];
  const openedHere: ObligationView[] = [];
  const dischargedHere: string[] = [];
  let triageRecorded: StoredEvent<'triage.recorded'>['payload'] | null = null;
  let deadlineAtCreation: DeadlineView | null = null;
  let deadlineRecorded: CeremonyState['deadlineRecorded'] = null;
  const branchesTaken: CeremonyState['branches'] = [];
  const retiredSerials: string[] = [];
  let currentSkr: CeremonyState['currentSkr'] = null;
  let closedAt: string | null = null;
  let inProgressAttestation: string | null = null;
  const issuedTo = new Map<string, { holderId: string; holderName: string }>();
  const name = (personId: string) => participants.get(personId)?.name ?? personId;

  for (const e of events) {
    const track = 'payload' in e && typeof (e.payload as Json).stepId === 'string' ? tracks.get((e.payload as Json).stepId as string) : undefined;
    switch (e.type) {
      case 'ceremony.closed':
        closedAt = e.time;
        break;
      case 'triage.recorded':
        triageRecorded = e.payload;
        break;
      case 'deadline.assessed':
        deadlineRecorded = recordedDeadline(e);
        if (!e.payload.stepId) deadlineAtCreation ??= deadlineRecorded;
        break;
      case 'branch.taken': {
        const declared = branchesOf(script).find((b) => b.id === e.payload.branch);
        branchesTaken.push({
          stepId: e.payload.stepId,
          branch: e.payload.branch,
          title: declared?.title ?? e.payload.branch,
          outcome: e.payload.outcome,
          ends: declared?.ends ?? false,
          at: e.time,
        });
        for (const id of e.payload.notApplicable) {
          const t = tracks.get(id);
          if (t)
            t.notApplicable = { at: e.time, branch: branchOfStep(script, id)?.id ?? 'another branch', decidedAt: e.payload.stepId, outcome: e.payload.outcome };
        }
        break;
      }
      case 'skr.current':
        currentSkr = {
          id: e.payload.skrId,
          rehearsal: e.payload.skrId.startsWith('rehearsal-'),
          bundles: e.payload.bundles,
          firstInception: e.payload.firstInception,
          lastExpiration: e.payload.lastExpiration,
          signingKeyTags: e.payload.signingKeyTags,
          hash: { sha256: e.payload.sha256, pgpWords: toPgpWords(Buffer.from(e.payload.sha256, 'hex')) },
          loadedAt: e.time,
          source: e.payload.source,
        };
        break;
      case 'participant.signed-in':
        participants.set(e.payload.personId, {
          personId: e.payload.personId,
          name: e.payload.name,
          roles: [...e.payload.roles],
          ...(e.payload.organisation ? { organisation: e.payload.organisation } : {}),
          signedInAt: e.time,
          signedOutAt: null,
        });
        break;
      case 'participant.script-roles': {
        const p = participants.get(e.payload.personId);
        if (p) participants.set(p.personId, { ...p, roles: [...e.payload.roles] });
        break;
      }
      case 'participant.signed-out': {
        const p = participants.get(e.payload.personId);
        if (p) participants.set(p.personId, { ...p, signedOutAt: e.time });
        break;
      }
      case 'hsm.bound': {
        const h = hsms.get(e.payload.hsmId);
        const { modulePath, tokenLabel, activation, rehearsal } = e.payload;
        if (h) hsms.set(h.id, { ...h, binding: { modulePath, tokenLabel, activation, rehearsal } });
        break;
      }
      case 'hsm.identified': {
        const h = hsms.get(e.payload.hsmId);
        const { manufacturer, model, serialNumber, tokenLabel } = e.payload;
        if (h && !h.identity) hsms.set(h.id, { ...h, identity: { manufacturer, model, serialNumber, ...(tokenLabel ? { tokenLabel } : {}) } });
        break;
      }
      case 'step.started':
        if (track) track.startedAt ??= e.time;
        if (track && findKind(steps, e.payload.stepId) === 'attestation') inProgressAttestation = e.payload.stepId;
        break;
      case 'checks.run':
        if (track) track.prepared = true;
        break;
      case 'hash.shown':
        track?.shown.push({ subject: e.payload.subject, sha256: e.payload.sha256, pgpWords: toPgpWords(Buffer.from(e.payload.sha256, 'hex')) });
        break;
      case 'credential.issued':
        issuedTo.set(e.payload.credentialId, { holderId: e.payload.holderId, holderName: e.payload.holderName });
        break;
      case 'sheets.shown':
        if (track)
          track.sheets = {
            shownAt: e.time,
            holders: e.payload.credentialIds.map((credentialId) => ({ credentialId, ...(issuedTo.get(credentialId) ?? { holderId: '?', holderName: '?' }) })),
            handedOver: null,
          };
        break;
      case 'sheets.handed-over':
        if (track?.sheets) track.sheets.handedOver = { at: e.time, personId: e.payload.confirmedBy };
        break;
      case 'credential.presented':
        if (track && e.payload.stepId) track.presented.push({ credentialId: e.payload.credentialId, personId: e.payload.personId, at: e.time, byStaff: false });
        break;
      case 'action.performed':
      case 'step.confirmed':
        if (track) {
          track.performedAt = e.time;
          const p = e.payload.performer;
          track.performer = { personId: p.personId ?? '', name: p.name, role: p.role };
          track.result = e.type === 'action.performed' ? (e.payload.result as StepState['result']) : e.payload.note ? { note: e.payload.note } : {};
        }
        if (e.type === 'action.performed') applyHsmEffect(hsms, e.payload.kind, e.payload.result as Json);
        if (e.type === 'action.performed' && e.payload.kind === 'replace-hardware') {
          for (const r of ((e.payload.result as Json).retired as { serial?: unknown }[] | undefined) ?? [])
            if (typeof r.serial === 'string') retiredSerials.push(r.serial);
        }
        break;
      case 'action.failed':
        track?.failures.push({ at: e.time, error: e.payload.error });
        break;
      case 'initials':
        if (track) track.initials = { personId: e.payload.personId, name: name(e.payload.personId), at: e.time };
        break;
      case 'step.completed':
        if (track) track.completedAt = e.time;
        if (inProgressAttestation === e.payload.stepId) inProgressAttestation = null;
        break;
      case 'step.skipped':
        if (track) track.skipped = { at: e.time, reason: e.payload.reason, exceptionId: null };
        break;
      case 'step.deviation':
        if (!track) break;
        if (e.payload.deviation === 'out-of-order') track.outOfOrder = { exceptionId: e.payload.exceptionId };
        if (e.payload.deviation === 'skip' && track.skipped) track.skipped = { ...track.skipped, exceptionId: e.payload.exceptionId };
        if (e.payload.deviation === 'credential-by-staff') {
          const last = track.presented.at(-1);
          if (last) track.presented[track.presented.length - 1] = { ...last, byStaff: true };
        }
        if (e.payload.check) checkOf.set(e.payload.exceptionId, e.payload.check);
        break;
      case 'exception': {
        const { exceptionId, stepId, expected, happened, decision, signedBy } = e.payload;
        exceptions.push({
          exceptionId,
          ...(stepId ? { stepId } : {}),
          expected,
          happened,
          decision: decision ?? null,
          signedBy: [...signedBy],
          check: null,
          at: e.time,
          seq: e.seq,
          complete: false,
        });
        if (stepId && tracks.has(stepId)) tracks.get(stepId)?.exceptionIds.push(exceptionId);
        break;
      }
      case 'exception.resolved': {
        const i = exceptions.findIndex((x) => x.exceptionId === e.payload.exceptionId);
        const x = exceptions[i];
        if (x) exceptions[i] = { ...x, decision: e.payload.decision, signedBy: [...new Set([...x.signedBy, ...e.payload.signedBy])] };
        break;
      }
      case 'attestation.signed':
      case 'attestation.declined': {
        const { personId, name: who, role, statement, logHeadHash } = e.payload;
        attestations.push({
          stepId: inProgressAttestation,
          personId,
          name: who,
          role,
          statement,
          logHeadHash,
          signed: e.type === 'attestation.signed',
          ...(e.type === 'attestation.signed' ? { signatureSha256: e.payload.signatureSha256 } : { reason: e.payload.reason }),
          at: e.time,
        });
        break;
      }
      case 'artifact.stored':
        artifacts.push({ ...e.payload, at: e.time });
        break;
      case 'followup.opened':
        openedHere.push(obligationView(e.payload.obligation as unknown as Obligation));
        break;
      case 'followup.discharged':
        dischargedHere.push(e.payload.obligationId);
        break;
      default:
        break;
    }
  }

  const participantList = [...participants.values()];
  const openIntents = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'hsm.intent') openIntents.set(e.payload.opId, e.payload.stepId ?? '');
    else if (e.type === 'hsm.done' || e.type === 'hsm.failed' || e.type === 'hsm.reconciled') openIntents.delete(e.payload.opId);
  }
  const interruptedSteps = new Set(openIntents.values());
  const stepStates = new Map<string, StepState>();
  for (const { act, step } of steps) {
    const track = tracks.get(step.id) as Track;
    stepStates.set(step.id, stepState(step, act.number, act.phase, track, participantList, attestations, input, interruptedSteps.has(step.id)));
  }
  const currentStepId = steps.find(({ step }) => !['completed', 'skipped', 'not-applicable'].includes(stepStates.get(step.id)?.status ?? ''))?.step.id ?? null;
  const started = [...tracks.values()].some((t) => t.startedAt !== null);
  const last = events[events.length - 1] as StoredEvent;
  const byId = new Map(input.obligations.map((o) => [o.id, o]));
  const obligationsOf = (ids: readonly string[]) => ids.flatMap((id) => (byId.get(id) ? [obligationView(byId.get(id) as Obligation)] : []));
  const interrupted = hsmOperationsOf(
    events.filter((e): e is StoredEvent<(typeof hsmOperationTypes)[number]> => (hsmOperationTypes as readonly string[]).includes(e.type)),
  )
    .filter((op) => op.outcome === null)
    .map((op) => ({
      opId: op.opId,
      operation: op.operation,
      ...(op.stepId ? { stepId: op.stepId } : {}),
      ...(op.label ? { label: op.label } : {}),
      since: op.intent.time,
    }));

  return {
    ceremonyId: opened.ceremonyId,
    title: opened.payload.title,
    mode: opened.payload.rehearsal ? 'rehearsal' : 'production',
    ...(opened.payload.site ? { site: opened.payload.site } : {}),
    status: closedAt ? 'closed' : started || participantList.length > 0 ? 'in-progress' : 'planned',
    openedAt: opened.time,
    closedAt,
    script: scriptSummary(script, input.scriptSha256),
    triage: triageRecorded ? triageView(triageRecorded, deadlineAtCreation) : null,
    currentSkr,
    // A closed ceremony shows the deadline its decisions were made on, never today's countdown.
    deadline: !currentSkr
      ? null
      : closedAt
        ? (deadlineRecorded ?? deadlineStatus(new Date(currentSkr.lastExpiration), new Date(closedAt), deadlinePolicyOf(script)))
        : deadlineStatus(new Date(currentSkr.lastExpiration), input.now, deadlinePolicyOf(script)),
    deadlineRecorded,
    branches: branchesTaken,
    outcome: branchesTaken.find((b) => b.ends)?.outcome ?? null,
    roles: script.roles.map((r) => ({ id: r.id, title: r.title })),
    participants: participantList,
    quorums: Object.entries(script.quorums).map(([id, q]) => ({ id, role: q.role, m: q.m, n: q.n, ...(q.title ? { title: q.title } : {}) })),
    hsms: [...hsms.values()],
    acts: script.acts.map((act) => ({
      number: act.number,
      title: act.title,
      phase: act.phase,
      ...(act.branch ? { branch: act.branch, branchTitle: branchesOf(script).find((b) => b.id === act.branch)?.title ?? act.branch } : {}),
      steps: act.steps.map((s) => stepStates.get(s.id) as StepState),
    })),
    currentStepId,
    exceptions: exceptions.map((x) => {
      const check = checkOf.get(x.exceptionId) ?? null;
      return { ...x, check, complete: x.decision !== null && x.signedBy.length > 0 };
    }),
    attestations,
    artifacts,
    followUps: {
      opened: openedHere.map((o) => (byId.get(o.id) ? obligationView(byId.get(o.id) as Obligation) : o)),
      discharged: obligationsOf(dischargedHere),
      outstanding: input.obligations
        .filter((o) => o.status === 'open')
        .map((o) => {
          const unmet = unmetCondition(o, { retiredSerials });
          return { ...obligationView(o), ...(unmet ? { unmet } : {}) };
        }),
    },
    interrupted,
    log: {
      head: { seq: last.seq, hash: last.hash, pgpWords: toPgpWords(Buffer.from(last.hash, 'hex')), type: last.type },
      events: events.length,
      sealed: input.sealed,
    },
  };
}

function findKind(steps: readonly { step: Step }[], stepId: string): string | undefined {
  return steps.find((s) => s.step.id === stepId)?.step.action.kind;
}

/** What a performed action did to the HSMs: activated, deactivated, keys made or destroyed. */
function applyHsmEffect(hsms: Map<string, HsmState>, kind: string, result: Json): void {
  const hsmId = typeof result.hsmId === 'string' ? result.hsmId : null;
  const h = hsmId ? hsms.get(hsmId) : undefined;
  if (!h) return;
  const key = result.key as { label?: unknown; keyTag?: unknown } | undefined;
  const keyEntry = (event: HsmState['keys'][number]['event']) =>
    key && typeof key.label === 'string' ? [{ label: key.label, keyTag: typeof key.keyTag === 'number' ? key.keyTag : null, event }] : [];
  switch (kind) {
    case 'hsm-activate':
      hsms.set(h.id, { ...h, active: true });
      return;
    case 'hsm-deactivate':
      hsms.set(h.id, { ...h, active: false });
      return;
    case 'generate-ksk':
      hsms.set(h.id, { ...h, keys: [...h.keys, ...keyEntry('generated')] });
      return;
    case 'reconstruct-ksk':
      hsms.set(h.id, { ...h, keys: [...h.keys, ...keyEntry('restored')] });
      return;
    case 'destroy-ksk':
      hsms.set(h.id, { ...h, keys: [...h.keys, ...(result.destroyed === true ? keyEntry('destroyed') : [])] });
      return;
    default:
      return;
  }
}

function stepState(
  step: Step,
  act: number,
  phase: 'preparation' | 'ceremony',
  t: Track,
  participants: readonly ParticipantState[],
  attestations: readonly AttestationStateView[],
  input: ProjectionInput,
  interrupted: boolean,
): StepState {
  const status: StepStatus = t.completedAt
    ? 'completed'
    : t.skipped
      ? 'skipped'
      : t.notApplicable
        ? 'not-applicable'
        : t.performedAt && step.initial && !t.initials
          ? 'awaiting-initials'
          : t.startedAt || t.performedAt
            ? 'in-progress'
            : 'pending';
  const quorum = quorumOf(step, t, input.held?.get(step.id) ?? 0, input.script);
  const needs: string[] = [];
  if (status === 'pending') needs.push('start');
  if (status === 'pending' || status === 'in-progress') {
    if (interrupted) needs.push('reconcile');
    const kind = step.action.kind;
    if (kind === 'manual') needs.push('confirm');
    else if (kind === 'attestation') needs.push('attest');
    else {
      if (preparedKinds.has(kind) && !t.prepared) needs.push('prepare');
      if (quorum && !quorum.met) needs.push('present');
      needs.push('perform');
    }
    if (step.initial) needs.push('initial');
  }
  if (status === 'awaiting-initials') needs.push('initial');
  if (step.action.kind === 'attestation' && (status === 'pending' || status === 'in-progress' || status === 'awaiting-initials')) {
    const done = new Set(attestations.filter((a) => a.stepId === step.id).map((a) => a.personId));
    if (attestorsOf(step, participants).every((p) => done.has(p.personId)) && done.size > 0) needs.splice(needs.indexOf('attest'), 1);
  }
  return {
    ...stepView(step),
    act,
    phase,
    status,
    startedAt: t.startedAt,
    performedAt: t.performedAt,
    completedAt: t.completedAt,
    skipped: t.skipped,
    notApplicable: t.notApplicable,
    performer: t.performer,
    initials: t.initials,
    result: t.result,
    failures: t.failures,
    outOfOrder: t.outOfOrder,
    exceptionIds: t.exceptionIds,
    shown: t.shown,
    needs,
    quorum,
    decides: branchesOf(input.script)
      .filter((b) => b.decidedAt === step.id)
      .map((b) => b.id),
    sheets: t.sheets ? { ...t.sheets, held: input.sheetsHeld?.has(step.id) ?? false } : null,
  };
}

function quorumOf(step: Step, t: Track, held: number, script: Script): QuorumProgress | null {
  if (!quorumKinds.has(step.action.kind) || !('quorum' in step.action.inputs)) return null;
  const id = step.action.inputs.quorum as string;
  const q = script.quorums[id];
  if (!q) return null;
  const distinct = [...new Map(t.presented.map((p) => [p.credentialId, p])).values()];
  const set = distinct[0] ? distinct[0].credentialId.slice(0, distinct[0].credentialId.lastIndexOf(':')) : null;
  return { quorum: id, set, m: q.m, n: q.n, presented: distinct, held, met: distinct.length >= q.m && held >= q.m };
}
