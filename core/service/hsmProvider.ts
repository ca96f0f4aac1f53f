import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { writeFileAtomic } from '../dnssec/files.js';
import { KskError, messageOf } from '../errors.js';
import type { HsmProfile } from '../hsm/capabilities.js';
import type { HsmBindingSpec, HsmProvider, HsmSessionPort, RehearsalHsmToken } from '../hsm/port.js';
import type { Workspace } from '../workspace/workspace.js';
import { describeModule, initializeToken, openSession } from '../../native/index.js';
import { provisionRehearsalToken, rehearsalSessionOptions } from '../../native/rehearsal.js';

/**
 * The engine's HSMs through native/. In a rehearsal workspace every HSM a script declares gets its
 * own token, labelled "REHEARSAL <id>": by default a SoftHSM2 token inside the workspace's one
 * SoftHSM2 configuration (beside the REHEARSAL token of the stand-in ZSK operator), so "another
 * HSM" is really another token; or, when the workspace is given another rehearsal module (such as
 * tpm2-pkcs11), a token made with C_InitToken in that module, which reads its configuration from
 * the process environment. Their PINs are kept in clear in rehearsal-hsms.json, which says so.
 */

const tokensFileSchema = z.object({
  warning: z.string(),
  tokens: z.record(z.string(), z.object({ tokenLabel: z.string(), soPin: z.string(), serial: z.string(), modulePath: z.string().optional() })),
});

/** SoftHSM2 reads the workspace's configuration; other modules read their own from the environment. */
function isSoftHsm(modulePath: string): boolean {
  return modulePath.includes('softhsm');
}
type TokensFile = z.infer<typeof tokensFileSchema>;

export const REHEARSAL_HSM_PREFIX = 'REHEARSAL ';

export function rehearsalHsmLabel(hsmId: string): string {
  return `${REHEARSAL_HSM_PREFIX}${hsmId}`;
}

export class NativeHsmProvider implements HsmProvider {
  constructor(
    private readonly workspace: Workspace,
    private readonly mode: 'rehearsal' | 'production',
    private readonly clock: Clock,
    /** The module new rehearsal HSM tokens are made in (default: SoftHSM2, the stand-in ZSK operator's). */
    private readonly rehearsalModule: string | null = null,
  ) {}

  private get file(): string {
    return path.join(this.workspace.root, 'rehearsal-hsms.json');
  }

  private readTokens(): TokensFile {
    if (!existsSync(this.file))
      return { warning: 'REHEARSAL ONLY: SoftHSM2 tokens standing for the HSMs of rehearsal ceremonies; their SO PINs are stored here in clear.', tokens: {} };
    try {
      return tokensFileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch (e) {
      throw new KskError('STORAGE_ERROR', `${this.file} is damaged (${messageOf(e)}).`);
    }
  }

  private env(binding: HsmBindingSpec): Record<string, string> | undefined {
    return binding.rehearsal && isSoftHsm(binding.modulePath) ? { SOFTHSM2_CONF: this.workspace.softhsmConf } : undefined;
  }

  async open(binding: HsmBindingSpec, options: { clock?: Clock } = {}): Promise<HsmSessionPort> {
    const env = this.env(binding);
    return openSession({ modulePath: binding.modulePath, tokenLabel: binding.tokenLabel, clock: options.clock ?? this.clock, ...(env ? { env } : {}) });
  }

  async rehearsalToken(hsmId: string): Promise<RehearsalHsmToken | null> {
    if (this.mode !== 'rehearsal') return null;
    const zsk = await provisionRehearsalToken(this.workspace.root);
    const tokens = this.readTokens();
    const known = tokens.tokens[hsmId];
    const modulePath = known?.modulePath ?? this.rehearsalModule ?? zsk.modulePath;
    const binding: HsmBindingSpec = { modulePath, tokenLabel: rehearsalHsmLabel(hsmId), activation: 'split-pin', rehearsal: true };
    const present = await this.tokenPresent(binding);
    if (known && present) return { binding, soPin: known.soPin };
    if (present)
      throw new KskError(
        'STORAGE_ERROR',
        `The rehearsal token "${binding.tokenLabel}" exists but ${this.file} has no PIN for it; remove it with softhsm2-util to start again.`,
      );
    const soPin = randomBytes(12).toString('hex');
    const env = this.env(binding);
    const token = await initializeToken({ modulePath, ...(env ? { env } : {}), label: binding.tokenLabel, soPin, userPin: randomBytes(12).toString('hex') });
    tokens.tokens[hsmId] = { tokenLabel: binding.tokenLabel, soPin, serial: token.serial, ...(isSoftHsm(modulePath) ? {} : { modulePath }) };
    await writeFileAtomic(this.file, `${JSON.stringify(tokens, null, 2)}\n`);
    return { binding, soPin };
  }

  async rehearsalProfile(hsmId: string): Promise<HsmProfile> {
    const token = await this.rehearsalToken(hsmId);
    if (!token) throw new KskError('CONFLICT', 'A production workspace has no rehearsal tokens.');
    const session = await this.open(token.binding);
    try {
      return await session.profile();
    } finally {
      await session.close();
    }
  }

  async rehearsalSoPin(binding: HsmBindingSpec): Promise<string | null> {
    if (!binding.rehearsal) return null;
    return Object.values(this.readTokens().tokens).find((t) => t.tokenLabel === binding.tokenLabel)?.soPin ?? null;
  }

  private async tokenPresent(binding: HsmBindingSpec): Promise<boolean> {
    const env = this.env(binding);
    const module = await describeModule({ modulePath: binding.modulePath, ...(env ? { env } : {}) });
    return module.slots.some((s) => s.token?.initialized && s.token.label === binding.tokenLabel);
  }

  /** The stand-in ZSK operator's token (REHEARSAL), logged in: rehearsal KSRs are made there. */
  async zskSession(): Promise<HsmSessionPort> {
    if (this.mode !== 'rehearsal') throw new KskError('CONFLICT', 'A production workspace has no stand-in ZSK operator.');
    return openSession({ ...rehearsalSessionOptions(await provisionRehearsalToken(this.workspace.root)), clock: this.clock });
  }

  /** Removes a rehearsal HSM's token, as a lost HSM (DR 4.3): its keys are gone with it. */
  async destroyRehearsalToken(hsmId: string): Promise<void> {
    const tokens = this.readTokens();
    const known = tokens.tokens[hsmId];
    if (!known) throw new KskError('NOT_FOUND', `The workspace has no rehearsal token for ${hsmId}.`);
    if (known.modulePath && !isSoftHsm(known.modulePath))
      throw new KskError(
        'CONFLICT',
        `The rehearsal token "${known.tokenLabel}" of ${hsmId} is in ${known.modulePath}, not SoftHSM2: the app cannot remove it to stand for a lost HSM; rehearse that disaster on SoftHSM2.`,
      );
    try {
      await promisify(execFile)('softhsm2-util', ['--delete-token', '--token', known.tokenLabel], {
        env: { ...process.env, SOFTHSM2_CONF: this.workspace.softhsmConf },
      });
    } catch (e) {
      throw new KskError('HSM_ERROR', `softhsm2-util could not delete the rehearsal token "${known.tokenLabel}": ${messageOf(e)}`);
    }
    delete tokens.tokens[hsmId];
    await writeFileAtomic(this.file, `${JSON.stringify(tokens, null, 2)}\n`);
  }
}
