import { readResult, type ActionResultOf } from '../../../contract/actionResults.js';
import type { StepInputOf } from '../../../contract/stepInputs.js';
import { KskError } from '../../../errors.js';
import { normalizeSerial } from '../../../evidence/registers/tebs.js';
import { describeHash, matchHash } from '../../../hash/match.js';
import { sha256 } from '../../../hash/sha256.js';
import { readFileRef } from '../fileRef.js';
import { KSK_FLAGS, keyTag } from '../../../dnssec/dnskey.js';
import { kskOperations } from '../../../evidence/events.js';
import { hsmIdentities, hsmOperationsOf, hsmOperationTypes } from '../../../evidence/registers/hsm.js';
import { branchesOf, notApplicableWhen } from '../../branches.js';
import { dischargeObligation, openObligations, type HsmSubject } from '../../followUps.js';
import { workspaceObligations } from '../obligations.js';
import { participantRoles, type Step } from '../../script.js';
import type { Execution, StepRun } from '../run.js';

/**
 * The actions whose evidence is what people say and do in the room: the app checks it against the
 * script and the log (a TEB serial against the custody record, the clock against the reference, a
 * hash against the published value) and records it.
 */

type Inputs<K extends Step['action']['kind']> = Extract<Step['action'], { kind: K }>['inputs'];
const inputsOf = <K extends Step['action']['kind']>(run: StepRun, _kind: K): Inputs<K> => run.step.action.inputs as Inputs<K>;

/** An exception the app records itself (a mismatch it found); the IW completes it with a decision. */
function appException(run: StepRun, id: string, expected: string, happened: string, signedBy: string[] = []): string {
  const exceptionId = `${id}-${run.step.id}-${run.deps.store.head(run.ceremonyId)?.seq ?? 0}`;
  run.append('exception', { exceptionId, stepId: run.step.id, expected, happened, signedBy });
  return exceptionId;
}

/** The IWs present, who witness what the app records as exceptions. */
function witnesses(run: StepRun): string[] {
  return run.state.participants.filter((p) => p.signedOutAt === null && (p.roles.includes('IW') || p.roles.includes('IW2'))).map((p) => p.personId);
}

/** A bag's custody name: per member of a quorum, the member's part is added ("co-credential:HSM1:co-3"). */
export function custodyPurpose(custody: string, holder: string | undefined): string {
  if (!holder) return custody;
  const key = holder
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${custody}:${key}`;
}

export async function notify(run: StepRun, input: StepInputOf<'notify'>): Promise<Execution<'notify'>> {
  const inputs = inputsOf(run, 'notify');
  const at = run.deps.clock.now().toISOString();
  const roles = new Set(input.notified.map((n) => n.role));
  const missing = inputs.recipients.filter((r) => !roles.has(r));
  if (missing.length > 0)
    throw new KskError(
      'BAD_REQUEST',
      `Step ${run.step.number} notifies ${inputs.recipients.join(', ')}: nobody of ${missing.join(', ')} is listed as notified.`,
    );
  const offChannel = input.notified.filter((n) => !inputs.channels.includes(n.channel));
  if (offChannel.length > 0)
    throw new KskError('BAD_REQUEST', `Step ${run.step.number} notifies by ${inputs.channels.join(', ')}, not ${offChannel[0]?.channel}.`);
  return {
    result: {
      notified: input.notified.map((n) => ({ ...n, at: n.at ?? at })),
      // The letters are printed from this record by the documents composer.
      lettersRequested: inputs.letter,
    },
  };
}

export async function scheduleAlternate(run: StepRun, input: StepInputOf<'schedule-alternate'>): Promise<Execution<'schedule-alternate'>> {
  // The deadline recorded when this step started: the one the people deciding were shown.
  const recorded = run.state.deadlineRecorded;
  if (!recorded || recorded.stepId !== run.step.id)
    throw new KskError('CONFLICT', 'There is no current SKR, so no deadline: load the current SKR into the workspace before creating the ceremony.');
  const { stepId: _stepId, ...deadline } = recorded;
  const rule = deadline.state === 'sufficient' ? 'alternate-date' : 'proceed-now';
  if (input.decision === 'alternate-date') {
    if (!input.alternateDate) throw new KskError('BAD_REQUEST', 'Scheduling an alternate date needs the date.');
    const window = deadline.alternateWindow;
    if (window && (input.alternateDate < window.earliest || input.alternateDate > window.latest)) {
      throw new KskError(
        'POLICY_FAILURE',
        `The alternate date ${input.alternateDate} is outside the window in which the SKR still reaches the RZM in time (${window.earliest} to ${window.latest}, as recorded at ${deadline.now}).`,
      );
    }
  }
  let exceptionId: string | null = null;
  if (input.decision !== rule) {
    if (!input.overrideReason)
      throw new KskError('POLICY_FAILURE', `${deadline.consequence} Deciding otherwise needs a reason, recorded as an exception the IW signs.`);
    exceptionId = `deadline-${run.step.id}`;
    run.append('exception', {
      exceptionId,
      stepId: run.step.id,
      expected: `the decision the deadline allows: ${rule} (${deadline.consequence})`,
      happened: `${input.decision} was decided`,
      decision: input.overrideReason,
      signedBy: witnesses(run),
    });
    run.append('step.deviation', { stepId: run.step.id, deviation: 'decision-against-deadline', exceptionId });
  }
  const outcome =
    input.decision === 'alternate-date'
      ? `Rescheduled to ${input.alternateDate}: the Key Ceremony is held on the alternate date (the SKR is due at the RZM by ${deadline.skrDue}); this ceremony ends with the decision.`
      : `Proceeding now: ${deadline.consequence}`;
  return {
    result: {
      deadline: { ...deadline },
      rule,
      decision: input.decision,
      ...(input.alternateDate ? { alternateDate: input.alternateDate } : {}),
      exceptionId,
      branch: input.decision,
      outcome,
    },
  };
}

export async function courierKeys(run: StepRun, input: StepInputOf<'courier-keys'>): Promise<Execution<'courier-keys'>> {
  if (input.packages.length === 0 && !input.notPossible)
    throw new KskError('BAD_REQUEST', `Step ${run.step.number}: list the keys sent by courier, or say why none could be sent.`);
  if (input.packages.length > 0 && input.notPossible)
    throw new KskError('BAD_REQUEST', `Step ${run.step.number}: keys were sent, so "not possible" does not apply; list only the keys sent.`);
  for (const p of input.packages) {
    const purpose = custodyPurpose('co-safe-deposit-key', p.holder);
    run.append('teb.sealed', { stepId: run.step.id, purpose, serial: p.tebSerial, contents: [`safe deposit box key of ${p.holder}`] });
    run.append('teb.handed-over', {
      stepId: run.step.id,
      purpose,
      serial: p.tebSerial,
      from: p.holder,
      to: 'RZ KSK Operator, by courier',
      reference: p.courierReference,
    });
  }
  return { result: { packages: input.packages, ...(input.notPossible ? { notPossible: input.notPossible } : {}) } };
}

export async function assessDuration(run: StepRun, input: StepInputOf<'assess-duration'>): Promise<Execution<'assess-duration'>> {
  if (inputsOf(run, 'assess-duration').expertOpinion && input.sources.length === 0)
    throw new KskError('BAD_REQUEST', 'The assessment names the expert opinion it used.');
  if (input.coverUntil <= run.deps.clock.now().toISOString())
    throw new KskError('BAD_REQUEST', `The period to cover ends at ${input.coverUntil}, which is not in the future.`);
  return { result: { assessment: input.assessment, sources: input.sources, coverUntil: input.coverUntil } };
}

export async function approvePlan(run: StepRun, input: StepInputOf<'approve-plan'>): Promise<Execution<'approve-plan'>> {
  const inputs = inputsOf(run, 'approve-plan');
  const approving = new Set(input.approvals.map((a) => a.role));
  const missing = inputs.approvers.filter((r) => !approving.has(r));
  if (missing.length > 0) throw new KskError('BAD_REQUEST', `The plan needs the approval of ${missing.join(', ')}.`);
  const notified = new Set(input.notified.map((n) => n.role));
  const unnotified = inputs.notify.filter((r) => !notified.has(r));
  if (unnotified.length > 0) throw new KskError('BAD_REQUEST', `The plan is notified to ${unnotified.join(', ')}: list who was told.`);
  const at = run.deps.clock.now().toISOString();
  return { result: { plan: input.plan, approvals: input.approvals.map((a) => ({ ...a, at: a.at ?? at })), notified: input.notified } };
}

export async function chooseAlgorithm(run: StepRun, input: StepInputOf<'choose-algorithm'>): Promise<Execution<'choose-algorithm'>> {
  const candidates = inputsOf(run, 'choose-algorithm').candidates;
  const chosen = candidates.find((c) => c.algorithm === input.algorithm && (c.size === undefined || c.size === input.size));
  if (!chosen)
    throw new KskError(
      'BAD_REQUEST',
      `${input.algorithm}${input.size ? `/${input.size}` : ''} is not among the candidates of step ${run.step.number}: ${candidates.map((c) => `${c.algorithm}${c.size ? `/${c.size}` : ''}`).join(', ')}.`,
    );
  return { result: { algorithm: chosen.algorithm, ...(chosen.size ? { size: chosen.size } : {}), rationale: input.rationale } };
}

/**
 * Who is present decides, where the script branches at sign-in (DR 4.3.2: "whether or not COs are
 * available"): the Crypto Officers signed in meet their quorum, or not. Only the roles of the steps
 * that can still apply are needed.
 */
export async function signIn(run: StepRun): Promise<Execution<'sign-in'>> {
  const present = run.state.participants.filter((p) => p.signedOutAt === null);
  const held = new Set(present.flatMap((p) => p.roles));
  const decides = branchesOf(run.script).some((b) => b.decidedAt === run.step.id);
  const coQuorum = Object.values(run.script.quorums).find((q) => q.role === 'CO');
  const cos = present.filter((p) => p.roles.includes('CO')).length;
  const branch: 'cos-present' | 'cos-absent' | null = decides ? (coQuorum && cos >= coQuorum.m ? 'cos-present' : 'cos-absent') : null;
  const closed = new Set([
    ...run.state.acts
      .flatMap((a) => a.steps)
      .filter((s) => s.status === 'not-applicable')
      .map((s) => s.id),
    ...(branch ? notApplicableWhen(run.script, run.step.id, branch).map((s) => s.id) : []),
  ]);
  const needed = participantRoles(run.script, (step) => !closed.has(step.id));
  const missing = needed.filter((r) => !held.has(r));
  for (const essential of ['CA', 'IW'])
    if (missing.includes(essential)) throw new KskError('CONFLICT', `No ${essential} is signed in: the ceremony cannot go on without one.`);
  const exceptionId =
    missing.length > 0
      ? appException(run, 'roles-missing', `every role the script needs is present: ${needed.join(', ')}`, `not signed in: ${missing.join(', ')}`)
      : null;
  // Triage said whether the Crypto Officers would come; who signed in is what counts, and a difference is witnessed.
  const triaged = run.state.triage?.branch;
  if (branch && (triaged === 'cos-present' || triaged === 'cos-absent') && triaged !== branch) {
    appException(
      run,
      'branch-differs',
      `as triage recorded, the Crypto Officers are ${triaged === 'cos-present' ? 'present' : 'absent'}`,
      `${cos} Crypto Officer${cos === 1 ? ' is' : 's are'} signed in (the quorum is ${coQuorum?.m ?? '?'}): the script takes the branch ${branch}`,
    );
  }
  const decision = branch
    ? {
        branch,
        outcome:
          branch === 'cos-present'
            ? `${cos} Crypto Officers are signed in (the quorum is ${coQuorum?.m}): they receive and present their own credentials.`
            : `${cos} Crypto Officer${cos === 1 ? ' is' : 's are'} signed in (the quorum is ${coQuorum?.m ?? '?'}): the ceremony continues without them; operator staff present their credentials as witnessed exceptions.`,
      }
    : {};
  return { result: { present: present.map((p) => ({ personId: p.personId, name: p.name, roles: p.roles })), missing, exceptionId, ...decision } };
}

export async function signOut(run: StepRun, input: StepInputOf<'sign-out'>): Promise<Execution<'sign-out'>> {
  const present = run.state.participants.filter((p) => p.signedOutAt === null);
  const leaving = input.personIds ?? present.filter((p) => !p.roles.includes('CA') && !p.roles.includes('IW')).map((p) => p.personId);
  for (const id of leaving) {
    if (!present.some((p) => p.personId === id)) throw new KskError('CONFLICT', `${id} is not signed in.`);
    run.append('participant.signed-out', { personId: id });
  }
  return { result: { signedOut: leaving, staying: present.filter((p) => !leaving.includes(p.personId)).map((p) => p.personId) } };
}

/** Both camera steps record the same: which cameras, and when (for indexing the footage). */
export async function camera(
  run: StepRun,
  input: StepInputOf<'camera-start'> | StepInputOf<'camera-stop'>,
): Promise<{ result: ActionResultOf<'camera-start' | 'camera-stop'> }> {
  return { result: { cameras: input.cameras, at: run.deps.clock.now().toISOString() } };
}

export async function clockCheck(run: StepRun, input: StepInputOf<'clock-check'>): Promise<Execution<'clock-check'>> {
  const appTime = run.deps.clock.now();
  const skewSeconds = (appTime.getTime() - new Date(input.referenceTime).getTime()) / 1000;
  const max = inputsOf(run, 'clock-check').maxSkewSeconds;
  const within = Math.abs(skewSeconds) <= max;
  const exceptionId = within
    ? null
    : appException(
        run,
        'clock',
        `the app's clock is within ${max} s of the reference UTC clock`,
        `the app shows ${appTime.toISOString()}, the reference ${input.referenceTime} (${skewSeconds.toFixed(1)} s)`,
      );
  return { result: { appTime: appTime.toISOString(), referenceTime: input.referenceTime, skewSeconds, maxSkewSeconds: max, withinLimit: within, exceptionId } };
}

export async function hashCheck(run: StepRun, input: StepInputOf<'hash-check'>): Promise<Execution<'hash-check'>> {
  const subject = inputsOf(run, 'hash-check').subject;
  const digest = 'file' in input.subject ? sha256(readFileRef(input.subject.file, subject).bytes) : Buffer.from(input.subject.sha256, 'hex');
  const hex = digest.toString('hex');
  run.append('hash.shown', { stepId: run.step.id, subject, sha256: hex });
  const match = matchHash(digest, input.expected);
  const readBy = input.readBy ? { readBy: input.readBy } : {};
  if (!match.matches) {
    run.append('hash.mismatched', {
      stepId: run.step.id,
      subject,
      sha256: hex,
      form: match.form,
      typedHex: match.typedHex,
      firstDifference: match.firstDifference ?? 1,
      ...readBy,
    });
    throw new KskError(
      'POLICY_FAILURE',
      `The SHA-256 of the ${subject} does not match the expected value (${match.form}; first difference at byte ${match.firstDifference}).`,
    );
  }
  run.append('hash.matched', { stepId: run.step.id, subject, sha256: hex, form: match.form, ...readBy });
  return { result: { subject, ...describeHash(digest), form: match.form } };
}

export async function tebCheck(run: StepRun, input: StepInputOf<'teb-check'>): Promise<Execution<'teb-check'>> {
  const inputs = inputsOf(run, 'teb-check');
  const { store } = run.deps;
  if (input.bags.length === 0) {
    if (inputs.expected !== 'courier-record')
      throw new KskError('BAD_REQUEST', `Step ${run.step.number} checks ${inputs.contents}: enter the serial read aloud.`);
    if (!input.none)
      throw new KskError('BAD_REQUEST', `Step ${run.step.number}: enter the serial of each bag the courier delivered, or say why there is none.`);
    const sent = store
      .events(run.ceremonyId, ['teb.handed-over'])
      .filter((e) => e.payload.purpose.startsWith(`${inputs.custody}:`) || e.payload.purpose === inputs.custody);
    if (sent.length > 0)
      throw new KskError(
        'CONFLICT',
        `The courier record lists ${sent.length} bag${sent.length === 1 ? '' : 's'} (${sent.map((e) => e.payload.serial).join(', ')}): check each one.`,
      );
    return { result: { contents: inputs.contents, bags: [], none: input.none } };
  }
  const bags = [];
  for (const bag of input.bags) {
    if (inputs.perMemberOf && !bag.holder)
      throw new KskError('BAD_REQUEST', `Step ${run.step.number} checks one bag per member of ${inputs.perMemberOf}: say whose bag each serial is.`);
    const purpose = custodyPurpose(inputs.custody, bag.holder);
    if (inputs.expected === 'manifest') {
      if (!bag.expectedSerial)
        throw new KskError('BAD_REQUEST', `Step ${run.step.number} compares the serial with the delivery manifest: enter the manifest's serial too.`);
      // What the manifest says is recorded as the seal the bag left its supplier with, and the bag is checked against it.
      run.append('teb.sealed', {
        stepId: run.step.id,
        purpose,
        serial: bag.expectedSerial,
        contents: [`${inputs.contents} (as the delivery manifest lists it)`],
      });
    }
    const checked = store.checkTeb(run.ceremonyId, { purpose, serialRead: bag.serial, stepId: run.step.id });
    if (checked.check.payload.matched) run.append('teb.opened', { stepId: run.step.id, purpose, serial: bag.serial });
    bags.push({
      purpose,
      serial: bag.serial,
      expected: checked.check.payload.expectedSerial,
      matched: checked.check.payload.matched,
      exceptionId: checked.exception?.payload.exceptionId ?? null,
    });
  }
  return { result: { contents: inputs.contents, bags } };
}

export async function tebSeal(run: StepRun, input: StepInputOf<'teb-seal'>): Promise<Execution<'teb-seal'>> {
  const inputs = inputsOf(run, 'teb-seal');
  const serials = new Set<string>();
  const bags = [];
  for (const bag of input.bags) {
    if (inputs.perMemberOf && !bag.holder)
      throw new KskError('BAD_REQUEST', `Step ${run.step.number} seals one bag per member of ${inputs.perMemberOf}: say whose bag each serial is.`);
    if (serials.has(normalizeSerial(bag.serial))) throw new KskError('BAD_REQUEST', `The serial ${bag.serial} is entered twice: every bag has its own.`);
    serials.add(normalizeSerial(bag.serial));
    const purpose = custodyPurpose(inputs.custody, bag.holder);
    const contents = bag.contents ?? (bag.holder ? `${inputs.contents} of ${bag.holder}` : inputs.contents);
    run.append('teb.sealed', { stepId: run.step.id, purpose, serial: bag.serial, contents: [contents] });
    bags.push({ purpose, serial: bag.serial, contents });
  }
  return { result: { bags } };
}

/** The holders whose safe deposit box key was received and opened from its bag in this ceremony (couriered keys). */
function keysAtHand(run: StepRun): Map<string, string> {
  const at = new Map<string, string>();
  for (const e of run.deps.store.events(run.ceremonyId, ['teb.opened']))
    if (e.payload.purpose.startsWith('co-safe-deposit-key:')) at.set(e.payload.purpose, e.payload.serial);
  return at;
}

/**
 * "Drill the safe deposit box if the materials are not accessible using physical keys": a box whose
 * key arrived (its bag checked and opened here) is opened with it, and drilled only with the reason
 * why, as an exception; and enough boxes are opened, with keys or drilled, to meet the quorum.
 */
export async function drillBoxes(run: StepRun, input: StepInputOf<'drill-safe-deposit-box'>): Promise<Execution<'drill-safe-deposit-box'>> {
  const inputs = inputsOf(run, 'drill-safe-deposit-box');
  const present = run.state.participants.filter((p) => p.signedOutAt === null);
  const signers = present.filter((p) => p.roles.some((r) => inputs.witnesses.includes(r))).map((p) => p.personId);
  const missing = inputs.witnesses.filter((r) => !present.some((p) => p.roles.includes(r)));
  if (missing.length > 0) throw new KskError('CONFLICT', `Drilling a safe deposit box needs ${missing.join(', ')} present as witnesses.`);
  const keys = keysAtHand(run);
  for (const box of input.boxes) {
    const key = keys.get(custodyPurpose('co-safe-deposit-key', box.holder));
    if (key && !box.despiteKey) {
      throw new KskError(
        'POLICY_FAILURE',
        `The key of ${box.holder}'s safe deposit box is here (TEB ${key}, checked and opened at this ceremony): open the box with it, or say why it is drilled all the same.`,
      );
    }
  }
  const drilled = new Set(input.boxes.map((b) => custodyPurpose('co-safe-deposit-key', b.holder)));
  const openable = [...keys.keys()].filter((k) => !drilled.has(k)).length;
  const quorum = run.script.quorums[inputs.quorum];
  if (quorum && openable + input.boxes.length < quorum.m) {
    throw new KskError(
      'POLICY_FAILURE',
      `The quorum needs ${quorum.m} Crypto Officer credentials: ${openable} box${openable === 1 ? ' opens' : 'es open'} with ${openable === 1 ? 'its key' : 'their keys'} and ${input.boxes.length} ${input.boxes.length === 1 ? 'is' : 'are'} drilled.`,
    );
  }
  const boxes = input.boxes.map((box) => {
    const exceptionId = `drill-${custodyPurpose('box', box.holder).slice(4)}-${run.deps.store.head(run.ceremonyId)?.seq ?? 0}`;
    const key = keys.get(custodyPurpose('co-safe-deposit-key', box.holder));
    run.append('exception', {
      exceptionId,
      stepId: run.step.id,
      expected: `the safe deposit box of ${box.holder} is opened with its keys`,
      happened: `the box was drilled: ${box.reason}${key ? `, although its key is here (TEB ${key}): ${box.despiteKey}` : ''}; recovered ${box.recovered.map((r) => `${r.contents} (TEB ${r.serial})`).join(', ')}`,
      decision: 'drilled in view of the witnesses and the cameras, as the procedure provides',
      signedBy: signers,
    });
    return { holder: box.holder, recovered: box.recovered, exceptionId };
  });
  return { result: { boxes, openedWithKeys: openable, witnesses: signers } };
}

/** Every HSM retired is one the log knows (identified at a ceremony), by its serial number. */
export async function replaceHardware(run: StepRun, input: StepInputOf<'replace-hardware'>): Promise<Execution<'replace-hardware'>> {
  const inputs = inputsOf(run, 'replace-hardware');
  const known = hsmIdentities(run.deps.store, { rehearsal: run.rehearsal });
  const retired = input.retired.map((r) => {
    const identity = known.find((h) => h.serialNumber === r.serial.trim());
    if (!identity)
      throw new KskError(
        'POLICY_FAILURE',
        `No HSM with serial number ${r.serial} is in the record: retire an HSM the log identified (${[...new Set(known.map((h) => `${h.hsmId} ${h.serialNumber}`))].join(', ') || 'none'}).`,
      );
    return { ...r, serial: identity.serialNumber, model: identity.model, ...(identity.tokenLabel ? { tokenLabel: identity.tokenLabel } : {}) };
  });
  return { result: { retire: inputs.retire, retired, commission: inputs.commission } };
}

export async function distributeCredentials(run: StepRun, input: StepInputOf<'distribute-credentials'>): Promise<Execution<'distribute-credentials'>> {
  const inputs = inputsOf(run, 'distribute-credentials');
  const purpose = `${inputs.credential}:${inputs.hsm ?? inputs.quorum}`;
  for (const h of input.handovers) {
    run.append('teb.handed-over', {
      stepId: run.step.id,
      purpose: custodyPurpose(purpose, h.holderName),
      serial: h.tebSerial,
      from: 'RZ KSK Operator',
      to: h.holderName,
      ...(h.reference ? { reference: h.reference } : {}),
    });
  }
  return { result: { credential: inputs.credential, handovers: input.handovers } };
}

export async function exceptionsReview(run: StepRun): Promise<Execution<'exceptions-review'>> {
  const incomplete = run.state.exceptions.filter((x) => !x.complete);
  if (incomplete.length > 0) {
    throw new KskError(
      'CONFLICT',
      `Exception ${incomplete.map((x) => x.exceptionId).join(', ')} ${incomplete.length === 1 ? 'is' : 'are'} not complete (a decision and the IW's signature): resolve ${incomplete.length === 1 ? 'it' : 'them'} before the review.`,
    );
  }
  return { result: { reviewed: run.state.exceptions.map((x) => x.exceptionId) } };
}

export async function followUp(run: StepRun): Promise<Execution<'follow-up'>> {
  const opened = openObligations(run.script, run.step.id, {
    ceremonyId: run.ceremonyId,
    scriptSha256: run.state.script.sha256,
    at: run.deps.clock.now(),
    plan: run.state.triage?.plan ?? null,
    compromised: run.script.disaster === 'compromise' ? compromisedHsms(run) : [],
    outcome: run.state.branches.find((b) => b.ends)?.outcome ?? null,
  });
  for (const obligation of opened) run.append('followup.opened', { obligation: JSON.parse(JSON.stringify(obligation)) as Record<string, never> });
  return { result: { opened: opened.map((o) => o.id) } };
}

/** The HSMs the log records as holding the compromised KSK (the one that signed the SKR current at this ceremony). */
function compromisedHsms(run: StepRun): HsmSubject[] {
  const tags = run.state.currentSkr?.signingKeyTags ?? [];
  const scope = { rehearsal: run.rehearsal };
  const identities = run.deps.store.workspaceEvents(['hsm.identified'], scope);
  const subjects = new Map<string, HsmSubject>();
  for (const op of hsmOperationsOf(run.deps.store.workspaceEvents(hsmOperationTypes, scope))) {
    const key = op.outcome && 'key' in op.outcome ? op.outcome.key : undefined;
    if (!key || !kskOperations.includes(op.operation) || !op.hsmId) continue;
    const tag = keyTag({ flags: KSK_FLAGS, protocol: 3, algorithm: key.algorithm, publicKey: Buffer.from(key.publicKey, 'base64') });
    if (!tags.includes(tag)) continue;
    const seen = identities.filter((e) => e.ceremonyId === op.ceremonyId && e.payload.hsmId === op.hsmId).at(-1);
    if (!seen) continue;
    subjects.set(seen.payload.serialNumber, {
      hsmId: op.hsmId,
      serialNumber: seen.payload.serialNumber,
      model: seen.payload.model,
      ...(seen.payload.tokenLabel ? { tokenLabel: seen.payload.tokenLabel } : {}),
      reason: `held the compromised KSK ${key.label} (key tag ${tag}; ${op.operation} at ceremony ${op.ceremonyId})`,
    });
  }
  return [...subjects.values()];
}

/** The serial numbers this ceremony's replace-hardware steps retired. */
function retiredHere(run: StepRun): string[] {
  return run.state.acts
    .flatMap((a) => a.steps)
    .flatMap((s) => (s.action.kind === 'replace-hardware' && s.result ? readResult('replace-hardware', s.result).retired.map((r) => r.serial) : []));
}

export async function dischargeFollowUp(run: StepRun, input: StepInputOf<'discharge-follow-up'>): Promise<Execution<'discharge-follow-up'>> {
  const all = workspaceObligations(run.deps.store, { rehearsal: run.rehearsal });
  const retiredSerials = retiredHere(run);
  const discharged = input.discharges.map((d) => {
    const obligation = all.find((o) => o.id === d.obligationId);
    if (!obligation) throw new KskError('NOT_FOUND', `There is no follow-up obligation "${d.obligationId}" in this workspace.`);
    if (obligation.origin.ceremonyId === run.ceremonyId)
      throw new KskError('CONFLICT', `Obligation ${obligation.id} was opened by this ceremony; a later ceremony discharges it.`);
    dischargeObligation(obligation, {
      script: run.script,
      stepId: run.step.id,
      ceremonyId: run.ceremonyId,
      at: run.deps.clock.now(),
      note: d.note,
      retiredSerials,
    });
    run.append('followup.discharged', { obligationId: obligation.id, stepId: run.step.id, note: d.note });
    return obligation.id;
  });
  const stillOpen = all.filter((o) => o.status === 'open' && !discharged.includes(o.id)).map((o) => o.id);
  return { result: { discharged, stillOpen } };
}
