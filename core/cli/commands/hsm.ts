import { existsSync } from 'node:fs';
import { messageOf } from '../../errors.js';
import { capabilitiesOf, type Capability } from '../../hsm/capabilities.js';
import type { ModuleDescription, SlotDescription } from '../../hsm/port.js';
import { configuredModulePaths, presentModulePaths } from '../../system/hsmModules.js';
import { workspaceAt } from '../../workspace/workspace.js';
import { describeModule } from '../../../native/index.js';
import { output, parseCommandArgs, UsageError, workspaceOption, type CommandImpl, type Io } from '../command.js';
import { ExitCode } from '../exitCodes.js';

/**
 * The environment a module is loaded with. SoftHSM2 reads SOFTHSM2_CONF: the caller's own wins,
 * else the workspace's rehearsal configuration when there is one. Vendor modules read their own.
 */
export function moduleEnv(modulePath: string, workspaceDir: string, io: Io): Record<string, string> {
  if (!modulePath.includes('softhsm') || io.env.SOFTHSM2_CONF) return io.env.SOFTHSM2_CONF ? { SOFTHSM2_CONF: io.env.SOFTHSM2_CONF } : {};
  const conf = workspaceAt(workspaceDir).softhsmConf;
  return existsSync(conf) ? { SOFTHSM2_CONF: conf } : {};
}

/** One line of input: from a terminal without echo when secret, else the next line of stdin. */
export function readLine(io: Io, prompt: string, secret = false): Promise<string> {
  io.stderr.write(prompt);
  const stdin = io.stdin as Io['stdin'] & { setRawMode?: (raw: boolean) => void };
  const raw = secret && stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (value: string | null) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      if (raw) stdin.setRawMode?.(false);
      stdin.pause();
      if (secret) io.stderr.write('\n');
      if (value === null) reject(new UsageError('No input was given.'));
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const c of chunk.toString()) {
        if (c === '\u0003') return finish(null);
        if (c === '\n' || c === '\r') return finish(text);
        text += c;
      }
    };
    const onEnd = () => finish(text.length > 0 ? text : null);
    if (raw) stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/** The user PIN: from the variable named by --pin-env, or asked for without echo. */
export async function readPin(io: Io, pinEnv: string | undefined, tokenLabel: string): Promise<string> {
  if (pinEnv !== undefined) {
    const pin = io.env[pinEnv];
    if (pin === undefined) throw new UsageError(`--pin-env ${pinEnv}: the variable ${pinEnv} is not set.`);
    if (pin.length === 0) throw new UsageError(`--pin-env ${pinEnv}: the variable ${pinEnv} is set but empty.`);
    return pin;
  }
  return readLine(io, `PIN of token "${tokenLabel}": `, true);
}

function memory(n: number | null): string {
  return n === null ? 'not reported' : `${n} bytes`;
}

/** What the token can and cannot do, each by the name a refusal uses, with how or why not. */
function capabilityLines(capabilities: Capability[]): string[] {
  const can = capabilities.filter((c) => c.supported);
  const cannot = capabilities.filter((c) => !c.supported);
  return [
    `    can: ${can.map((c) => c.id).join(', ') || 'nothing the app uses'}`,
    ...(cannot.length === 0 ? ['    cannot: - (everything the app uses is offered)'] : ['    cannot:', ...cannot.map((c) => `      ${c.id}: ${c.detail}`)]),
  ];
}

function slotLine(slot: SlotDescription): string {
  const head = `  slot ${slot.id} (${slot.description})`;
  const t = slot.token;
  if (!t) return `${head}: no token`;
  if (!t.initialized) return `${head}: token not initialised`;
  return [
    `${head}: token "${t.label}"`,
    `    serial ${t.serial}, model ${t.model}, manufacturer ${t.manufacturer}, firmware ${t.firmwareVersion}, hardware ${t.hardwareVersion}`,
    `    free memory: public ${memory(t.freePublicMemory)}, private ${memory(t.freePrivateMemory)}`,
    `    user PIN ${t.userPinLocked ? 'LOCKED' : t.userPinInitialized ? 'set' : 'not set'}${t.userPinCountLow ? ' (a wrong PIN was entered since the last login)' : ''}${t.protectedAuthenticationPath ? ', protected authentication path (PED / operator cards)' : ''}`,
    ...(slot.profile ? capabilityLines(capabilitiesOf(slot.profile)) : []),
  ].join('\n');
}

function moduleLines(m: ModuleDescription): string {
  const slots = m.slots.length > 0 ? m.slots.map(slotLine) : ['  no slots (no reader or HSM is connected)'];
  return [`module ${m.path}: ${m.manufacturer} ${m.description}, library ${m.libraryVersion}, Cryptoki ${m.cryptokiVersion}`, ...slots].join('\n');
}

export const hsmListCommand: CommandImpl = {
  usage: 'ksk-ceremony hsm list [--module PATH] [--workspace DIR] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { module: { type: 'string' } }, this);
    const workspace = workspaceOption(values.workspace, io);
    const explicit = typeof values.module === 'string';
    const paths = explicit ? [values.module as string] : presentModulePaths(configuredModulePaths(io.env));
    const results: ({ path: string; module: ModuleDescription } | { path: string; error: string })[] = [];
    for (const modulePath of paths) {
      try {
        results.push({ path: modulePath, module: await describeModule({ modulePath, env: moduleEnv(modulePath, workspace, io), profiles: true }) });
      } catch (e) {
        // One named module that fails is an error; while scanning, a broken one is reported and skipped.
        if (explicit) throw e;
        results.push({ path: modulePath, error: messageOf(e) });
      }
    }
    // JSON carries the derived capabilities beside each token's profile, as the screen shows them.
    const json = results.map((r) =>
      'module' in r
        ? { ...r, module: { ...r.module, slots: r.module.slots.map((s) => ({ ...s, capabilities: s.profile ? capabilitiesOf(s.profile) : null })) } }
        : r,
    );
    output(io, values.json, { modules: json }, () =>
      results.length === 0
        ? 'No PKCS#11 module found; name one with --module PATH (or list them in KSK_PKCS11_MODULES).'
        : results.map((r) => ('module' in r ? moduleLines(r.module) : `module ${r.path}: cannot be used: ${r.error}`)).join('\n\n'),
    );
    return ExitCode.OK;
  },
};
