import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { utcIso } from '../../clock.js';
import { readResult } from '../../contract/actionResults.js';
import type { CeremonyState, CeremonySummaryView, FileRef, StepState } from '../../contract/ceremonyState.js';
import { readFileRef } from './fileRef.js';
import type { CredentialInput, PrepareInput, ValidStepInput } from '../../contract/stepInputs.js';
import { KskError, messageOf } from '../../errors.js';
import { roles as evidenceRoles, type Role } from '../../evidence/events.js';
import { findInterruptedOperations, reconcileInterrupted } from '../../evidence/hsmOperations.js';
import { signaturePicture } from '../../evidence/signaturePicture.js';
import type { StoredEvent } from '../../evidence/stored.js';
import type { AppendableType } from '../../evidence/store.js';
import type { PayloadOf } from '../../evidence/events.js';
import { parseSigningPolicy } from '../../dnssec/policyYaml.js';
import { describeHash } from '../../hash/match.js';
import { algorithmName } from '../../dnssec/algorithms.js';
import { isKsk } from '../../dnssec/model.js';
import { kskKeys } from '../../evidence/registers/hsm.js';
import { capabilitiesOf, type HsmProfile } from '../../hsm/capabilities.js';
import { isHsmError, type HsmErrorReason } from '../../hsm/errors.js';
import type { HsmBindingSpec, HsmSessionPort, KskAlgorithm } from '../../hsm/port.js';
import { assertNeedsMet, hsmNeeds, type StepNeed } from '../hsmNeeds.js';
import { canonicalScript, scriptHash } from '../hash.js';
import { loadScript, scriptFromValue } from '../load.js';
import { loadTemplate } from '../templates.js';
import { branchesOf, branchOfStep, decidingKinds, notApplicableWhen, type BranchId } from '../branches.js';
import { deadlineStatus, defaultDeadlinePolicy, type DeadlineStatus } from '../deadline.js';
import { triage, type TriageAnswers } from '../triage.js';
import { findStep, templateIdFor, type Script, type Step } from '../script.js';
import { readCurrentSkr } from './currentSkr.js';
import { completeFromReconciled, execute, presentCredential, prepareStep, reactivationAllowed } from './executors/index.js';
import { workspaceObligations } from './obligations.js';
import { attestorsOf, ceremonyState, deadlinePolicyOf } from './project.js';
import type { EngineDeps, Execution, Json, Performer, StepRun } from './run.js';
import type { AirGapReport } from '../../contract/channels/app.js';
import { checkAirGap } from '../../system/airgap.js';
import { Sessions, type IssuedSheet, type LiveHsm } from './sessions.js';
import { CheckpointWitness } from './witness.js';

/** Why an HSM cannot be opened that only says it is not connected yet: its profile is read at first use instead. */
const notConnected: ReadonlySet<HsmErrorReason> = new Set<HsmErrorReason>(['MODULE_NOT_FOUND', 'MODULE_INIT_FAILED', 'NO_TOKEN', 'TOKEN_NOT_FOUND']);

/**
 * The ceremony engine: runs a script step by step on the evidence log. Every transition is an
 * event appended before the engine answers; the state it answers with is a projection of the log
 * (project.ts), so a restart loses nothing but what is never written down (open HSM sessions and
 * the shares in hand), which the people in the room present again.
 *
 * Calls that change a ceremony run one at a time per ceremony; reading its state never waits.
 */

export interface CreateRequest {
  template?: string;
  script?: FileRef;
  triage?: TriageAnswers;
  ceremonyId?: string;
  title?: string;
  site?: string;
  mode?: 'rehearsal' | 'production';
  bindings: Record<string, { modulePath: string; tokenLabel: string; activation: 'native' | 'split-pin' }>;
  policy?: FileRef;
}

export type Change = { state: CeremonyState; outcome: Json | null };
type PerformerRef = { personId: string } | { name: string; role: string };
type Deviation = { reason: string; witnessId: string };

const REHEARSAL_LABEL = /^REHEARSAL\b/;
/** The check a production ceremony's exception overrides to go on with the network connected. */
const AIR_GAP = 'AIR-GAP';
/** Failures worth a line in the log: the step was attempted and the world said no. Input mistakes are just refused. */
const recordedFailures = new Set(['POLICY_FAILURE', 'HSM_ERROR', 'TAMPERED', 'BAD_INPUT_FILE', 'STORAGE_ERROR', 'INTERNAL']);

function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^\w\s.-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 48) || 'person'
  );
}

export class CeremonyEngine {
  readonly sessions = new Sessions();
  readonly #scripts = new Map<string, Script>();
  readonly #locks = new Map<string, Promise<unknown>>();
  /** A ceremony's events as last read: a state is projected many times between two changes. */
  readonly #read = new Map<string, StoredEvent[]>();

  /** Signs checkpoints of the head outside the log; the store calls it around every HSM operation. */
  readonly witness: CheckpointWitness;
  /** Acts completed at the last checkpoint, per ceremony: an act boundary is named in its checkpoint. */
  readonly #actsWitnessed = new Map<string, number>();
  /** Open ceremonies already held to their newest checkpoint in this process. */
  readonly #held = new Set<string>();

  constructor(readonly deps: EngineDeps) {
    this.witness = new CheckpointWitness(deps.store, deps.workspace, deps.auditSealer, deps.clock);
    deps.store.witness = async (ceremonyId, reason) => {
      await this.witness.checkpoint(ceremonyId, reason);
    };
  }

  // ---- The air gap -------------------------------------------------------------------------------

  #network(): AirGapReport {
    return this.deps.network ? this.deps.network() : checkAirGap(this.deps.clock);
  }

  #airGapPayload(report: AirGapReport, at: PayloadOf<'airgap.state'>['at']): PayloadOf<'airgap.state'> {
    return {
      at,
      isolated: report.isolated,
      interfaces: report.interfaces.slice(0, 64).map(({ name, up, loopback }) => ({ name, up, loopback })),
      defaultRoutes: report.defaultRoutes.slice(0, 16),
    };
  }

  /**
   * Records the network state in every open ceremony whose last record of it differs (an interface
   * went up or down, a route appeared): called by the backend's watch and before every change.
   */
  noteNetwork(ceremonyId?: string): void {
    const report = this.#network();
    const ids = ceremonyId
      ? [ceremonyId]
      : this.deps.store
          .ceremonies()
          .filter((c) => !c.sealed)
          .map((c) => c.ceremonyId);
    for (const id of ids) {
      if (this.deps.store.seal(id)) continue;
      const last = this.deps.store.events(id, ['airgap.state']).at(-1);
      if (!last) continue;
      const now = this.#airGapPayload(report, 'change');
      const same = (p: PayloadOf<'airgap.state'>) => JSON.stringify([p.interfaces.filter((i) => i.up), p.defaultRoutes]);
      if (same(last.payload as PayloadOf<'airgap.state'>) === same(now)) continue;
      this.deps.store.append(id, 'airgap.state', now);
      this.#changed(id);
    }
  }

  get rehearsal(): boolean {
    return this.deps.mode === 'rehearsal';
  }

  // ---- Reading -----------------------------------------------------------------------------------

  /** The script a ceremony follows, read back from its log (stored as canonical JSON, checked by hash). */
  scriptOf(ceremonyId: string): { script: Script; sha256: string } {
    const loaded = this.events(ceremonyId).find((e): e is StoredEvent<'script.loaded'> => e.type === 'script.loaded');
    if (!loaded) {
      if (this.deps.store.head(ceremonyId)) throw new KskError('CONFLICT', `Ceremony ${ceremonyId} was not opened by the ceremony engine: it has no script.`);
      throw new KskError('NOT_FOUND', `No ceremony "${ceremonyId}" in this workspace.`);
    }
    const sha256 = loaded.payload.sha256;
    let script = this.#scripts.get(sha256);
    if (!script) {
      script = scriptFromValue(JSON.parse(this.deps.store.readArtifact(sha256).toString('utf8')), `the script of ceremony ${ceremonyId}`);
      if (scriptHash(script) !== sha256) throw new KskError('TAMPERED', `The script stored for ceremony ${ceremonyId} does not have the hash its log records.`);
      this.#scripts.set(sha256, script);
    }
    return { script, sha256 };
  }

  state(ceremonyId: string): CeremonyState {
    const { script, sha256 } = this.scriptOf(ceremonyId);
    const { store } = this.deps;
    const state = ceremonyState({
      events: this.events(ceremonyId),
      script,
      scriptSha256: sha256,
      now: this.deps.clock.now(),
      sealed: store.seal(ceremonyId) !== null,
      obligations: workspaceObligations(store, { rehearsal: this.#rehearsalOf(ceremonyId) }),
      held: this.sessions.heldCounts(ceremonyId),
      liveHsms: this.sessions.loggedIn(ceremonyId),
      sheetsHeld: this.sessions.sheetsHeld(ceremonyId),
    });
    const newest = this.witness.newest(ceremonyId)?.checkpoint;
    return {
      ...state,
      log: { ...state.log, checkpoint: newest ? { seq: newest.headSeq, hash: newest.headHash, at: newest.at, reason: newest.reason } : null },
    };
  }

  /** Every ceremony the engine opened in this workspace, oldest first. */
  list(): CeremonySummaryView[] {
    return this.deps.store
      .ceremonies()
      .filter((c) => this.deps.store.events(c.ceremonyId, ['script.loaded']).length > 0)
      .map((c) => {
        const s = this.state(c.ceremonyId);
        const steps = s.acts.flatMap((a) => a.steps);
        return {
          ceremonyId: s.ceremonyId,
          title: s.title,
          procedure: s.script.procedure,
          scriptId: s.script.id,
          mode: s.mode,
          ...(s.site ? { site: s.site } : {}),
          status: s.status,
          openedAt: s.openedAt,
          closedAt: s.closedAt,
          stepsDone: steps.filter((st) => isDone(st)).length,
          stepsTotal: steps.length,
          outcome: s.outcome,
          head: s.log.head,
          sealed: s.log.sealed,
        };
      });
  }

  #rehearsalOf(ceremonyId: string): boolean {
    const opened = this.deps.store.events(ceremonyId, ['ceremony.opened'])[0];
    if (!opened) throw new KskError('NOT_FOUND', `No ceremony "${ceremonyId}" in this workspace.`);
    return opened.payload.rehearsal;
  }

  // ---- Creating ----------------------------------------------------------------------------------

  async create(request: CreateRequest): Promise<CeremonyState> {
    const { store } = this.deps;
    const mode = this.deps.mode;
    if (request.mode && request.mode !== mode)
      throw new KskError('CONFLICT', `This workspace runs ${mode} ceremonies; it cannot create a ${request.mode} ceremony.`);
    const current = readCurrentSkr(this.deps.workspace);
    const now = this.deps.clock.now();
    // Triage weighs the time on the deadline of the current SKR as it stands now, with the policy's lead time and margin.
    const decided = request.triage
      ? triage(request.triage, { deadline: current ? deadlineStatus(new Date(current.view.lastExpiration), now, defaultDeadlinePolicy) : null })
      : null;
    if (decided && !decided.template) throw new KskError('CONFLICT', `Triage finds no ceremony to hold now. ${decided.next}`);
    const script = this.#scriptFor(request, decided?.template ?? null);
    const triaged = decided ? (decided.procedure ?? decided.plan) : null;
    if (decided && script.procedure !== triaged) {
      throw new KskError('BAD_REQUEST', `The triage answers lead to ${decided.label}, but the script ${script.id} carries out ${script.procedure}.`);
    }
    const bindings = await this.#bindings(script, request.bindings);
    await this.#checkHsms(script, bindings, current);
    if (current && !this.rehearsal && current.view.rehearsal)
      throw new KskError('POLICY_FAILURE', `The workspace's current SKR ${current.view.id} is a rehearsal SKR; a production ceremony cannot start from it.`);
    const policy = request.policy ? readFileRef(request.policy, 'signing policy') : null;
    // Read now, so a typo in the operator's file stops the ceremony before it opens, not at its signing step.
    if (policy) parseSigningPolicy(policy.bytes.toString('utf8'), policy.name);
    const ceremonyId = request.ceremonyId ?? this.#newCeremonyId(script);
    if (store.head(ceremonyId)) throw new KskError('CONFLICT', `A ceremony "${ceremonyId}" already exists in this workspace.`);
    const sha256 = scriptHash(script);
    const title = request.title ?? `${script.title}${this.rehearsal ? ' (REHEARSAL)' : ''}`;
    // The audit key pinned at commissioning (made and pinned now if this is the workspace's first ceremony), named in the opening.
    const audit = await this.deps.auditSealer(ceremonyId);
    const auditKey = audit.sealer.key;
    await audit.release();
    store.atomically(() => {
      store.openCeremony(ceremonyId, { title, kind: script.procedure, ...(request.site ? { site: request.site } : {}), rehearsal: this.rehearsal, auditKey });
      store.storeArtifact(ceremonyId, {
        name: `${script.id}-${script.version}.json`,
        kind: 'script',
        mediaType: 'application/json',
        bytes: Buffer.from(canonicalScript(script)),
      });
      store.append(ceremonyId, 'script.loaded', { scriptId: script.id, title: script.title, version: script.version, sha256 });
      if (decided) {
        store.append(ceremonyId, 'triage.recorded', {
          procedure: triaged as string,
          template: script.id,
          answers: decided.answers as Record<string, string>,
          questionsAsked: decided.questionsAsked,
          reason: decided.reason,
          ...(decided.interpretation ? { interpretation: decided.interpretation } : {}),
          decision: decided.decision,
          ...(decided.branch ? { branch: decided.branch } : {}),
          ...(decided.plan ? { plan: decided.plan } : {}),
          next: decided.next,
        });
      }
      for (const [hsmId, b] of bindings) store.append(ceremonyId, 'hsm.bound', { hsmId, ...b });
      store.append(ceremonyId, 'airgap.state', this.#airGapPayload(this.#network(), 'open'));
      if (current) {
        const stored = store.storeArtifact(ceremonyId, {
          name: this.fileName(`current-skr-${current.view.id}.xml`),
          kind: 'skr',
          mediaType: 'application/xml',
          bytes: current.bytes,
        });
        const v = current.view;
        store.append(ceremonyId, 'skr.current', {
          sha256: stored.payload.sha256,
          skrId: v.id,
          bundles: v.bundles,
          firstInception: v.firstInception,
          lastExpiration: v.lastExpiration,
          signingKeyTags: v.signingKeyTags,
          source: v.source,
        });
        store.append(ceremonyId, 'deadline.assessed', assessment(deadlineStatus(new Date(v.lastExpiration), now, deadlinePolicyOf(script))));
      }
      if (policy) store.storeArtifact(ceremonyId, { name: `signing-policy ${policy.name}`, kind: 'other', mediaType: 'application/yaml', bytes: policy.bytes });
    });
    this.#held.add(ceremonyId);
    await this.witness.checkpoint(ceremonyId, 'ceremony opened');
    this.#changed(ceremonyId);
    this.deps.emit({ type: 'state-changed', topic: 'workspace' });
    return this.state(ceremonyId);
  }

  #scriptFor(request: CreateRequest, triaged: string | null): Script {
    if (request.script) {
      const { name, bytes } = readFileRef(request.script, 'ceremony script');
      return loadScript(bytes.toString('utf8'), name);
    }
    const id = request.template ?? triaged;
    if (!id) throw new KskError('BAD_REQUEST', 'Say which ceremony to create: a template, a script file, or triage answers.');
    if (request.template && triaged && request.template !== triaged)
      throw new KskError('BAD_REQUEST', `The triage answers lead to the template ${triaged}, not ${request.template}.`);
    return loadTemplate(id);
  }

  async #bindings(script: Script, requested: CreateRequest['bindings']): Promise<Map<string, HsmBindingSpec>> {
    const out = new Map<string, HsmBindingSpec>();
    for (const unknown of Object.keys(requested)) {
      if (!script.hsms.some((h) => h.id === unknown))
        throw new KskError(
          'BAD_REQUEST',
          `The script ${script.id} declares no HSM "${unknown}" (it declares: ${script.hsms.map((h) => h.id).join(', ') || 'none'}).`,
        );
    }
    for (const hsm of script.hsms) {
      const given = requested[hsm.id];
      if (given) {
        const rehearsalToken = REHEARSAL_LABEL.test(given.tokenLabel);
        if (!this.rehearsal && rehearsalToken)
          throw new KskError('POLICY_FAILURE', `The token "${given.tokenLabel}" is a rehearsal token; a production ceremony refuses it for ${hsm.id}.`);
        if (this.rehearsal && !rehearsalToken)
          throw new KskError(
            'POLICY_FAILURE',
            `A rehearsal runs on rehearsal tokens only; "${given.tokenLabel}" is not one (bind ${hsm.id} to a token labelled REHEARSAL ..., or leave it to the workspace).`,
          );
        out.set(hsm.id, { ...given, rehearsal: rehearsalToken });
        continue;
      }
      const token = await this.deps.hsm.rehearsalToken(hsm.id);
      if (!token)
        throw new KskError(
          'BAD_REQUEST',
          `Bind ${hsm.id} (${hsm.title}) to a token: a production ceremony needs the module path and the token label of each HSM.`,
        );
      out.set(hsm.id, token.binding);
    }
    return out;
  }

  /** What the script asks of each HSM (core/ceremony/hsmNeeds.ts), with the current KSK as the workspace knows it. */
  #needs(script: Script, bindings: ReadonlyMap<string, Pick<HsmBindingSpec, 'activation'>>, current: ReturnType<typeof readCurrentSkr>): StepNeed[] {
    const last = current?.skr.bundles.at(-1);
    const signer = last?.signatures
      .map((sig) => last.keys.find((k) => k.keyTag === sig.keyTag && k.keyIdentifier === sig.keyIdentifier && isKsk(k)))
      .find((k) => k !== undefined);
    const currentAlgorithm = signer?.algorithm ?? kskKeys(this.deps.store, { rehearsal: this.rehearsal }).at(-1)?.algorithm ?? null;
    return hsmNeeds(script, {
      currentKsk: currentAlgorithm === null ? null : (algorithmName(currentAlgorithm) as KskAlgorithm | null),
      activation: new Map([...bindings].map(([id, b]) => [id, b.activation])),
    });
  }

  /**
   * Reads the profile of every bound HSM and refuses, before the ceremony opens, one whose script
   * asks of an HSM something its token cannot do. An HSM not connected yet (a production HSM still
   * in its safe) is checked the same way when the ceremony first uses it (liveHsm).
   */
  async #checkHsms(script: Script, bindings: ReadonlyMap<string, HsmBindingSpec>, current: ReturnType<typeof readCurrentSkr>): Promise<void> {
    const needs = this.#needs(script, bindings, current);
    const profiles = new Map<string, HsmProfile>();
    for (const hsmId of new Set(needs.map((n) => n.hsmId))) {
      const binding = bindings.get(hsmId);
      if (!binding) continue;
      let session: HsmSessionPort;
      try {
        session = await this.deps.hsm.open(binding, { clock: this.deps.clock });
      } catch (e) {
        if (isHsmError(e) && notConnected.has(e.reason)) continue;
        throw e;
      }
      try {
        profiles.set(hsmId, await session.profile());
      } finally {
        await session.close();
      }
    }
    assertNeedsMet(needs, profiles);
  }

  #newCeremonyId(script: Script): string {
    const day = utcIso(this.deps.clock.now()).slice(0, 10).replace(/-/g, '');
    const base = `${templateIdFor(script.procedure)}-${day}`.slice(0, 23);
    for (let n = 1; ; n++) {
      const id = n === 1 ? base : `${base}-${n}`;
      if (!this.deps.store.head(id)) return id;
    }
  }

  // ---- Serialising changes ------------------------------------------------------------------------

  /** Runs changes to one ceremony one after the other; reads do not wait. */
  async #locked<R>(ceremonyId: string, fn: () => Promise<R>): Promise<R> {
    const previous = this.#locks.get(ceremonyId) ?? Promise.resolve();
    // Whatever the call does, it is done on the network as it is now: a change since the last record is logged first.
    const witnessed = async () => {
      this.noteNetwork(ceremonyId);
      await this.#holdToCheckpoint(ceremonyId);
      try {
        return await fn();
      } finally {
        await this.#checkpointAfterChange(ceremonyId);
      }
    };
    const run = previous.then(witnessed, witnessed);
    const settled = run.catch(() => undefined);
    this.#locks.set(ceremonyId, settled);
    try {
      return await run;
    } finally {
      if (this.#locks.get(ceremonyId) === settled) this.#locks.delete(ceremonyId);
    }
  }

  /**
   * The first change to an open ceremony in this process (after a restart, a crash, a copy) waits
   * until the log is held to the newest checkpoint: a log that lost witnessed events takes no more.
   */
  async #holdToCheckpoint(ceremonyId: string): Promise<void> {
    if (this.#held.has(ceremonyId)) return;
    const head = this.deps.store.head(ceremonyId);
    if (!head || head.type === 'ceremony.closed') return;
    await this.witness.holdToNewest(ceremonyId);
    this.#held.add(ceremonyId);
  }

  /**
   * A checkpoint after every change that moved the head, before the change is answered: every
   * acknowledged event is witnessed outside the log, so a lost -wal or a cut tail is always named.
   * The act boundaries (what the IW initials on paper at an act's end) say so in the reason.
   */
  async #checkpointAfterChange(ceremonyId: string): Promise<void> {
    if (!this.deps.store.head(ceremonyId)) return;
    const state = this.state(ceremonyId);
    const done = state.acts.filter((a) => a.steps.every(isDone)).length;
    const boundary = done > (this.#actsWitnessed.get(ceremonyId) ?? 0);
    this.#actsWitnessed.set(ceremonyId, done);
    // Shown to the IW: the screens read the state again on this event, with the checkpoint in it.
    if (await this.witness.checkpoint(ceremonyId, boundary ? `act ${done} of ${state.acts.length} done` : 'after a change')) this.#changed(ceremonyId);
  }

  #changed(ceremonyId: string): void {
    this.deps.emit({ type: 'state-changed', topic: 'ceremony', id: ceremonyId });
  }

  #change(ceremonyId: string, outcome: Json | null = null): Change {
    this.#changed(ceremonyId);
    return { state: this.state(ceremonyId), outcome };
  }

  #open(ceremonyId: string): CeremonyState {
    const state = this.state(ceremonyId);
    if (state.status === 'closed') throw new KskError('CONFLICT', `Ceremony ${ceremonyId} is closed and sealed; it takes no more changes.`);
    return state;
  }

  // ---- People ------------------------------------------------------------------------------------

  /** A drawn signature kept as a signature-image artifact (grayscale over white); its hash goes in the event. */
  #signature(ceremonyId: string, png: string | undefined, caption: string): { signatureSha256?: string } {
    if (png === undefined) return {};
    const stored = this.deps.store.storeArtifact(ceremonyId, {
      name: caption,
      kind: 'signature-image',
      mediaType: 'image/png',
      bytes: signaturePicture(Buffer.from(png, 'base64')),
    });
    return { signatureSha256: stored.payload.sha256 };
  }

  signIn(request: { ceremonyId: string; personId?: string; name: string; roles: string[]; organisation?: string; signaturePng?: string }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      const state = this.#open(request.ceremonyId);
      const known = new Set(state.roles.map((r) => r.id));
      const unknown = request.roles.filter((r) => !known.has(r));
      if (unknown.length > 0)
        throw new KskError(
          'BAD_REQUEST',
          `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a role' : 'are not roles'} of this script (its roles: ${[...known].join(', ')}).`,
        );
      const personId = request.personId ?? this.#personId(state, request.name);
      const present = state.participants.find((p) => p.signedOutAt === null && (p.personId === personId || sameName(p.name, request.name)));
      if (present)
        throw new KskError(
          'CONFLICT',
          `${present.name} (${present.personId}) is already signed in${present.personId === personId ? '' : ': the same person cannot sign in twice under another id'}.`,
        );
      const mapped = [...new Set(request.roles.map((r): Role => ((evidenceRoles as readonly string[]).includes(r) ? (r as Role) : 'witness')))];
      this.deps.store.atomically(() => {
        const signature = this.#signature(request.ceremonyId, request.signaturePng, `signature of ${request.name} at sign-in`);
        this.deps.store.append(request.ceremonyId, 'participant.signed-in', {
          personId,
          name: request.name,
          roles: mapped,
          ...(request.organisation ? { organisation: request.organisation } : {}),
          ...signature,
        });
        this.deps.store.append(request.ceremonyId, 'participant.script-roles', { personId, roles: [...new Set(request.roles)] });
      });
      return this.#change(request.ceremonyId, { personId });
    });
  }

  #personId(state: CeremonyState, name: string): string {
    const base = slug(name);
    const same = state.participants.find((p) => p.personId === base);
    if (!same || same.name === name) return base;
    for (let n = 2; ; n++) if (!state.participants.some((p) => p.personId === `${base}-${n}`)) return `${base}-${n}`;
  }

  signOut(request: { ceremonyId: string; personId: string; signaturePng?: string }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      const state = this.#open(request.ceremonyId);
      const leaving = this.#present(state, request.personId);
      this.deps.store.atomically(() => {
        const signature = this.#signature(request.ceremonyId, request.signaturePng, `signature of ${leaving.name} at sign-out`);
        this.deps.store.append(request.ceremonyId, 'participant.signed-out', { personId: request.personId, ...signature });
      });
      return this.#change(request.ceremonyId);
    });
  }

  #present(state: CeremonyState, personId: string): CeremonyState['participants'][number] {
    const p = state.participants.find((x) => x.personId === personId && x.signedOutAt === null);
    if (!p) throw new KskError('CONFLICT', `${personId} is not signed in to ceremony ${state.ceremonyId}.`);
    return p;
  }

  /** The IW (or IW2) present: who initials, witnesses exceptions and signs deviations. */
  #witness(state: CeremonyState, personId: string): CeremonyState['participants'][number] {
    const p = this.#present(state, personId);
    if (!p.roles.includes('IW') && !p.roles.includes('IW2'))
      throw new KskError('CONFLICT', `${p.name} is not an Internal Witness: only the IW initials steps and signs exceptions.`);
    return p;
  }

  // ---- Steps -------------------------------------------------------------------------------------

  #step(state: CeremonyState, stepId: string): { step: Step; view: StepState } {
    const { script } = this.scriptOf(state.ceremonyId);
    const step = findStep(script, stepId);
    const view = state.acts.flatMap((a) => a.steps).find((s) => s.id === stepId);
    if (!step || !view) throw new KskError('NOT_FOUND', `The script of ceremony ${state.ceremonyId} has no step "${stepId}".`);
    return { step, view };
  }

  /** Records an exception the IW signs and the deviation it allows, in one transaction with `then`. */
  #deviate(
    state: CeremonyState,
    view: StepState,
    kind: PayloadOf<'step.deviation'>['deviation'],
    text: { expected: string; happened: string; decision: string },
    witnessId: string,
    extra: { check?: string } = {},
  ): string {
    this.#witness(state, witnessId);
    const exceptionId = `${kind}-${view.id}-${randomBytes(3).toString('hex')}`;
    this.deps.store.append(state.ceremonyId, 'exception', { exceptionId, stepId: view.id, ...text, signedBy: [witnessId] });
    this.deps.store.append(state.ceremonyId, 'step.deviation', { stepId: view.id, deviation: kind, exceptionId, ...extra });
    return exceptionId;
  }

  /** Starts a step if it is pending: plainly when it is next, otherwise only with a witnessed deviation. */
  #ensureStarted(state: CeremonyState, stepId: string, deviation?: Deviation): CeremonyState {
    const { view } = this.#step(state, stepId);
    if (view.status !== 'pending') {
      if (deviation) throw new KskError('CONFLICT', `Step ${view.number} (${view.id}) has already started.`);
      return state;
    }
    this.#onBranchTaken(state, stepId);
    this.#requireAirGap(state, view);
    const steps = state.acts.flatMap((a) => a.steps);
    const before = steps
      .slice(
        0,
        steps.findIndex((s) => s.id === stepId),
      )
      .filter((s) => !isDone(s));
    const act = state.acts.find((a) => a.steps.some((s) => s.id === stepId));
    const title = `${view.action.title}: ${view.text}`.slice(0, 500);
    this.deps.store.atomically(() => {
      if (before.length > 0) {
        const first = before[0] as StepState;
        if (!deviation) {
          throw new KskError(
            'CONFLICT',
            `Step ${view.number} (${view.id}) is not next: step ${first.number} (${first.id}) is ${first.status === 'pending' ? 'not started' : first.status === 'awaiting-initials' ? 'awaiting the IW’s initials' : 'not finished'}. Finish it, or start ${view.number} out of order with a reason the IW signs.`,
          );
        }
        this.#deviate(
          state,
          view,
          'out-of-order',
          {
            expected: `step ${view.number} follows step${before.length > 1 ? 's' : ''} ${before.map((s) => s.number).join(', ')}`,
            happened: `step ${view.number} was started before step${before.length > 1 ? 's' : ''} ${before.map((s) => s.number).join(', ')} ${before.length > 1 ? 'were' : 'was'} done`,
            decision: deviation.reason,
          },
          deviation.witnessId,
        );
      } else if (deviation) {
        throw new KskError('BAD_REQUEST', `Step ${view.number} is next: it needs no deviation.`);
      }
      this.deps.store.append(state.ceremonyId, 'step.started', { stepId, ...(act ? { act: act.title.slice(0, 200) } : {}), title });
      // What this step decides on is the deadline as it stands now, recorded once: the decision is checked against this, not a later clock.
      if (view.action.kind === 'schedule-alternate' && state.currentSkr) {
        const { script } = this.scriptOf(state.ceremonyId);
        this.deps.store.append(
          state.ceremonyId,
          'deadline.assessed',
          assessment(deadlineStatus(new Date(state.currentSkr.lastExpiration), this.deps.clock.now(), deadlinePolicyOf(script)), stepId),
        );
      }
    });
    return this.state(state.ceremonyId);
  }

  /**
   * A production ceremony does not start its work in the room while the laptop can reach a network,
   * unless the IW signed an exception that overrides AIR-GAP (what is connected, and why it goes on).
   */
  #requireAirGap(state: CeremonyState, view: StepState): void {
    if (this.rehearsal || view.phase !== 'ceremony') return;
    const report = this.#network();
    if (report.isolated) return;
    const excused = state.exceptions.some((x) => x.check === AIR_GAP && x.complete);
    if (!excused) {
      throw new KskError(
        'POLICY_FAILURE',
        `This production ceremony cannot start step ${view.number}: the laptop is not air-gapped (${report.warnings.join(' ')}). Disconnect the network, or record an exception overriding ${AIR_GAP} that the IW signs.`,
      );
    }
  }

  /** A step on a branch runs only once its decision took that branch; on another branch it is not applicable. */
  #onBranchTaken(state: CeremonyState, stepId: string): void {
    const { script } = this.scriptOf(state.ceremonyId);
    const branch = branchOfStep(script, stepId);
    if (!branch) return;
    const { view } = this.#step(state, stepId);
    const taken = state.branches.find((b) => b.stepId === branch.decidedAt);
    const decider = this.#step(state, branch.decidedAt).view;
    if (!taken)
      throw new KskError(
        'CONFLICT',
        `Step ${view.number} (${view.id}) is on the branch "${branch.title}", which step ${decider.number} (${decider.id}) decides: perform that step first.`,
      );
    if (view.status === 'not-applicable')
      throw new KskError('CONFLICT', `Step ${view.number} (${view.id}) is not applicable: step ${decider.number} decided "${taken.title}" (${taken.outcome}).`);
  }

  /** After a deciding step is performed: the branch its result takes, and the steps of the others, now not applicable (same transaction). */
  #decide(ceremonyId: string, step: Step, result: Json): void {
    const { script } = this.scriptOf(ceremonyId);
    const declared = branchesOf(script).filter((b) => b.decidedAt === step.id);
    if (declared.length === 0 || !decidingKinds[step.action.kind]) return;
    const branch = result.branch as BranchId | undefined;
    const chosen = declared.find((b) => b.id === branch);
    if (!chosen)
      throw new KskError(
        'INTERNAL',
        `Step ${step.number} decided "${String(branch)}", which is not one of its branches (${declared.map((b) => b.id).join(', ')}).`,
      );
    const state = this.state(ceremonyId);
    const notApplicable = notApplicableWhen(script, step.id, chosen.id).map((s) => s.id);
    const started = state.acts.flatMap((a) => a.steps).filter((s) => notApplicable.includes(s.id) && s.status !== 'pending');
    if (started.length > 0)
      throw new KskError(
        'CONFLICT',
        `Step ${started[0]?.number} is on another branch but has already started: the decision at step ${step.number} cannot be recorded.`,
      );
    const outcome = typeof result.outcome === 'string' ? result.outcome : chosen.title;
    this.deps.store.append(ceremonyId, 'branch.taken', { stepId: step.id, branch: chosen.id, outcome, notApplicable });
  }

  start(request: { ceremonyId: string; stepId: string; deviation?: Deviation }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      const state = this.#open(request.ceremonyId);
      const { view } = this.#step(state, request.stepId);
      if (view.status !== 'pending') throw new KskError('CONFLICT', `Step ${view.number} (${view.id}) is already ${view.status}.`);
      this.#ensureStarted(state, request.stepId, request.deviation);
      return this.#change(request.ceremonyId);
    });
  }

  /** Records what a step's performer or the IW did and, in the same transaction, the completion it brings. */
  #record<T extends AppendableType>(ceremonyId: string, stepId: string, type: T, payload: PayloadOf<T>, complete = true): void {
    const step = type === 'action.performed' ? findStep(this.scriptOf(ceremonyId).script, stepId) : undefined;
    // A result is what its kind records (contract/actionResults.ts), or it is not written.
    if (step) readResult(step.action.kind, (payload as PayloadOf<'action.performed'>).result);
    this.deps.store.atomically(() => {
      this.deps.store.append(ceremonyId, type, payload);
      if (step && complete) this.#decide(ceremonyId, step, (payload as PayloadOf<'action.performed'>).result as Json);
      if (complete) this.#maybeComplete(ceremonyId, stepId);
    });
  }

  /** Appends step.completed once the action is done and, where the step asks, the IW has initialled. */
  #maybeComplete(ceremonyId: string, stepId: string): void {
    const state = this.state(ceremonyId);
    const { view } = this.#step(state, stepId);
    if (isDone(view) || !view.performedAt) return;
    if (view.initial && !view.initials) return;
    this.deps.store.append(ceremonyId, 'step.completed', { stepId });
  }

  #performer(state: CeremonyState, step: Step, view: StepState, ref: PerformerRef): Performer {
    if ('personId' in ref) {
      const p = this.#present(state, ref.personId);
      const role = step.roles.find((r) => p.roles.includes(r));
      if (!role)
        throw new KskError('CONFLICT', `${p.name} (${p.roles.join(', ')}) does not perform step ${view.number}: its roles are ${step.roles.join(', ')}.`);
      return { personId: p.personId, name: p.name, role };
    }
    if (view.phase !== 'preparation')
      throw new KskError('BAD_REQUEST', `Step ${view.number} is in the ceremony: its performer must be signed in (give a personId).`);
    if (!step.roles.includes(ref.role)) throw new KskError('BAD_REQUEST', `Step ${view.number} is performed by ${step.roles.join(', ')}, not ${ref.role}.`);
    return { name: ref.name, role: ref.role };
  }

  #readyToAct(state: CeremonyState, view: StepState): void {
    if (view.needs.includes('reconcile'))
      throw new KskError('CONFLICT', `An HSM operation of step ${view.number} has no recorded outcome: resume the ceremony (reconcile it with the HSM) first.`);
    if (view.status !== 'in-progress' || view.performedAt) {
      throw new KskError(
        'CONFLICT',
        `Step ${view.number} (${view.id}) is ${view.status === 'in-progress' ? 'already performed' : view.status}${view.status === 'awaiting-initials' ? ': the IW initials it next' : ''}.`,
      );
    }
    if (state.interrupted.length > 0)
      throw new KskError('CONFLICT', `HSM operation ${state.interrupted[0]?.opId} has no recorded outcome: resume the ceremony first.`);
  }

  confirm(request: { ceremonyId: string; stepId: string; performer: PerformerRef; note?: string }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      let state = this.#open(request.ceremonyId);
      const { step } = this.#step(state, request.stepId);
      if (step.action.kind !== 'manual')
        throw new KskError(
          'BAD_REQUEST',
          `Step ${step.number} is a ${step.action.kind} step: the app performs it (step.perform), the performer does not just confirm it.`,
        );
      state = this.#ensureStarted(state, request.stepId);
      const { view } = this.#step(state, request.stepId);
      this.#readyToAct(state, view);
      const performer = this.#performer(state, step, view, request.performer);
      this.#record(request.ceremonyId, step.id, 'step.confirmed', { stepId: step.id, performer, ...(request.note ? { note: request.note } : {}) });
      return this.#change(request.ceremonyId);
    });
  }

  initial(request: { ceremonyId: string; stepId: string; personId: string }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      const state = this.#open(request.ceremonyId);
      const { view } = this.#step(state, request.stepId);
      const iw = this.#witness(state, request.personId);
      if (!view.initial) throw new KskError('BAD_REQUEST', `Step ${view.number} is not initialled by the IW.`);
      if (view.initials) throw new KskError('CONFLICT', `Step ${view.number} was already initialled by ${view.initials.name}.`);
      if (!view.performedAt) throw new KskError('CONFLICT', `Step ${view.number} has not been performed yet: there is nothing to initial.`);
      this.#record(request.ceremonyId, view.id, 'initials', { stepId: view.id, personId: iw.personId, role: iw.roles.includes('IW') ? 'IW' : 'IW2' });
      return this.#change(request.ceremonyId);
    });
  }

  skip(request: { ceremonyId: string; stepId: string; deviation: Deviation }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      const state = this.#open(request.ceremonyId);
      const { view } = this.#step(state, request.stepId);
      if (isDone(view)) throw new KskError('CONFLICT', `Step ${view.number} is already ${view.status}.`);
      const { script } = this.scriptOf(request.ceremonyId);
      if (branchesOf(script).some((b) => b.decidedAt === view.id))
        throw new KskError('CONFLICT', `Step ${view.number} decides which branch of the script applies: it cannot be skipped.`);
      this.#onBranchTaken(state, view.id);
      if (view.needs.includes('reconcile'))
        throw new KskError('CONFLICT', `Step ${view.number} has an HSM operation without a recorded outcome: resume the ceremony first.`);
      this.deps.store.atomically(() => {
        this.deps.store.append(request.ceremonyId, 'step.skipped', { stepId: view.id, reason: request.deviation.reason });
        this.#deviate(
          state,
          view,
          'skip',
          { expected: `step ${view.number} (${view.id}) is carried out`, happened: `step ${view.number} was skipped`, decision: request.deviation.reason },
          request.deviation.witnessId,
        );
      });
      this.sessions.drop(request.ceremonyId, view.id);
      return this.#change(request.ceremonyId);
    });
  }

  prepare(request: { ceremonyId: string; stepId: string; input: PrepareInput }): Promise<{ state: CeremonyState } & Json> {
    return this.#locked(request.ceremonyId, async () => {
      let state = this.#open(request.ceremonyId);
      const { step } = this.#step(state, request.stepId);
      if (request.input.kind !== step.action.kind)
        throw new KskError('BAD_REQUEST', `Step ${step.number} is a ${step.action.kind} step, not ${request.input.kind}.`);
      state = this.#ensureStarted(state, request.stepId);
      const { view } = this.#step(state, request.stepId);
      this.#readyToAct(state, view);
      const prepared = await prepareStep(this.#run(state, step, view, { name: 'the app', role: step.roles[0] as string }), request.input);
      this.#changed(request.ceremonyId);
      return { state: this.state(request.ceremonyId), ...prepared };
    });
  }

  present(request: { ceremonyId: string; stepId: string; personId: string; credential: CredentialInput }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      let state = this.#open(request.ceremonyId);
      const { step } = this.#step(state, request.stepId);
      const reactivating = reactivationAllowed(this, state, step);
      if (!reactivating) state = this.#ensureStarted(state, request.stepId);
      const { view } = this.#step(state, request.stepId);
      if (!reactivating) this.#readyToAct(state, view);
      const presenter = this.#present(state, request.personId);
      const outcome = await presentCredential(
        this.#run(state, step, view, { personId: presenter.personId, name: presenter.name, role: presenter.roles[0] as string }),
        presenter,
        request.credential,
      );
      return this.#change(request.ceremonyId, outcome);
    });
  }

  perform(request: { ceremonyId: string; stepId: string; performer: PerformerRef; input: ValidStepInput }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      let state = this.#open(request.ceremonyId);
      const { step } = this.#step(state, request.stepId);
      const kind = step.action.kind;
      if (request.input.kind !== kind)
        throw new KskError('BAD_REQUEST', `Step ${step.number} is a ${kind} step; the input given is for ${request.input.kind}.`);
      if (kind === 'manual') throw new KskError('BAD_REQUEST', `Step ${step.number} is a manual step: its performer confirms it (step.confirm).`);
      if (kind === 'attestation')
        throw new KskError('BAD_REQUEST', `Step ${step.number} is an attestation: each person signs it (attestation.sign) or declines (attestation.decline).`);
      const reactivating = reactivationAllowed(this, state, step);
      if (!reactivating) state = this.#ensureStarted(state, request.stepId);
      const { view } = this.#step(state, request.stepId);
      if (!reactivating) this.#readyToAct(state, view);
      const performer = this.#performer(state, step, view, request.performer);
      const run = this.#run(state, step, view, performer);
      let execution: Execution<typeof kind>;
      try {
        execution = await execute(request.input.kind, run, request.input);
      } catch (e) {
        const code = e instanceof KskError ? e.code : 'INTERNAL';
        if (recordedFailures.has(code) && this.state(request.ceremonyId).status !== 'closed') {
          this.deps.store.append(request.ceremonyId, 'action.failed', { stepId: step.id, kind, error: messageOf(e) || 'the action failed without a message' });
          this.#changed(request.ceremonyId);
        }
        throw e;
      }
      const sheets = issuedSheets(execution.outcome);
      this.deps.store.atomically(() => {
        // The log says the sheets were shown; the backend keeps them in memory until the CA confirms every holder has theirs, so a reload shows them again.
        if (sheets.length > 0)
          this.deps.store.append(request.ceremonyId, 'sheets.shown', { stepId: step.id, credentialIds: sheets.map((s) => s.credentialId) });
        this.#record(
          request.ceremonyId,
          step.id,
          'action.performed',
          { stepId: step.id, kind, performer, result: execution.result as PayloadOf<'action.performed'>['result'] },
          !reactivating,
        );
      });
      if (sheets.length > 0) this.sessions.keepSheets(request.ceremonyId, step.id, sheets);
      return this.#change(request.ceremonyId, execution.outcome ?? null);
    });
  }

  /** What was printed (or written as a PDF to print elsewhere), in the log while the ceremony is open; false once it is sealed. */
  recordPrinted(ceremonyId: string, printed: PayloadOf<'document.printed'>): Promise<boolean> {
    return this.#locked(ceremonyId, async () => {
      if (this.state(ceremonyId).status === 'closed') return false;
      this.deps.store.append(ceremonyId, 'document.printed', printed);
      this.#changed(ceremonyId);
      return true;
    });
  }

  /** The share sheets a step issued, while the backend still holds them (after a restart: none). */
  sheets(request: { ceremonyId: string; stepId: string }): IssuedSheet[] {
    const state = this.state(request.ceremonyId);
    const { view } = this.#step(state, request.stepId);
    if (!view.sheets) throw new KskError('NOT_FOUND', `Step ${view.number} (${view.id}) issued no share sheets.`);
    return this.sessions.sheets(request.ceremonyId, request.stepId) ?? [];
  }

  /** The CA confirms every holder has their sheet: the log records it and the backend forgets the sheets. */
  sheetsHandedOver(request: { ceremonyId: string; stepId: string; personId: string }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      const state = this.#open(request.ceremonyId);
      const { view } = this.#step(state, request.stepId);
      if (!view.sheets) throw new KskError('NOT_FOUND', `Step ${view.number} (${view.id}) issued no share sheets.`);
      if (view.sheets.handedOver)
        throw new KskError('CONFLICT', `The sheets of step ${view.number} were confirmed handed over at ${view.sheets.handedOver.at}.`);
      const ca = this.#present(state, request.personId);
      this.deps.store.append(request.ceremonyId, 'sheets.handed-over', {
        stepId: view.id,
        credentialIds: view.sheets.holders.map((h) => h.credentialId),
        confirmedBy: ca.personId,
      });
      this.sessions.dropSheets(request.ceremonyId, view.id);
      return this.#change(request.ceremonyId);
    });
  }

  #run(state: CeremonyState, step: Step, view: StepState, performer: Performer): StepRun {
    const { deps, sessions } = this;
    const ceremonyId = state.ceremonyId;
    const { script } = this.scriptOf(ceremonyId);
    const stateNow = () => this.state(ceremonyId);
    const liveHsm = (hsmId: string) => this.liveHsm(ceremonyId, hsmId);
    return {
      deps,
      sessions,
      ceremonyId,
      script,
      step,
      stepState: view,
      state,
      performer,
      rehearsal: state.mode === 'rehearsal',
      append: <T extends AppendableType>(type: T, payload: PayloadOf<T>) => deps.store.append(ceremonyId, type, payload),
      storeArtifact: (artifact) => deps.store.storeArtifact(ceremonyId, { ...artifact, stepId: step.id }),
      hsm: liveHsm,
      activeHsm(hsmId) {
        const live = sessions.live(ceremonyId, hsmId);
        const logged = stateNow().hsms.find((h) => h.id === hsmId);
        if (!logged?.active) throw new KskError('CONFLICT', `${hsmId} is not active: activate it first (its hsm-activate step).`);
        if (!live?.loggedIn)
          throw new KskError(
            'CONFLICT',
            `${hsmId} was activated before the app restarted: the Crypto Officers present their credentials again at its activation step.`,
          );
        return live;
      },
      resultOf(stepId) {
        const found = stateNow()
          .acts.flatMap((a) => a.steps)
          .find((s) => s.id === stepId);
        if (!found?.result || !found.performedAt)
          throw new KskError('CONFLICT', `Step ${found?.number ?? stepId} has not been performed: step ${view.number} needs its result.`);
        return found.result as Json;
      },
      outputDir() {
        const dir = path.join(deps.workspace.root, 'ceremonies', ceremonyId);
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        return dir;
      },
      fileName: (name) => this.fileName(name, state.mode === 'rehearsal'),
      progress(operationId, label, fraction, done) {
        deps.emit({ type: 'progress', operationId, label, fraction, done });
      },
      opId: (operation) => `${step.id}:${operation}:${randomBytes(4).toString('hex')}`,
    };
  }

  fileName(name: string, rehearsal = this.rehearsal): string {
    return rehearsal && !name.startsWith('REHEARSAL-') ? `REHEARSAL-${name}` : name;
  }

  /** A session with a bound HSM of a ceremony, opened (and its identity recorded once) on first use. */
  async liveHsm(ceremonyId: string, hsmId: string): Promise<LiveHsm> {
    const existing = this.sessions.live(ceremonyId, hsmId);
    if (existing) return existing;
    const state = this.state(ceremonyId);
    const hsm = state.hsms.find((h) => h.id === hsmId);
    if (!hsm) throw new KskError('NOT_FOUND', `The script of ceremony ${ceremonyId} declares no HSM ${hsmId}.`);
    if (!hsm.binding) throw new KskError('CONFLICT', `${hsmId} is not bound to a token in ceremony ${ceremonyId}.`);
    const binding: HsmBindingSpec = { ...hsm.binding };
    const session = await this.deps.hsm.open(binding, { clock: this.deps.clock });
    try {
      if (!hsm.identity) {
        const id = await session.identity();
        this.deps.store.append(ceremonyId, 'hsm.identified', {
          hsmId,
          manufacturer: id.token.manufacturer || 'unknown',
          model: id.token.model || 'unknown',
          serialNumber: id.token.serial || 'unknown',
          ...(id.slot.firmwareVersion ? { firmware: id.slot.firmwareVersion } : {}),
          tokenLabel: id.token.label,
          location: hsm.location === 'kmf' ? 'Key Management Facility' : 'outside the Key Management Facility',
        });
        const profile = await session.profile();
        this.deps.store.append(ceremonyId, 'hsm.profiled', { hsmId, ...profile, capabilities: capabilitiesOf(profile) });
        // Checked at creation when the HSM was connected then; if it was not, here, before it is asked to do anything.
        const needs = this.#needs(
          this.scriptOf(ceremonyId).script,
          new Map(state.hsms.flatMap((h) => (h.binding ? [[h.id, h.binding] as const] : []))),
          readCurrentSkr(this.deps.workspace),
        );
        assertNeedsMet(
          needs.filter((n) => n.hsmId === hsmId),
          new Map([[hsmId, profile]]),
        );
      }
    } catch (e) {
      await session.close();
      throw e;
    }
    const live: LiveHsm = { hsmId, binding, session, loggedIn: false, pinShares: [], commissioning: null };
    this.sessions.keep(ceremonyId, live);
    return live;
  }

  // ---- Exceptions --------------------------------------------------------------------------------

  recordException(request: {
    ceremonyId: string;
    stepId?: string;
    expected: string;
    happened: string;
    decision?: string;
    signedBy: string[];
    check?: string;
  }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      const state = this.#open(request.ceremonyId);
      for (const p of request.signedBy) this.#present(state, p);
      const view = request.stepId ? this.#step(state, request.stepId).view : null;
      if (request.check) {
        if (!view) throw new KskError('BAD_REQUEST', 'An exception that overrides a check names the step it belongs to.');
        const { step } = this.#step(state, view.id);
        const allowed = [
          ...('overridableChecks' in step.action.inputs ? (step.action.inputs.overridableChecks as string[]) : []),
          ...(this.rehearsal ? [] : [AIR_GAP]),
        ];
        if (!allowed.includes(request.check)) {
          throw new KskError(
            'POLICY_FAILURE',
            `Step ${view.number} may not override ${request.check}${allowed.length ? ` (it may override: ${allowed.join(', ')})` : ' (it overrides no check)'}.`,
          );
        }
        if (!request.signedBy.some((p) => state.participants.find((x) => x.personId === p)?.roles.some((r) => r === 'IW' || r === 'IW2'))) {
          throw new KskError('CONFLICT', `Overriding ${request.check} needs the IW's signature on the exception.`);
        }
      }
      const exceptionId = request.check
        ? `override-${request.check}-${view?.id}-${randomBytes(2).toString('hex')}`
        : `exception-${state.exceptions.length + 1}-${randomBytes(2).toString('hex')}`;
      this.deps.store.atomically(() => {
        this.deps.store.append(request.ceremonyId, 'exception', {
          exceptionId,
          ...(view ? { stepId: view.id } : {}),
          expected: request.expected,
          happened: request.happened,
          ...(request.decision ? { decision: request.decision } : {}),
          signedBy: request.signedBy,
        });
        if (request.check && view)
          this.deps.store.append(request.ceremonyId, 'step.deviation', { stepId: view.id, deviation: 'check-override', exceptionId, check: request.check });
      });
      return this.#change(request.ceremonyId, { exceptionId });
    });
  }

  resolveException(request: { ceremonyId: string; exceptionId: string; decision: string; signedBy: string[] }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      const state = this.#open(request.ceremonyId);
      for (const p of request.signedBy) this.#present(state, p);
      this.deps.store.append(request.ceremonyId, 'exception.resolved', {
        exceptionId: request.exceptionId,
        decision: request.decision,
        signedBy: request.signedBy,
      });
      return this.#change(request.ceremonyId);
    });
  }

  // ---- Attestations ------------------------------------------------------------------------------

  /** The attestation step a person is about to sign or decline: started if it was not, ready, and asking them (once). */
  #attesting(request: { ceremonyId: string; stepId: string; personId: string }) {
    const state = this.#ensureStarted(this.#open(request.ceremonyId), request.stepId);
    const { step, view } = this.#step(state, request.stepId);
    this.#readyToAct(state, view);
    if (step.action.kind !== 'attestation') throw new KskError('BAD_REQUEST', `Step ${view.number} is not an attestation.`);
    const person = this.#present(state, request.personId);
    if (!attestorsOf(step, state.participants).some((p) => p.personId === person.personId)) {
      throw new KskError('CONFLICT', `${person.name} is not asked to attest at step ${view.number}.`);
    }
    if (state.attestations.some((a) => a.stepId === step.id && a.personId === person.personId))
      throw new KskError('CONFLICT', `${person.name} has already attested at step ${view.number}.`);
    return { state, view, statement: step.action.inputs.statement, person };
  }

  prepareAttestation(request: {
    ceremonyId: string;
    stepId: string;
    personId: string;
  }): Promise<{ statement: string; name: string; role: string; head: { seq: number; hash: string; pgpWords: string[] } }> {
    return this.#locked(request.ceremonyId, async () => {
      const { state, view, statement, person } = this.#attesting(request);
      if (state.log.head.hash !== this.deps.store.head(request.ceremonyId)?.hash)
        throw new KskError('INTERNAL', 'The log moved while the attestation was prepared.');
      this.#changed(request.ceremonyId);
      return {
        statement,
        name: person.name,
        role: this.#attestRole(view, person),
        head: { seq: state.log.head.seq, hash: state.log.head.hash, pgpWords: state.log.head.pgpWords },
      };
    });
  }

  #attestRole(view: StepState, person: CeremonyState['participants'][number]): string {
    const by = view.action.inputs.by;
    return Array.isArray(by) ? (person.roles.find((r) => (by as string[]).includes(r)) ?? (person.roles[0] as string)) : (person.roles[0] as string);
  }

  attest(request: { ceremonyId: string; stepId: string; personId: string; headHashShown: string; signaturePng?: string; reason?: string }): Promise<Change> {
    return this.#locked(request.ceremonyId, async () => {
      const { view, statement, person } = this.#attesting(request);
      const scriptRole = this.#attestRole(view, person);
      const role: Role = (evidenceRoles as readonly string[]).includes(scriptRole) ? (scriptRole as Role) : 'witness';
      const input = { personId: person.personId, name: person.name, role, statement, headHashShown: request.headHashShown };
      this.deps.store.atomically(() => {
        if (request.signaturePng !== undefined) {
          const bytes = signaturePicture(Buffer.from(request.signaturePng, 'base64'));
          this.deps.store.attest(request.ceremonyId, { ...input, signatureImage: { bytes, mediaType: 'image/png' } });
        } else {
          this.deps.store.declineAttestation(request.ceremonyId, { ...input, reason: request.reason ?? 'no reason given' });
        }
      });
      const after = this.state(request.ceremonyId);
      const done = after.attestations.filter((a) => a.stepId === view.id);
      const remaining = attestorsOf(this.#step(after, view.id).step, after.participants).filter((p) => !done.some((a) => a.personId === p.personId));
      if (remaining.length === 0) {
        this.#record(request.ceremonyId, view.id, 'action.performed', {
          stepId: view.id,
          kind: 'attestation',
          performer: { personId: person.personId, name: person.name, role: scriptRole },
          result: { signed: done.filter((a) => a.signed).map((a) => a.personId), declined: done.filter((a) => !a.signed).map((a) => a.personId) },
        });
      }
      return this.#change(request.ceremonyId);
    });
  }

  // ---- Resume and close --------------------------------------------------------------------------

  /**
   * Reconciles every HSM operation whose outcome the log lacks with the HSM that ran it. The HSM
   * must be reachable (and, for a key operation, its session logged in: the COs present their
   * credentials again at the activation step). A generation or restore found complete completes
   * its step's action with the key found: nothing is done twice.
   */
  resume(ceremonyId: string): Promise<{ state: CeremonyState; reconciled: Json[] }> {
    return this.#locked(ceremonyId, async () => {
      this.#open(ceremonyId);
      const { script } = this.scriptOf(ceremonyId);
      const reconciled: Json[] = [];
      const ops = findInterruptedOperations(this.deps.store, ceremonyId);
      for (const op of ops) {
        const step = op.stepId ? findStep(script, op.stepId) : undefined;
        const hsmId = op.hsmId ?? (step && 'hsm' in step.action.inputs ? (step.action.inputs.hsm as string) : undefined);
        if (!hsmId) throw new KskError('INTERNAL', `Interrupted HSM operation ${op.opId} names no HSM.`);
        const live = this.sessions.live(ceremonyId, hsmId);
        if (!live?.loggedIn) {
          throw new KskError(
            'CONFLICT',
            `${hsmId} must be active to find out what became of operation ${op.opId} (${op.operation}): present the Crypto Officers' credentials again at its activation step, then resume.`,
          );
        }
        const finding = await reconcileInterrupted(this.deps.store, live.session, op);
        reconciled.push({
          opId: op.opId,
          operation: op.operation,
          ...(op.stepId ? { stepId: op.stepId } : {}),
          finding: finding.payload.finding,
          detail: finding.payload.detail,
        });
        if (step && finding.payload.finding === 'completed' && finding.payload.key) {
          const result = await completeFromReconciled(
            this.#run(this.state(ceremonyId), step, this.#step(this.state(ceremonyId), step.id).view, { name: 'the app', role: step.roles[0] as string }),
            op,
            finding.payload.key,
          );
          if (result) {
            this.#record(ceremonyId, step.id, 'action.performed', {
              stepId: step.id,
              kind: step.action.kind,
              performer: result.performer,
              result: result.result as PayloadOf<'action.performed'>['result'],
            });
          }
        }
      }
      this.#changed(ceremonyId);
      return { state: this.state(ceremonyId), reconciled };
    });
  }

  close(ceremonyId: string, summary?: string): Promise<{ state: CeremonyState; seal: Json }> {
    return this.#locked(ceremonyId, async () => {
      const state = this.#open(ceremonyId);
      const open = state.acts.flatMap((a) => a.steps).filter((s) => !isDone(s));
      if (open.length > 0)
        throw new KskError(
          'CONFLICT',
          `Ceremony ${ceremonyId} cannot close: ${open.length} step(s) are not done, the first is ${open[0]?.number} (${open[0]?.id}).`,
        );
      const incomplete = state.exceptions.filter((x) => !x.complete);
      if (incomplete.length > 0)
        throw new KskError('CONFLICT', `Ceremony ${ceremonyId} cannot close: exception ${incomplete[0]?.exceptionId} has no decision or no signature.`);
      for (const p of state.participants.filter((x) => x.signedOutAt === null))
        this.deps.store.append(ceremonyId, 'participant.signed-out', { personId: p.personId });
      this.deps.store.append(ceremonyId, 'airgap.state', this.#airGapPayload(this.#network(), 'close'));
      await this.sessions.closeAll(ceremonyId);
      const audit = await this.deps.auditSealer(ceremonyId);
      const closing = [state.outcome, summary].filter((x): x is string => Boolean(x)).join(' ') || undefined;
      const { seal } = await this.deps.store.closeCeremony(ceremonyId, audit.sealer, closing).finally(() => audit.release());
      await this.witness.checkpoint(ceremonyId, 'sealed');
      this.#changed(ceremonyId);
      this.deps.emit({ type: 'state-changed', topic: 'workspace' });
      const head = describeHash(Buffer.from(seal.statement.headHash, 'hex'));
      return {
        state: this.state(ceremonyId),
        seal: {
          headSeq: seal.statement.headSeq,
          head: { sha256: head.hex, pgpWords: head.pgpWords },
          keyKind: seal.statement.key.kind,
          keyLabel: seal.statement.key.label,
        },
      };
    });
  }

  /**
   * The events of one ceremony. What was read is kept; when the head has moved, only the events
   * after it are read, and they must continue the chain from the last one kept (otherwise the
   * whole chain is read again, and the store's own checks speak).
   */
  events(ceremonyId: string): StoredEvent[] {
    const head = this.deps.store.head(ceremonyId);
    if (!head) throw new KskError('NOT_FOUND', `No ceremony "${ceremonyId}" in this workspace.`);
    const kept = this.#read.get(ceremonyId);
    const last = kept?.at(-1);
    if (last && last.seq === head.seq && last.hash === head.hash) return kept as StoredEvent[];
    const more = last && last.seq < head.seq ? this.deps.store.events(ceremonyId, undefined, last.seq) : null;
    const events = more && more[0]?.prevHash === last?.hash ? [...(kept as StoredEvent[]), ...more] : this.deps.store.events(ceremonyId);
    this.#read.set(ceremonyId, events);
    return events;
  }
}

/** Completed, skipped, or not applicable on the branch taken: nothing more to do at this step. */
function isDone(step: Pick<StepState, 'status'>): boolean {
  return step.status === 'completed' || step.status === 'skipped' || step.status === 'not-applicable';
}

/** A deadline as the log records it, at one moment. */
function assessment(d: DeadlineStatus, stepId?: string): PayloadOf<'deadline.assessed'> {
  return {
    ...(stepId ? { stepId } : {}),
    state: d.state,
    at: d.now,
    lastExpiration: d.lastExpiration,
    skrDue: d.skrDue,
    unavoidableAt: d.unavoidableAt,
    alternateWindow: d.alternateWindow,
    leadTime: d.policy.leadTime,
    publicationMargin: d.policy.publicationMargin,
    consequence: d.consequence,
  };
}

/** The share sheets in a step's outcome (hsm-initialize, backup-ksk), if it issued any. */
function issuedSheets(outcome: Json | null | undefined): IssuedSheet[] {
  const shares = outcome?.shares;
  if (!Array.isArray(shares)) return [];
  return shares
    .filter((s): s is Json => typeof s === 'object' && s !== null && !Array.isArray(s) && typeof s.sheet === 'string')
    .map((s) => ({
      credentialId: String(s.credentialId),
      holderId: String(s.holderId),
      holderName: String(s.holderName ?? s.holderId),
      sheet: String(s.sheet),
    }));
}

/** The same printed name, whatever the case and spacing: one person signed in once. */
function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return norm(a) === norm(b);
}
