import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { HsmProfile } from '../../../hsm/capabilities.js';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../../dnssec/files.js';
import type { ZskToken } from '../../../dnssec/rehearsal.js';
import { KskError, messageOf } from '../../../errors.js';

/**
 * What exists outside the app in a rehearsal: the bags on the shelf and the serials printed on
 * them, the share sheets the simulated holders keep, the backup media, the KSRs the stand-in RZM
 * brings. It lives in the workspace (rehearsal/world.json), says REHEARSAL ONLY, and is what the
 * simulated participants read from, as real people read a serial off a bag; the app's own record
 * is the evidence log, which the participants never write to except through the contract.
 */

const worldSchema = z.object({
  warning: z.string(),
  serials: z.number().int(),
  /** Custody name of a bag → the serial of the bag on the shelf now. */
  bags: z.record(z.string(), z.string()),
  /** Credential id → its holder and share sheet (REHEARSAL: in a real ceremony only the holder has it). */
  credentials: z.record(z.string(), z.object({ holderId: z.string(), set: z.string(), sheet: z.string() })),
  /** Token label → the credential set that activates it now. */
  activation: z.record(z.string(), z.string()),
  /** Backups made, newest last, with where their first copy is (relative to the workspace). */
  backups: z.array(z.object({ backupId: z.string(), keyLabel: z.string(), file: z.string(), set: z.string() })),
  /** KSRs the stand-in RZM has brought or will bring, by quarter (relative paths). */
  ksrs: z.record(z.string(), z.string()),
  /** The quarter of the current SKR (the last one signed for publication). */
  quarter: z.string().nullable(),
  /** The rehearsal clock when the world was last saved: a resumed rehearsal never goes back in time. */
  time: z.string().nullable(),
  /** Which ceremonies of the world's setup are done. */
  stages: z.array(z.string()),
  /** The ceremony being run, with what its participants bring, so an interrupted run can be resumed. */
  running: z
    .object({
      ceremonyId: z.string(),
      absent: z.object({ cos: z.boolean(), rkshs: z.boolean() }),
      ksrs: z.object({ main: z.string().optional(), additional: z.array(z.string()).optional() }),
      coverUntil: z.string().optional(),
      scenario: z.object({ keys: z.enum(['some', 'all', 'none']).optional(), destroy: z.boolean().optional() }).optional(),
      quarterAfter: z.string().optional(),
      stage: z.string().optional(),
    })
    .nullable(),
  /** The token that holds the KSK signing the current SKR: the production HSM of the next standard ceremony. */
  productionToken: z.object({ modulePath: z.string(), tokenLabel: z.string() }).nullable().default(null),
  /** What the last `rehearse` was asked to do. */
  plan: z
    .object({
      procedure: z.string(),
      ksr: z.string().optional(),
      currentSkr: z.string().optional(),
      branch: z.string().optional(),
      prolonged: z.boolean().optional(),
    })
    .nullable(),
});
export type WorldFile = z.infer<typeof worldSchema>;

/** What a rehearsal needs of the HSM layer beyond the engine's provider: the ZSK operator's token, what an HSM can do, and losing an HSM. */
export interface RehearsalHsms {
  zskSession(): Promise<ZskToken & { close(): Promise<void> }>;
  /** The capability profile of the rehearsal token standing for an HSM (made on first use). */
  rehearsalProfile(hsmId: string): Promise<HsmProfile>;
  destroyRehearsalToken(hsmId: string): Promise<void>;
}

export class RehearsalWorld {
  private constructor(
    readonly root: string,
    private data: WorldFile,
  ) {}

  static file(workspaceRoot: string): string {
    return path.join(workspaceRoot, 'rehearsal', 'world.json');
  }

  static exists(workspaceRoot: string): boolean {
    return existsSync(RehearsalWorld.file(workspaceRoot));
  }

  static open(workspaceRoot: string): RehearsalWorld {
    const file = RehearsalWorld.file(workspaceRoot);
    if (!existsSync(file)) {
      return new RehearsalWorld(workspaceRoot, {
        warning: 'REHEARSAL ONLY: the simulated world of a rehearsal workspace (bags, share sheets, backup media, KSRs). Never production material.',
        serials: 0,
        bags: {},
        credentials: {},
        activation: {},
        backups: [],
        ksrs: {},
        quarter: null,
        time: null,
        stages: [],
        running: null,
        productionToken: null,
        plan: null,
      });
    }
    try {
      return new RehearsalWorld(workspaceRoot, worldSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
    } catch (e) {
      throw new KskError('STORAGE_ERROR', `${file} is damaged (${messageOf(e)}).`);
    }
  }

  get state(): Readonly<WorldFile> {
    return this.data;
  }

  async save(): Promise<void> {
    const file = RehearsalWorld.file(this.root);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, `${JSON.stringify(this.data, null, 2)}\n`);
  }

  /** A fresh bag serial, as printed on a new tamper-evident bag. */
  newSerial(): string {
    this.data.serials += 1;
    return `RH-${String(this.data.serials).padStart(6, '0')}`;
  }

  /** The serial on the bag of a custody name: the one sealed last, or a bag the log has never seen. */
  bag(purpose: string): string {
    return (this.data.bags[purpose] ??= this.newSerial());
  }

  sealBag(purpose: string, serial: string): void {
    this.data.bags[purpose] = serial;
  }

  bagsUnder(custody: string): string[] {
    return Object.keys(this.data.bags).filter((p) => p.startsWith(`${custody}:`));
  }

  keepCredential(credentialId: string, holderId: string, set: string, sheet: string): void {
    this.data.credentials[credentialId] = { holderId, set, sheet };
  }

  credentialsOf(set: string): { credentialId: string; holderId: string; sheet: string }[] {
    return Object.entries(this.data.credentials)
      .filter(([, c]) => c.set === set)
      .map(([credentialId, c]) => ({ credentialId, holderId: c.holderId, sheet: c.sheet }));
  }

  setActivation(tokenLabel: string, set: string): void {
    this.data.activation[tokenLabel] = set;
  }

  activationOf(tokenLabel: string): string | undefined {
    return this.data.activation[tokenLabel];
  }

  addBackup(backup: WorldFile['backups'][number]): void {
    this.data.backups.push(backup);
  }

  latestBackup(keyLabel?: string): WorldFile['backups'][number] | undefined {
    return this.data.backups.filter((b) => !keyLabel || b.keyLabel === keyLabel).at(-1);
  }

  addKsr(quarter: string, file: string): void {
    this.data.ksrs[quarter] = path.relative(this.root, file);
  }

  ksrFile(quarter: string): string | undefined {
    const relative = this.data.ksrs[quarter];
    return relative ? path.join(this.root, relative) : undefined;
  }

  setQuarter(quarter: string): void {
    this.data.quarter = quarter;
  }

  setTime(at: Date): void {
    this.data.time = at.toISOString();
  }

  setRunning(running: WorldFile['running']): void {
    this.data.running = running;
  }

  setProductionToken(token: WorldFile['productionToken']): void {
    this.data.productionToken = token;
  }

  setPlan(plan: WorldFile['plan']): void {
    this.data.plan = plan;
  }

  stageDone(stage: string): void {
    if (!this.data.stages.includes(stage)) this.data.stages.push(stage);
  }

  absolute(relative: string): string {
    return path.join(this.root, relative);
  }
}
