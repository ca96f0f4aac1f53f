import { mkdirSync, readFileSync } from 'node:fs';
import { capability } from '../../../hsm/capabilities.js';
import path from 'node:path';
import type { CeremonyState, FileRef } from '../../../contract/ceremonyState.js';
import { ksrToXml } from '../../../dnssec/ksrWrite.js';
import { parseKsr } from '../../../dnssec/ksrParse.js';
import type { Ksr, Skr } from '../../../dnssec/model.js';
import { nextQuarter, parseQuarter, quarterName, quarterStart, type Quarter } from '../../../dnssec/quarter.js';
import { generateRehearsalKsr } from '../../../dnssec/rehearsal.js';
import { writeFileAtomic } from '../../../dnssec/files.js';
import { KskError } from '../../../errors.js';
import { resourcePath } from '../../../resources.js';
import { workspaceAt } from '../../../workspace/workspace.js';
import { drProcedureIds, drProcedures, type DrProcedureId } from '../../procedures.js';
import { branchesOf, type BranchId } from '../../branches.js';
import { deadlineStatus } from '../../deadline.js';
import { isDrProcedureId } from '../../procedures.js';
import { procedureKinds, templateIdFor, type ProcedureKind } from '../../script.js';
import { loadTemplate } from '../../templates.js';
import { triage, type TriageAnswers } from '../../triage.js';
import { readCurrentSkr } from '../currentSkr.js';
import { call, type ContractCall } from './api.js';
import type { RehearsalClock } from './clock.js';
import { CeremonyDriver, type DriverOptions } from './driver.js';
import { RehearsalWorld, type RehearsalHsms } from './world.js';

/**
 * A whole rehearsal, headless: the world a procedure needs is built by running the app's own
 * ceremonies first (a KSK generation that commissions the production HSM and backs the key up, a
 * quarterly KSR signing that makes the current SKR), the disaster is simulated (a lost HSM's token
 * is deleted), and the procedure's ceremony is run by the simulated participants through the
 * contract. Everything lands in the workspace: the log, the artifacts, the outputs, the world.
 */

export interface RehearsalContext {
  api: ContractCall;
  workspace: string;
  clock: RehearsalClock;
  hsms: RehearsalHsms;
  policy?: FileRef;
  beforeStep?: DriverOptions['beforeStep'];
  adjust?: DriverOptions['adjust'];
}

export interface RehearseOptions {
  ksr?: string;
  currentSkr?: string;
  /** One of rehearsalBranches(procedure); the first when absent. */
  branch?: string;
  /** Triage finds a high risk of prolonged unavailability too (a signing disaster): DR 4.1.3 is carried as a follow-up. */
  prolonged?: boolean;
}

type Running = Pick<DriverOptions, 'absent' | 'ksrs' | 'coverUntil' | 'scenario'>;

export interface RehearsalRun {
  /** Every ceremony this call ran, in order; the last is the one rehearsed. */
  ceremonies: string[];
  state: CeremonyState;
}

const DAY = 86_400_000;

export function isRehearsableProcedure(value: string): value is ProcedureKind {
  return (procedureKinds as readonly string[]).includes(value);
}

/**
 * The paths a rehearsal can take through a procedure: each branch its script declares, and the ways
 * the seed's conditions inside a branch can turn out (4.1.2 A: every box opened with a couriered
 * key, or none sent and every box drilled; 4.2.1 A, 4.2.2 A: the compromised KSK cannot be
 * destroyed). The first is the default.
 */
export interface RehearsalBranch {
  id: string;
  title: string;
  /** The branch of the script it takes, if the script has branches. */
  branch: BranchId | null;
  scenario?: { keys?: 'some' | 'all' | 'none'; destroy?: boolean };
}

export function rehearsalBranches(procedure: ProcedureKind): RehearsalBranch[] {
  const declared = branchesOf(loadTemplate(templateIdFor(procedure)));
  // The branch a disaster rehearsal takes unless told: the one that carries the whole procedure out.
  const main = declared.filter((b) => !b.ends && b.id !== 'cos-present');
  const ordered = [...main, ...declared.filter((b) => !main.includes(b))];
  const paths: RehearsalBranch[] = ordered.map((b) => ({ id: b.id, title: b.title, branch: b.id }));
  if (paths.length === 0) paths.push({ id: 'default', title: 'The procedure as its script runs', branch: null });
  const carried = paths[0] as RehearsalBranch;
  if (procedure === '4.1.2A') {
    paths.push(
      {
        id: 'keys-couriered',
        title: 'Proceed now; every Crypto Officer needed sent their key by courier: no box is drilled',
        branch: carried.branch,
        scenario: { keys: 'all' },
      },
      { id: 'boxes-drilled', title: 'Proceed now; no key could be sent: every box needed is drilled', branch: carried.branch, scenario: { keys: 'none' } },
    );
  }
  if (procedure === '4.2.1A' || procedure === '4.2.2A') {
    paths.push({
      id: 'ksk-not-destroyed',
      title: '"Destroy the existing KSK if possible": it is not possible, recorded as a witnessed exception',
      branch: carried.branch,
      scenario: { destroy: false },
    });
  }
  return paths;
}

/** Triage answers that lead to a procedure (and the script branch asked for), asking only what its branch asks; without a prolonged unavailability unless asked. */
export function answersFor(procedure: DrProcedureId, branch: BranchId | null = null, prolonged = false): TriageAnswers {
  const disaster = drProcedures[procedure].disaster;
  const values = [false, true];
  for (const cosAvailable of values)
    for (const kmfAvailable of values)
      for (const backupAvailable of values)
        for (const rkshsAvailable of values)
          for (const timeSufficient of values) {
            const answers: TriageAnswers = {
              disaster,
              prolonged: procedure === '4.1.3' || prolonged,
              cosAvailable,
              kmfAvailable,
              backupAvailable,
              rkshsAvailable,
              timeSufficient,
            };
            const result = triage(answers);
            if (
              result.procedure === procedure &&
              (branch === null || result.branch === branch) &&
              (result.plan !== null) === (prolonged && procedure !== '4.1.3')
            ) {
              const asked: TriageAnswers = { disaster };
              for (const q of result.questionsAsked) if (q !== 'disaster') (asked as Record<string, unknown>)[q] = answers[q];
              return asked;
            }
          }
  throw new KskError('INTERNAL', `No triage answers lead to ${procedure}${branch ? ` (${branch})` : ''}.`);
}

function quarterOf(at: Date): Quarter {
  return { year: at.getUTCFullYear(), q: Math.floor(at.getUTCMonth() / 3) + 1 };
}

const startOf = (q: Quarter) => new Date(quarterStart(q) * 1000);

const BACKUP_ACT = '  - include: backup-ksk\n    with: { hsm: HSM1 }\n';

/**
 * The first ceremony of a fresh rehearsal workspace: the shipped KSK generation, with the production
 * HSM commissioned (its Crypto Officers receive their credentials) instead of retrieved, since no
 * earlier ceremony did it. On an HSM that cannot wrap keys (tpm2-pkcs11) the backup act is left
 * out, and the title says so: such an HSM's backup is its vendor's own. An adaptation like any
 * operator's, recorded with its hash.
 */
export function firstCeremonyScript(options: { backup: boolean } = { backup: true }): string {
  const template = readFileSync(resourcePath('scripts', 'ksk-generation.yaml'), 'utf8');
  let adapted = template
    .replace(/^id: ksk-generation$/m, 'id: rehearsal-first-ksk-generation')
    .replace(
      /^title: KSK generation ceremony$/m,
      `title: "Rehearsal world: commission the production HSM and generate the KSK${options.backup ? '' : ' (not backed up: HSM1 cannot wrap keys)'}"`,
    )
    .replace('  - include: kmf-hsm\n    with: { hsm: HSM1 }', '  - include: commission-hsm\n    with: { hsm: HSM1 }');
  if (adapted === template || !adapted.includes('include: commission-hsm') || !adapted.includes(BACKUP_ACT))
    throw new KskError('INTERNAL', 'The KSK generation template changed: the rehearsal world cannot adapt it.');
  if (!options.backup) adapted = adapted.replace(BACKUP_ACT, '');
  return adapted;
}

export class Rehearsal {
  readonly world: RehearsalWorld;
  readonly ran: string[] = [];

  constructor(private readonly ctx: RehearsalContext) {
    this.world = RehearsalWorld.open(ctx.workspace);
  }

  /** Creates a ceremony and runs it to its seal; what it needs is kept in the world so that an interruption can be resumed. */
  private async runCeremony(
    create: Parameters<typeof call<'ceremony.create'>>[2],
    run: Running,
    after: { quarter?: Quarter; stage?: string } = {},
  ): Promise<CeremonyState> {
    const created = await call(this.ctx.api, 'ceremony.create', { ...create, ...(this.ctx.policy ? { policy: this.ctx.policy } : {}) });
    this.ran.push(created.ceremonyId);
    this.world.setRunning({
      ceremonyId: created.ceremonyId,
      ...run,
      ...(after.quarter ? { quarterAfter: quarterName(after.quarter) } : {}),
      ...(after.stage ? { stage: after.stage } : {}),
    });
    await this.world.save();
    return this.finishRunning();
  }

  /** Runs (or, after an interruption, continues) the world's running ceremony to its seal. */
  async finishRunning(): Promise<CeremonyState> {
    const running = this.world.state.running;
    if (!running) throw new KskError('CONFLICT', 'No rehearsal ceremony is running in this workspace.');
    const { ceremonyId, quarterAfter, stage, ...driver } = running;
    if (!this.ran.includes(ceremonyId)) this.ran.push(ceremonyId);
    const state = await new CeremonyDriver(
      {
        ...driver,
        api: this.ctx.api,
        world: this.world,
        clock: this.ctx.clock,
        ...(this.ctx.beforeStep ? { beforeStep: this.ctx.beforeStep } : {}),
        ...(this.ctx.adjust ? { adjust: this.ctx.adjust } : {}),
      },
      ceremonyId,
    ).run();
    // A ceremony that ended before signing (an alternate date) leaves the current SKR, and its quarter, as they were.
    const signing = state.acts.flatMap((a) => a.steps).find((s) => s.action.kind === 'sign-ksr' && s.status === 'completed');
    if (quarterAfter && signing) this.world.setQuarter(quarterAfter);
    if (stage) this.world.stageDone(stage);
    // After a disaster the KSK may live in another HSM: the next quarterly ceremony uses that one.
    const binding = signing ? state.hsms.find((h) => h.id === signing.action.inputs.hsm)?.binding : undefined;
    if (binding) this.world.setProductionToken({ modulePath: binding.modulePath, tokenLabel: binding.tokenLabel });
    this.world.setRunning(null);
    this.world.setTime(this.ctx.clock.now());
    await this.world.save();
    return state;
  }

  private get quarter(): Quarter | null {
    return this.world.state.quarter ? parseQuarter(this.world.state.quarter) : null;
  }

  /** A KSR for a quarter from the stand-in ZSK operator, chained to `previous`; written into the workspace. */
  async makeKsr(quarter: Quarter, previous?: Skr): Promise<{ file: string; ksr: Ksr }> {
    const token = await this.ctx.hsms.zskSession();
    try {
      const ksr = await generateRehearsalKsr({
        quarter: quarterName(quarter),
        token,
        now: this.ctx.clock.now(),
        ...(previous ? { previousSkr: previous } : {}),
      });
      const dir = path.join(this.ctx.workspace, 'rehearsal', 'ksr');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${ksr.id}.xml`);
      await writeFileAtomic(file, ksrToXml(ksr));
      this.world.addKsr(quarterName(quarter), file);
      await this.world.save();
      return { file, ksr };
    } finally {
      await token.close();
    }
  }

  private currentSkr(): Skr | undefined {
    return readCurrentSkr(workspaceAt(this.ctx.workspace))?.skr;
  }

  /** The world every procedure starts from: a commissioned HSM1 with its KSK backed up, and a current SKR. */
  async ensureWorld(): Promise<void> {
    const present = { cos: false, rkshs: false };
    if (!this.world.state.stages.includes('first-ksk-generation')) {
      let target = nextQuarter(quarterOf(this.ctx.clock.now()));
      if (startOf(target).getTime() - 45 * DAY < this.ctx.clock.now().getTime()) target = nextQuarter(target);
      this.ctx.clock.advanceTo(new Date(startOf(target).getTime() - 45 * DAY));
      const backup = capability(await this.ctx.hsms.rehearsalProfile('HSM1'), 'backup-by-wrapping').supported;
      const script = firstCeremonyScript({ backup });
      await this.runCeremony(
        { script: { name: 'rehearsal-first-ksk-generation.yaml', base64: Buffer.from(script).toString('base64') } },
        { absent: present, ksrs: {} },
        { stage: 'first-ksk-generation' },
      );
    }
    if (!this.quarter) {
      let target = nextQuarter(quarterOf(this.ctx.clock.now()));
      if (startOf(target).getTime() - 44 * DAY < this.ctx.clock.now().getTime()) target = nextQuarter(target);
      await this.ksrSigning(target, new Date(startOf(target).getTime() - 44 * DAY));
    }
  }

  private async ksrSigning(quarter: Quarter, at: Date): Promise<CeremonyState> {
    this.ctx.clock.advanceTo(at);
    const { file } = await this.makeKsr(quarter, this.currentSkr());
    return this.runCeremony(
      { template: 'ksr-signing', bindings: this.productionBindings() },
      { absent: { cos: false, rkshs: false }, ksrs: { main: file } },
      { quarter },
    );
  }

  /** The standard templates' production HSM (HSM1), bound to the token that holds the current KSK. */
  private productionBindings(): Record<string, { modulePath: string; tokenLabel: string; activation: 'split-pin' }> {
    const token = this.world.state.productionToken;
    return token ? { HSM1: { ...token, activation: 'split-pin' } } : {};
  }

  /** Rehearses one procedure (building the world first if the workspace is new) and returns its sealed state. */
  async rehearse(procedure: ProcedureKind, options: RehearseOptions = {}): Promise<RehearsalRun> {
    if (this.world.state.running)
      throw new KskError('CONFLICT', `The rehearsal ceremony ${this.world.state.running.ceremonyId} was interrupted: resume it first (rehearse --resume).`);
    const branches = rehearsalBranches(procedure);
    const path = options.branch === undefined ? branches[0] : branches.find((b) => b.id === options.branch);
    if (!path) throw new KskError('BAD_REQUEST', `${procedure} has no branch "${options.branch}": its branches are ${branches.map((b) => b.id).join(', ')}.`);
    if (options.prolonged && !(isDrProcedureId(procedure) && drProcedures[procedure].disaster === 'signing'))
      throw new KskError('BAD_REQUEST', 'A prolonged unavailability is a question of the signing disaster (4.1) only.');
    this.world.setPlan({ procedure, ...options, ...(path.branch || options.branch ? { branch: path.id } : {}) });
    await this.world.save();
    await this.ensureWorld();
    if (options.currentSkr) await call(this.ctx.api, 'workspace.loadCurrentSkr', { file: { path: options.currentSkr } });
    const next = nextQuarter(this.quarter as Quarter);
    const present = { cos: false, rkshs: false };
    const dayLater = () => this.ctx.clock.advanceTo(new Date(this.ctx.clock.now().getTime() + DAY));
    let state: CeremonyState;
    switch (procedure) {
      case 'ksr-signing':
        if (options.ksr) {
          dayLater();
          state = await this.runCeremony(
            { template: 'ksr-signing', bindings: this.productionBindings() },
            { absent: present, ksrs: { main: options.ksr } },
            { quarter: next },
          );
        } else {
          this.ctx.clock.advanceTo(new Date(startOf(next).getTime() - 44 * DAY));
          state = await this.ksrSigning(next, this.ctx.clock.now());
        }
        break;
      case 'ksk-generation':
        dayLater();
        state = await this.runCeremony({ template: procedure, bindings: this.productionBindings() }, { absent: present, ksrs: {} });
        break;
      case 'rrsig-release':
        dayLater();
        state = await this.runCeremony({ template: procedure }, { absent: present, ksrs: {} });
        break;
      case 'extraordinary': {
        this.ctx.clock.advanceTo(new Date(Math.max(this.ctx.clock.now().getTime() + DAY, startOf(next).getTime() - 30 * DAY)));
        const ksr = options.ksr ?? (await this.makeKsr(next, this.currentSkr())).file;
        state = await this.runCeremony({ template: 'extraordinary' }, { absent: present, ksrs: { main: ksr } }, { quarter: next });
        break;
      }
      default:
        state = await this.disaster(procedure as DrProcedureId, next, path, options);
    }
    this.world.setPlan(null);
    await this.world.save();
    return { ceremonies: [...this.ran], state };
  }

  /** Continues an interrupted rehearsal: the ceremony that was running, then the rest of the plan. */
  async resume(): Promise<RehearsalRun> {
    const plan = this.world.state.plan;
    const state = this.world.state.running ? await this.finishRunning() : null;
    if (plan && !(this.ran.length > 0 && this.lastWasPlanned(plan.procedure, state))) {
      return this.rehearse(plan.procedure as ProcedureKind, {
        ...(plan.ksr ? { ksr: plan.ksr } : {}),
        ...(plan.currentSkr ? { currentSkr: plan.currentSkr } : {}),
        ...(plan.branch ? { branch: plan.branch } : {}),
        ...(plan.prolonged ? { prolonged: true } : {}),
      });
    }
    if (!state) throw new KskError('CONFLICT', 'No rehearsal was interrupted in this workspace.');
    this.world.setPlan(null);
    await this.world.save();
    return { ceremonies: [...this.ran], state };
  }

  /** Whether the ceremony just finished was the planned procedure itself (not a ceremony of the world's setup). */
  private lastWasPlanned(procedure: string, state: CeremonyState | null): boolean {
    return state !== null && state.script.procedure === procedure && !state.script.id.startsWith('rehearsal-first');
  }

  /**
   * The disaster strikes a day after a ceremony could last have been convened in time (so the
   * procedure runs now), or, for an alternate date, a week before that moment.
   */
  private async disaster(procedure: DrProcedureId, quarter: Quarter, path: RehearsalBranch, options: RehearseOptions): Promise<CeremonyState> {
    if (!(drProcedureIds as readonly string[]).includes(procedure)) throw new KskError('BAD_REQUEST', `"${procedure}" is not a procedure a rehearsal can run.`);
    const current = readCurrentSkr(workspaceAt(this.ctx.workspace));
    if (!current) throw new KskError('CONFLICT', 'The rehearsal workspace has no current SKR: the deadline is unknown.');
    const unavoidable = Date.parse(deadlineStatus(new Date(current.view.lastExpiration), this.ctx.clock.now()).unavoidableAt);
    this.ctx.clock.advanceTo(new Date(unavoidable + (path.branch === 'alternate-date' ? -7 : 1) * DAY));
    const answers = answersFor(procedure, path.branch, options.prolonged ?? false);
    if (answers.disaster === 'lost') await this.ctx.hsms.destroyRehearsalToken('HSM1');
    const ksrFile = options.ksr;
    const ksr = ksrFile ?? (await this.makeKsr(quarter, this.currentSkr())).file;
    const additional: string[] = [];
    let coverUntil: string | undefined;
    if (procedure === '4.1.3') {
      let previous = parseKsr(readFileSync(ksr));
      let q = quarter;
      for (let n = 0; n < 2; n++) {
        q = nextQuarter(q);
        const made = await this.makeKsr(q, { ...previous, kind: 'SKR', kskPolicy: previous.zskPolicy } as Skr);
        additional.push(made.file);
        previous = made.ksr;
      }
      coverUntil = startOf(nextQuarter(q)).toISOString();
    }
    const state = await this.runCeremony(
      { triage: answers },
      {
        absent: { cos: answers.cosAvailable === false, rkshs: answers.rkshsAvailable === false },
        ksrs: { main: ksr, additional },
        ...(coverUntil ? { coverUntil } : {}),
        ...(path.scenario ? { scenario: path.scenario } : {}),
      },
      { quarter },
    );
    return state;
  }
}
