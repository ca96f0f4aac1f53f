import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../../clock.js';
import type { CeremonyState, StepState } from '../../../contract/ceremonyState.js';
import type { ActionKind } from '../../../contract/actionKinds.js';
import { readResult } from '../../../contract/actionResults.js';
import type { StepInput, StepInputGiven } from '../../../contract/stepInputs.js';
import { KskError } from '../../../errors.js';
import { toPgpWords } from '../../../hash/pgpWords.js';
import { sha256 } from '../../../hash/sha256.js';
import { custodyPurpose } from '../executors/record.js';
import { call, type ContractCall } from './api.js';
import { castFor } from './cast.js';
import { signaturePng } from './png.js';
import type { RehearsalWorld } from './world.js';

/**
 * The simulated participants of a rehearsal: they run a ceremony to its seal through the contract,
 * exactly the calls the UI makes, step by step in the script's order. They read serials off the
 * world's bags, present the shares they were given, read the KSR's real hash aloud, draw their
 * signatures, and the IW initials every step and completes every exception the app records. After a
 * crash they pick up where the log says the ceremony is: the COs present their credentials again to
 * reactivate an HSM, the app reconciles what the HSM did, and the step goes on.
 */

export interface DriverOptions {
  api: ContractCall;
  world: RehearsalWorld;
  clock: Clock;
  /** Roles the disaster keeps away (from the triage answers). */
  absent: { cos: boolean; rkshs: boolean };
  /** The KSR the RZM brings, and the additional KSRs of 4.1.3 in order. */
  ksrs: { main?: string; additional?: string[] };
  /** 4.1.3: until when the additional RRSIGs must cover the zone. */
  coverUntil?: string;
  /**
   * How the world answers the seed's conditions inside a branch: how many Crypto Officers' safe
   * deposit box keys arrive by courier (some: one, all: enough for the quorum, none: no courier
   * possible), and whether the compromised KSK can be destroyed (default: it can).
   */
  scenario?: { keys?: 'some' | 'all' | 'none'; destroy?: boolean };
  /** Changes what the simulated people enter at a step (a test makes them retire the wrong HSM). */
  adjust?: (step: StepState, input: StepInput) => StepInput;
  /** Called before each action on a step (the crash test stops a child here). */
  beforeStep?: (step: StepState) => void | Promise<void>;
}

/** The OS image whose published hash the opening checks; a fixed stand-in in a rehearsal. */
const OS_IMAGE_SHA256 = sha256('ksk-ceremony rehearsal operating-system image').toString('hex');

const IW = 'iw';
const CA = 'ca';

type Inputs = Record<string, unknown>;

/** What a rehearsal answer knows of the step: the state, the step, its script inputs, the time, who is present. */
interface AnswerContext {
  state: CeremonyState;
  step: StepState;
  inputs: Inputs;
  now: string;
  present: CeremonyState['participants'];
}
type RehearsalAnswer<K extends ActionKind> = (at: AnswerContext) => StepInputGiven<K>;

/** The members of a quorum present, by person id. */
function membersOf(state: CeremonyState, present: CeremonyState['participants'], quorumId: unknown): string[] {
  const q = state.quorums.find((x) => x.id === quorumId);
  return present.filter((p) => q && p.roles.includes(q.role)).map((p) => p.personId);
}

/** The checks a sign step overrides: those the IW's exceptions at it name. */
function overridesAt(state: CeremonyState, step: StepState): string[] {
  return [...new Set(state.exceptions.filter((x) => x.stepId === step.id && x.check).map((x) => x.check as string))];
}

export class CeremonyDriver {
  constructor(
    private readonly options: DriverOptions,
    readonly ceremonyId: string,
  ) {}

  private get api(): ContractCall {
    return this.options.api;
  }

  private get world(): RehearsalWorld {
    return this.options.world;
  }

  async state(): Promise<CeremonyState> {
    return call(this.api, 'ceremony.state', { ceremonyId: this.ceremonyId });
  }

  /** Runs the ceremony to its seal and returns the closed state. */
  async run(): Promise<CeremonyState> {
    for (let guard = 0; guard < 2000; guard++) {
      let state = await this.state();
      if (state.status === 'closed') return state;
      state = await this.resolveExceptions(state);
      if (state.interrupted.length > 0) {
        await this.recover(state);
        continue;
      }
      const step = state.acts.flatMap((a) => a.steps).find((s) => s.id === state.currentStepId);
      if (!step) {
        await call(this.api, 'ceremony.close', { ceremonyId: this.ceremonyId, summary: `Rehearsal of ${state.script.title}, run by simulated participants.` });
        continue;
      }
      if (step.phase === 'ceremony') await this.signInEveryone(state);
      await this.options.beforeStep?.(step);
      await this.act(await this.state(), step);
      this.world.setTime(this.options.clock.now());
      await this.world.save();
    }
    throw new KskError('INTERNAL', `The rehearsal of ${this.ceremonyId} did not finish.`);
  }

  private present(state: CeremonyState) {
    return state.participants.filter((p) => p.signedOutAt === null);
  }

  /** Everyone the ceremony's steps need, and whom the disaster does not keep away, signs in as the ceremony begins. */
  private async signInEveryone(state: CeremonyState): Promise<void> {
    const roles = new Set(
      state.acts.filter((a) => a.phase === 'ceremony').flatMap((a) => a.steps.filter((s) => s.status !== 'not-applicable').flatMap((s) => s.roles)),
    );
    if (this.options.absent.cos) roles.delete('CO');
    if (this.options.absent.rkshs) roles.delete('RKSH');
    const here = new Set(state.participants.map((p) => p.personId));
    for (const role of roles) {
      const quorum = state.quorums.find((q) => q.role === role);
      const people = castFor(role).slice(0, quorum ? Math.min(quorum.n, quorum.m + (role === 'CO' ? 1 : 0)) : 1);
      for (const person of people) {
        if (here.has(person.personId)) continue;
        await call(this.api, 'ceremony.signIn', { ceremonyId: this.ceremonyId, personId: person.personId, name: person.name, roles: [role] });
        here.add(person.personId);
      }
    }
  }

  /** The IW completes each exception the app recorded (a bag with no serial on record, a missing role, ...). */
  private async resolveExceptions(state: CeremonyState): Promise<CeremonyState> {
    if (!this.present(state).some((p) => p.personId === IW)) return state;
    const open = state.exceptions.filter((x) => !x.complete);
    for (const x of open) {
      const decision = x.exceptionId.startsWith('teb-check')
        ? 'This bag had no serial on record in this rehearsal workspace (its first use); the IW checked the bag and the serial read against the inventory, and the ceremony continued.'
        : x.exceptionId.startsWith('reactivation')
          ? 'The app restarted; the Crypto Officers presented their credentials again in view of the IW and the cameras, and the ceremony resumed where the log says it stopped.'
          : 'The IW reviewed what happened; the ceremony continued as recorded.';
      await call(this.api, 'exception.resolve', { ceremonyId: this.ceremonyId, exceptionId: x.exceptionId, decision, signedBy: [IW] });
    }
    return open.length > 0 ? this.state() : state;
  }

  /** After a restart: reactivate the HSM an interrupted operation ran on, then let the app reconcile it. */
  private async recover(state: CeremonyState): Promise<void> {
    for (const op of state.interrupted) {
      const step = state.acts.flatMap((a) => a.steps).find((s) => s.id === op.stepId);
      const hsmId = step?.action.inputs.hsm as string | undefined;
      if (hsmId) await this.ensureActive(await this.state(), hsmId);
    }
    await call(this.api, 'ceremony.resume', { ceremonyId: this.ceremonyId });
  }

  /** An HSM the log says is active but this process has no session with: its COs present their credentials again. */
  private async ensureActive(state: CeremonyState, hsmId: string): Promise<void> {
    const hsm = state.hsms.find((h) => h.id === hsmId);
    if (!hsm?.active || hsm.sessionOpen) return;
    const activation = state.acts
      .flatMap((a) => a.steps)
      .find((s) => s.action.kind === 'hsm-activate' && s.action.inputs.hsm === hsmId && s.status === 'completed');
    if (!activation) throw new KskError('INTERNAL', `${hsmId} is active but no activation step of it is completed.`);
    await this.presentCredentials(state, activation);
    await call(this.api, 'step.perform', {
      ceremonyId: this.ceremonyId,
      stepId: activation.id,
      performer: this.performer(state, activation),
      input: { kind: 'hsm-activate' },
    });
  }

  private performer(state: CeremonyState, step: StepState): { personId: string } | { name: string; role: string } {
    if (step.phase === 'preparation') {
      const role = step.roles[0] as string;
      const person = castFor(role)[0];
      return { name: person?.name ?? role, role };
    }
    for (const role of step.roles) {
      const p = this.present(state).find((x) => x.roles.includes(role));
      if (p) return { personId: p.personId };
    }
    throw new KskError('INTERNAL', `Nobody present performs step ${step.number} (${step.roles.join(', ')}).`);
  }

  private async act(state: CeremonyState, step: StepState): Promise<void> {
    const ref = { ceremonyId: this.ceremonyId, stepId: step.id };
    if (step.status === 'awaiting-initials') {
      await call(this.api, 'step.initial', { ...ref, personId: IW });
      return;
    }
    const inputs = step.action.inputs as Inputs;
    if (typeof inputs.hsm === 'string' && step.action.kind !== 'hsm-activate' && step.action.kind !== 'hsm-initialize')
      await this.ensureActive(state, inputs.hsm);
    switch (step.action.kind) {
      case 'schedule-alternate':
        // The deadline is recorded when the step starts; the RKOS decides on what the app then shows.
        if (step.status === 'pending') await call(this.api, 'step.start', ref);
        break;
      case 'manual':
        await call(this.api, 'step.confirm', { ...ref, performer: this.performer(state, step) });
        return;
      case 'attestation':
        await this.attest(state, step);
        return;
      case 'hsm-activate':
      case 'reconstruct-ksk':
        if (step.quorum && !step.quorum.met) await this.presentCredentials(state, step);
        break;
      case 'sign-ksr':
      case 'sign-additional-ksrs':
        await this.prepareSigning(state, step);
        break;
      default:
        break;
    }
    const after = await this.state();
    const current = after.acts.flatMap((a) => a.steps).find((s) => s.id === step.id) ?? step;
    const input = this.inputFor(after, current);
    const response = await call(this.api, 'step.perform', {
      ...ref,
      performer: this.performer(after, step),
      input: this.options.adjust ? this.options.adjust(current, input) : input,
    });
    this.remember(response.state, step, response.outcome);
  }

  private async attest(state: CeremonyState, step: StepState): Promise<void> {
    const by = step.action.inputs.by;
    const done = new Set(state.attestations.filter((a) => a.stepId === step.id).map((a) => a.personId));
    const attestors = this.present(state).filter(
      (p) => (by === 'all-participants' || (Array.isArray(by) && p.roles.some((r) => (by as string[]).includes(r)))) && !done.has(p.personId),
    );
    for (const p of attestors) {
      const shown = await call(this.api, 'attestation.prepare', { ceremonyId: this.ceremonyId, stepId: step.id, personId: p.personId });
      await call(this.api, 'attestation.sign', {
        ceremonyId: this.ceremonyId,
        stepId: step.id,
        personId: p.personId,
        headHashShown: shown.head.hash,
        signaturePng: signaturePng(p.name).toString('base64'),
      });
    }
  }

  /** The credential set the step's quorum draws on, and who holds each credential. */
  private credentialsFor(state: CeremonyState, step: StepState): { credentialId: string; holderId: string; sheet: string }[] {
    if (step.action.kind === 'reconstruct-ksk') {
      const backup = this.world.latestBackup();
      if (!backup) throw new KskError('INTERNAL', 'The rehearsal world has no KSK backup to reconstruct.');
      return this.world.credentialsOf(backup.set);
    }
    const hsm = state.hsms.find((h) => h.id === step.action.inputs.hsm);
    const set = hsm?.binding ? this.world.activationOf(hsm.binding.tokenLabel) : undefined;
    if (!set) throw new KskError('INTERNAL', `The rehearsal world holds no credentials for ${String(step.action.inputs.hsm)}.`);
    return this.world.credentialsOf(set);
  }

  private async presentCredentials(state: CeremonyState, step: StepState): Promise<void> {
    const quorum = state.quorums.find((q) => q.id === step.action.inputs.quorum);
    if (!quorum) throw new KskError('INTERNAL', `Step ${step.number} names no quorum.`);
    const byStaff = step.action.inputs.presentedBy === 'operator-staff';
    const here = new Set(this.present(state).map((p) => p.personId));
    const available = this.credentialsFor(state, step).filter((c) => byStaff || here.has(c.holderId));
    const alreadyHeld = step.quorum?.held ?? 0;
    const heldIds = new Set(step.quorum && step.quorum.held > 0 ? step.quorum.presented.slice(-step.quorum.held).map((p) => p.credentialId) : []);
    let held = alreadyHeld;
    for (const c of available) {
      if (held >= quorum.m) break;
      if (heldIds.has(c.credentialId)) continue;
      await call(this.api, 'step.present', {
        ceremonyId: this.ceremonyId,
        stepId: step.id,
        personId: byStaff ? CA : c.holderId,
        credential: { kind: 'share', text: c.sheet },
      });
      held++;
    }
    if (held < quorum.m) throw new KskError('INTERNAL', `Only ${held} credential(s) could be presented at step ${step.number}; ${quorum.m} are needed.`);
  }

  private async prepareSigning(state: CeremonyState, step: StepState): Promise<void> {
    const files = step.action.kind === 'sign-ksr' ? [this.options.ksrs.main] : (this.options.ksrs.additional ?? []);
    if (files.length === 0 || files.some((f) => !f)) throw new KskError('INTERNAL', `The rehearsal brought no KSR for step ${step.number}.`);
    let overridable: string[] = [];
    let messages: { check: string; message: string }[] = [];
    if (step.needs.includes('prepare')) {
      const input =
        step.action.kind === 'sign-ksr'
          ? { kind: 'sign-ksr' as const, ksr: { path: files[0] as string } }
          : { kind: 'sign-additional-ksrs' as const, ksrs: files.map((f) => ({ path: f as string })) };
      const prepared = await call(this.api, 'step.prepare', { ceremonyId: this.ceremonyId, stepId: step.id, input });
      overridable = prepared.overridable;
      messages = prepared.checks.filter((c) => c.status === 'fail');
    }
    const recorded = new Set(state.exceptions.filter((x) => x.stepId === step.id && x.check).map((x) => x.check));
    for (const check of overridable.filter((c) => !recorded.has(c))) {
      await call(this.api, 'exception.record', {
        ceremonyId: this.ceremonyId,
        stepId: step.id,
        check,
        expected: `${check} passes`,
        happened: messages
          .filter((m) => m.check === check)
          .map((m) => m.message)
          .join(' ')
          .slice(0, 3900),
        decision: `Overridden: the ${state.script.disaster ?? ''} disaster makes ${check} fail, as the procedure foresees; the IW witnessed it.`.replace(
          'the  disaster',
          'the procedure',
        ),
        signedBy: [IW],
      });
    }
  }

  /** What the people in the room supply for a step, as its kind's rehearsal answer gives it. */
  private inputFor(state: CeremonyState, step: StepState): StepInput {
    return this.answer(step.action.kind, {
      state,
      step,
      inputs: step.action.inputs as Inputs,
      now: this.options.clock.now().toISOString(),
      present: this.present(state),
    });
  }

  private answer<K extends ActionKind>(kind: K, at: AnswerContext): StepInput {
    const answer: RehearsalAnswer<K> = this.answers[kind];
    return answer(at);
  }

  /** The rehearsal answer of each action kind: what the simulated people enter at a step of it. */
  private readonly answers: { readonly [K in ActionKind]: RehearsalAnswer<K> } = {
    manual: () => ({ kind: 'manual' }),
    attestation: () => ({ kind: 'attestation' }),
    notify: ({ inputs }) => ({
      kind: 'notify',
      notified: (inputs.recipients as string[]).flatMap((role) =>
        castFor(role).map((p) => ({ name: p.name, role, channel: (inputs.channels as ('email' | 'phone')[])[0] as 'email' })),
      ),
    }),
    'schedule-alternate': ({ state, step }) => {
      const recorded = state.deadlineRecorded;
      const window = recorded?.stepId === step.id ? recorded.alternateWindow : null;
      if (!window) return { kind: 'schedule-alternate', decision: 'proceed-now' };
      // The first whole hour the window allows, as a person would pick it.
      const hour = new Date(Math.ceil(Date.parse(window.earliest) / 3_600_000) * 3_600_000).toISOString();
      return { kind: 'schedule-alternate', decision: 'alternate-date', alternateDate: hour <= window.latest ? hour : window.earliest };
    },
    'courier-keys': ({ state }) => {
      const sending = this.couriering(state);
      if (sending.length === 0)
        return { kind: 'courier-keys', notPossible: 'The Crypto Officers could not send their keys in time: the boxes will be drilled.' };
      return {
        kind: 'courier-keys',
        packages: sending.map((holder) => {
          const serial = this.world.newSerial();
          this.world.sealBag(custodyPurpose('co-safe-deposit-key', holder), serial);
          return { holder, tebSerial: serial, courierReference: `courier ${serial}` };
        }),
      };
    },
    'assess-duration': ({ now }) => ({
      kind: 'assess-duration',
      assessment: 'The facilities may be unavailable for two quarters.',
      sources: ['RKOS assessment', 'facility engineer'],
      coverUntil: this.options.coverUntil ?? now,
    }),
    'approve-plan': ({ inputs }) => ({
      kind: 'approve-plan',
      plan: 'Sign the KSRs of the next quarters at the next ceremony and store the SKRs sealed until the RZM needs them.',
      approvals: (inputs.approvers as string[]).map((role) => ({ name: castFor(role)[0]?.name ?? role, role })),
      notified: ((inputs.notify as string[]) ?? []).map((role) => ({ name: castFor(role)[0]?.name ?? role, role })),
    }),
    'choose-algorithm': ({ inputs }) => {
      const first = (inputs.candidates as { algorithm: 'RSASHA256'; size?: number }[])[0] as { algorithm: 'RSASHA256'; size?: number };
      return {
        kind: 'choose-algorithm',
        algorithm: first.algorithm,
        ...(first.size ? { size: first.size } : {}),
        rationale: 'The algorithm of the KSK it replaces, which every validator supports.',
      };
    },
    'sign-in': () => ({ kind: 'sign-in' }),
    'sign-out': () => ({ kind: 'sign-out' }),
    'camera-start': () => ({ kind: 'camera-start', cameras: ['camera 1', 'camera 2'] }),
    'camera-stop': () => ({ kind: 'camera-stop', cameras: ['camera 1', 'camera 2'] }),
    'clock-check': ({ now }) => ({ kind: 'clock-check', referenceTime: now }),
    'hash-check': () => ({ kind: 'hash-check', subject: { sha256: OS_IMAGE_SHA256 }, expected: OS_IMAGE_SHA256, readBy: CA }),
    'teb-check': ({ state, inputs }) => {
      const bags = this.bagsToCheck(state, inputs);
      return bags.length > 0 ? { kind: 'teb-check', bags } : { kind: 'teb-check', none: 'No key was sent by courier: the courier record lists none.' };
    },
    'teb-seal': ({ state, inputs }) => ({ kind: 'teb-seal', bags: this.bagsToSeal(state, inputs) }),
    'drill-safe-deposit-box': ({ state, inputs }) => {
      const production = state.hsms.find((h) => h.provenance === 'production');
      const couriered = new Set(this.couriered(state));
      const quorum = state.quorums.find((q) => q.id === inputs.quorum);
      return {
        kind: 'drill-safe-deposit-box',
        // Only the boxes whose keys are not here, as many as the quorum still needs.
        boxes: this.productionHolders(state)
          .filter((holder) => !couriered.has(holder))
          .slice(0, Math.max(0, (quorum?.m ?? 0) - couriered.size))
          .map((holder) => ({
            holder,
            reason: 'the Crypto Officer cannot attend and the box keys are not here',
            recovered: [{ serial: this.world.bag(custodyPurpose(`co-credential:${production?.id ?? 'HSM1'}`, holder)), contents: 'Crypto Officer credential' }],
          })),
      };
    },
    'hsm-initialize': ({ state, inputs, present }) => ({
      kind: 'hsm-initialize',
      holders: inputs.issueTo === 'holders' ? membersOf(state, present, inputs.quorum) : [],
    }),
    'hsm-activate': () => ({ kind: 'hsm-activate' }),
    'hsm-deactivate': () => ({ kind: 'hsm-deactivate' }),
    'generate-ksk': () => ({ kind: 'generate-ksk' }),
    'destroy-ksk': () =>
      this.options.scenario?.destroy === false
        ? {
            kind: 'destroy-ksk',
            notPossible: {
              reason: 'The HSM holding the compromised KSK cannot be reached: it is destroyed with the hardware at the extraordinary ceremony.',
              witnessId: IW,
            },
          }
        : { kind: 'destroy-ksk' },
    'reconstruct-ksk': () => {
      const backup = this.world.latestBackup();
      if (!backup) throw new KskError('INTERNAL', 'The rehearsal world has no KSK backup.');
      return { kind: 'reconstruct-ksk', backup: { path: this.world.absolute(backup.file) } };
    },
    'backup-ksk': ({ state, inputs, present }) => ({ kind: 'backup-ksk', holders: membersOf(state, present, inputs.quorum) }),
    'sign-ksr': ({ state, step }) => {
      const file = this.options.ksrs.main as string;
      return { kind: 'sign-ksr', outOfBandHash: toPgpWords(sha256(readFileSync(file))).join(' '), readBy: 'rzm', overrides: overridesAt(state, step) };
    },
    'sign-additional-ksrs': ({ state, step }) => ({
      kind: 'sign-additional-ksrs',
      outOfBandHashes: (this.options.ksrs.additional ?? []).map((f) => sha256(readFileSync(f)).toString('hex')),
      readBy: 'rzm',
      overrides: overridesAt(state, step),
    }),
    'store-rrsigs': ({ inputs }) => {
      const serial = this.world.newSerial();
      this.world.sealBag(inputs.custody as string, serial);
      return { kind: 'store-rrsigs', tebSerial: serial };
    },
    'release-rrsigs': () => ({ kind: 'release-rrsigs', receivedBy: 'rzm' }),
    'publish-trust-anchor': () => ({ kind: 'publish-trust-anchor' }),
    'replace-hardware': ({ state }) => {
      // The HSMs the open obligations name (the compromised ones), or else those of this script exposed to the disaster.
      const named = state.followUps.outstanding.flatMap((o) => (o.kind === 'replace-hardware' ? (o.subjects ?? []) : []));
      const retire =
        named.length > 0
          ? [...new Map(named.map((h) => [h.serialNumber, { hsm: h.hsmId, serial: h.serialNumber }])).values()]
          : state.hsms.filter((h) => h.provenance !== 'new' && h.identity).map((h) => ({ hsm: h.id, serial: h.identity?.serialNumber as string }));
      return { kind: 'replace-hardware', retired: retire.map((h) => ({ ...h, disposition: 'sealed in a TEB for destruction under the IW’s witness' })) };
    },
    'distribute-credentials': ({ inputs }) => ({
      kind: 'distribute-credentials',
      handovers: castFor('CO')
        .slice(4)
        .map((p) => ({ tebSerial: this.world.newSerial(), holderName: p.name, reference: `${String(inputs.credential)} handed over in person` })),
    }),
    'exceptions-review': () => ({ kind: 'exceptions-review' }),
    export: () => ({ kind: 'export' }),
    'follow-up': () => ({ kind: 'follow-up' }),
    'discharge-follow-up': ({ state, step }) => ({ kind: 'discharge-follow-up', discharges: this.discharges(state, step) }),
  };

  /** The holders whose keys are sent by courier, as the scenario has it. */
  private couriering(state: CeremonyState): string[] {
    const quorum = state.quorums.find((q) => q.role === 'CO');
    const keys = this.options.scenario?.keys ?? 'some';
    return this.productionHolders(state).slice(0, keys === 'none' ? 0 : keys === 'all' ? (quorum?.m ?? 1) : 1);
  }

  /** The holders whose keys this ceremony's courier-keys step recorded as sent. */
  private couriered(state: CeremonyState): string[] {
    const step = state.acts.flatMap((a) => a.steps).find((s) => s.action.kind === 'courier-keys');
    return step?.result ? readResult('courier-keys', step.result).packages.map((p) => p.holder) : [];
  }

  /** The Crypto Officers who hold credentials for the production HSM (not the sealed ones). */
  private productionHolders(state: CeremonyState): string[] {
    const production = state.hsms.find((h) => h.provenance === 'production');
    const set = production?.binding ? this.world.activationOf(production.binding.tokenLabel) : undefined;
    return [...new Set((set ? this.world.credentialsOf(set) : []).map((c) => c.holderId).filter((h) => !h.startsWith('sealed-')))];
  }

  private bagsToCheck(state: CeremonyState, inputs: Inputs): { serial: string; holder?: string; expectedSerial?: string }[] {
    const custody = inputs.custody as string;
    const manifest = inputs.expected === 'manifest';
    if (inputs.expected === 'courier-record')
      return this.couriered(state).map((holder) => ({ serial: this.world.bag(custodyPurpose(custody, holder)), holder }));
    if (!inputs.perMemberOf) {
      const serial = this.world.bag(custody);
      return [{ serial, ...(manifest ? { expectedSerial: serial } : {}) }];
    }
    const here = new Set(this.present(state).map((p) => p.personId));
    let holders = this.world.bagsUnder(custody).map((p) => p.slice(custody.length + 1));
    const theirs = holders.filter((h) => here.has(h));
    if (theirs.length > 0) holders = theirs;
    if (holders.length === 0)
      holders = this.present(state)
        .filter((p) => p.roles.includes(state.quorums.find((q) => q.id === inputs.perMemberOf)?.role ?? ''))
        .map((p) => p.personId);
    if (holders.length === 0) holders = this.productionHolders(state);
    return holders.map((holder) => {
      const serial = this.world.bag(custodyPurpose(custody, holder));
      return { serial, holder, ...(manifest ? { expectedSerial: serial } : {}) };
    });
  }

  private bagsToSeal(state: CeremonyState, inputs: Inputs): { serial: string; holder?: string }[] {
    const custody = inputs.custody as string;
    const seal = (holder?: string) => {
      const serial = this.world.newSerial();
      this.world.sealBag(holder ? custodyPurpose(custody, holder) : custody, serial);
      return { serial, ...(holder ? { holder } : {}) };
    };
    if (!inputs.perMemberOf) return [seal()];
    let set: string | undefined;
    if (custody.startsWith('co-credential:')) {
      const hsm = state.hsms.find((h) => h.id === custody.slice('co-credential:'.length));
      set = hsm?.binding ? this.world.activationOf(hsm.binding.tokenLabel) : undefined;
    } else if (custody === 'rksh-share') {
      set = this.world.latestBackup()?.set;
    }
    const holders = set ? [...new Set(this.world.credentialsOf(set).map((c) => c.holderId))] : [];
    return (
      holders.length > 0
        ? holders
        : this.present(state)
            .filter((p) => p.roles.includes(state.quorums.find((q) => q.id === inputs.perMemberOf)?.role ?? ''))
            .map((p) => p.personId)
    ).map(seal);
  }

  private discharges(state: CeremonyState, step: StepState): { obligationId: string; note: string }[] {
    const kinds = step.action.inputs.kinds as string[];
    const steps = state.acts.flatMap((a) => a.steps);
    const released = steps.find((s) => s.action.kind === 'release-rrsigs');
    return (
      state.followUps.outstanding
        // What the app says this ceremony has not done (a compromised HSM not retired) stays open.
        .filter((o) => kinds.includes(o.kind) && o.origin.ceremonyId !== this.ceremonyId && !o.unmet)
        // A rollover completes over several quarters; stored RRSIGs only once the last one is released.
        .filter(
          (o) =>
            o.kind !== 'rfc5011-rollover' &&
            (o.kind !== 'release-rrsigs' || (released?.result ? readResult('release-rrsigs', released.result).remaining === 0 : false)),
        )
        .map((o) => ({ obligationId: o.id, note: `Done in ceremony ${this.ceremonyId} (${state.script.title}).` }))
    );
  }

  /** What the simulated people keep from a step: share sheets, where the backup went, which set activates which token. */
  private remember(state: CeremonyState, step: StepState, outcome: Record<string, unknown> | null): void {
    const done = state.acts.flatMap((a) => a.steps).find((s) => s.id === step.id);
    const kind = step.action.kind;
    if (!done?.result || (kind !== 'hsm-initialize' && kind !== 'backup-ksk')) return;
    const result = readResult(kind, done.result);
    const shares = (outcome?.shares ?? []) as { credentialId: string; holderId: string; sheet: string }[];
    for (const s of shares) this.world.keepCredential(s.credentialId, s.holderId, result.set, s.sheet);
    if (kind === 'hsm-initialize') {
      const hsm = state.hsms.find((h) => h.id === result.hsmId);
      if (hsm?.binding) this.world.setActivation(hsm.binding.tokenLabel, result.set);
    } else {
      const backup = readResult('backup-ksk', done.result);
      this.world.addBackup({
        backupId: backup.backupId,
        keyLabel: backup.key.label,
        file: path.relative(this.world.root, backup.copies[0] as string),
        set: backup.set,
      });
    }
  }
}
