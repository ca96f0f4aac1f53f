import { existsSync } from 'node:fs';
import { systemClock } from '../../clock.js';
import { checkKsr, checkSignedSkr, failuresOf, type CheckResult } from '../../dnssec/checks.js';
import { readInputFile, writeFileAtomic } from '../../dnssec/files.js';
import { ksrToXml, writeSkrAtomic } from '../../dnssec/ksrWrite.js';
import { parseKsr, parseSkr } from '../../dnssec/ksrParse.js';
import type { Ksr, Skr } from '../../dnssec/model.js';
import { definePolicy, schemaNamed, type SigningPolicy } from '../../dnssec/policy.js';
import { parseSigningPolicy } from '../../dnssec/policyYaml.js';
import { generateRehearsalKsr } from '../../dnssec/rehearsal.js';
import { signKsr } from '../../dnssec/sign.js';
import { isoTime, toUtcSeconds } from '../../dnssec/time.js';
import { lastExpiration } from '../../dnssec/verify.js';
import { KskError } from '../../errors.js';
import { describeHash, matchHash } from '../../hash/match.js';
import { sha256 } from '../../hash/sha256.js';
import type { HsmKey, KeySigner, KskAlgorithm } from '../../hsm/port.js';
import { describeModule, holdModule, openSession, type HsmSession } from '../../../native/index.js';
import { provisionRehearsalToken, rehearsalSessionOptions } from '../../../native/rehearsal.js';
import { output, parseCommandArgs, requireString, UsageError, workspaceOption, type CommandImpl, type Io } from '../command.js';
import { ExitCode } from '../exitCodes.js';

/** Input files are small; anything larger is refused before it is read. */
const MAX_INPUT_BYTES = 10 * 1024 * 1024;

export interface LoadedFile<T> {
  file: string;
  doc: T;
  sha256: string;
  pgpWords: string[];
}

async function loadXml<T>(file: string, what: 'KSR' | 'SKR', parse: (bytes: Buffer) => T): Promise<LoadedFile<T>> {
  const bytes = await readInputFile(file, what, MAX_INPUT_BYTES);
  let doc: T;
  try {
    doc = parse(bytes);
  } catch (e) {
    if (e instanceof KskError) throw new KskError(e.code, `${file}: ${e.message}`);
    throw e;
  }
  const { hex, pgpWords } = describeHash(sha256(bytes));
  return { file, doc, sha256: hex, pgpWords };
}

export const loadKsr = (file: string): Promise<LoadedFile<Ksr>> => loadXml(file, 'KSR', (b) => parseKsr(b));
export const loadSkr = (file: string): Promise<LoadedFile<Skr>> => loadXml(file, 'SKR', (b) => parseSkr(b));

/** The operator's ksrsigner.yaml, or IANA's defaults when none is given. */
export async function loadPolicy(file: string | undefined): Promise<SigningPolicy> {
  if (!file) return definePolicy({ keys: [] });
  return parseSigningPolicy((await readInputFile(file, 'signing policy', 1024 * 1024)).toString('utf8'), file);
}

function nowOption(value: string | undefined): number {
  return value ? toUtcSeconds(value, '--now') : toUtcSeconds(systemClock.now());
}

/** Reads one line from the terminal; with `hidden`, nothing typed is echoed (a PIN). */
export async function promptLine(io: Io, question: string, hidden = false): Promise<string | null> {
  io.stderr.write(question);
  const stdin = io.stdin as NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };
  const raw = hidden && stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (raw) stdin.setRawMode?.(true);
  return new Promise((resolve) => {
    let line = '';
    const finish = (value: string | null) => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.pause();
      if (raw) {
        stdin.setRawMode?.(false);
        io.stderr.write('\n');
      }
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const c of chunk.toString()) {
        if (c === '\n' || c === '\r') return finish(line);
        if (c === '\u0003' || c === '\u0004') return finish(null);
        if (c === '\u007f') line = line.slice(0, -1);
        else line += c;
      }
    };
    const onEnd = () => finish(line.length > 0 ? line : null);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/** The HSMs of a policy as one KeySigner: every initialised token of every module, searched by label. */
export interface PolicyHsm extends KeySigner {
  sessions: HsmSession[];
  close(): Promise<void>;
}

export async function openPolicyHsm(policy: SigningPolicy, io: Io): Promise<PolicyHsm> {
  if (policy.hsm.length === 0) throw new UsageError('The signing policy names no HSM (its hsm section is empty).');
  const sessions: HsmSession[] = [];
  const close = async () => {
    for (const s of sessions) await s.close();
  };
  try {
    for (const module of policy.hsm) {
      // One module host for the description and the sessions: a second would load and initialise the module again.
      const release = await holdModule({ modulePath: module.module, env: module.env });
      try {
        const description = await describeModule({ modulePath: module.module, env: module.env });
        const tokens = description.slots.flatMap((s) =>
          s.token?.initialized && (module.tokenLabel ?? s.token.label) === s.token.label ? [s.token.label] : [],
        );
        if (tokens.length === 0) {
          throw new KskError(
            'HSM_ERROR',
            `The HSM "${module.name}" (${module.module}) has no initialised token${module.tokenLabel ? ` labelled "${module.tokenLabel}"` : ''}.`,
          );
        }
        let pin = module.pin;
        if (pin === undefined) {
          const typed = await promptLine(io, `PIN for the HSM "${module.name}": `, true);
          if (typed === null) throw new KskError('CANCELLED', 'No PIN was entered.');
          pin = typed;
        }
        for (const tokenLabel of tokens) sessions.push(await openSession({ modulePath: module.module, env: module.env, tokenLabel, pin }));
      } finally {
        await release();
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
  const holder = async (label: string): Promise<{ session: HsmSession; key: HsmKey } | null> => {
    for (const session of sessions) {
      const key = await session.findKey(label);
      if (key) return { session, key };
    }
    return null;
  };
  return {
    sessions,
    close,
    findKey: async (label) => (await holder(label))?.key ?? null,
    async sign(label, data) {
      const found = await holder(label);
      if (!found) throw new KskError('HSM_ERROR', `No HSM of the policy holds a key labelled ${label}.`);
      return found.session.sign(label, data);
    },
  };
}

const mark = { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP' } as const;

export function describeResults(results: readonly CheckResult[]): string {
  return results.map((r) => `${mark[r.status]}  ${r.message}`).join('\n');
}

function fileLines(label: string, f: { file: string; sha256: string; pgpWords: string[] }): string[] {
  return [`${label}: ${f.file}`, `  SHA-256: ${f.sha256}`, `  words:   ${f.pgpWords.join(' ')}`];
}

export const ksrCheckCommand: CommandImpl = {
  usage: 'ksk-ceremony ksr check KSR [--previous-skr SKR] [--policy ksrsigner.yaml] [--schema NAME] [--now ISO] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { 'previous-skr': { type: 'string' }, policy: { type: 'string' }, schema: { type: 'string' }, now: { type: 'string' } },
      this,
    );
    if (positionals.length !== 1) throw new UsageError(`ksr check takes exactly one KSR.\nusage: ${this.usage}`);
    const policy = await loadPolicy(values.policy);
    const ksr = await loadKsr(positionals[0] as string);
    const previous = values['previous-skr'] ? await loadSkr(values['previous-skr']) : undefined;
    const now = nowOption(values.now);
    const results = await checkKsr(ksr.doc, {
      policy,
      now,
      ...(previous ? { previousSkr: previous.doc } : {}),
      ...(values.schema ? { schema: schemaNamed(policy, values.schema) } : {}),
    });
    const failed = failuresOf(results);
    output(
      io,
      values.json,
      { ksr: { file: ksr.file, id: ksr.doc.id, sha256: ksr.sha256, pgpWords: ksr.pgpWords }, now: isoTime(now), ok: failed.length === 0, results },
      () =>
        [
          ...fileLines('KSR', ksr),
          `now: ${isoTime(now)}`,
          describeResults(results),
          failed.length === 0 ? 'every enabled check passed' : `${failed.length} failure(s) in: ${[...new Set(failed.map((r) => r.check))].join(', ')}`,
        ].join('\n'),
    );
    return failed.length === 0 ? ExitCode.OK : ExitCode.CHECK_FAILED;
  },
};

export const ksrSignCommand: CommandImpl = {
  usage: 'ksk-ceremony ksr sign KSR --policy ksrsigner.yaml --out SKR [--schema NAME] [--previous-skr SKR] [--ksr-hash HEX|WORDS] [--now ISO] [--yes] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        policy: { type: 'string' },
        out: { type: 'string' },
        schema: { type: 'string', default: 'normal' },
        'previous-skr': { type: 'string' },
        now: { type: 'string' },
        'ksr-hash': { type: 'string' },
        yes: { type: 'boolean', default: false },
      },
      this,
    );
    if (positionals.length !== 1) throw new UsageError(`ksr sign takes exactly one KSR.\nusage: ${this.usage}`);
    const out = requireString(values.out, 'out', this);
    if (existsSync(out)) throw new KskError('CONFLICT', `${out} already exists; an SKR is never overwritten. Choose another --out.`);
    const policy = await loadPolicy(requireString(values.policy, 'policy', this));
    const schema = schemaNamed(policy, values.schema);
    // Loading and initialising the policy's PKCS#11 modules takes about as long as reading and
    // checking the KSR: start them now on their own threads (no session, no PIN yet). A module that
    // fails to load is reported when the HSM is opened below.
    const warming = policy.hsm.map((m) => holdModule({ modulePath: m.module, env: m.env }).catch(() => null));
    try {
      const ksr = await loadKsr(positionals[0] as string);
      const previous = values['previous-skr'] ? await loadSkr(values['previous-skr']) : undefined;
      const now = nowOption(values.now);
      const log = (line: string) => io.stderr.write(`${line}\n`);
      log(fileLines('KSR', ksr).join('\n'));
      if (values['ksr-hash'] !== undefined) {
        const match = matchHash(Buffer.from(ksr.sha256, 'hex'), values['ksr-hash']);
        if (!match.matches) {
          throw new KskError(
            'POLICY_FAILURE',
            `The KSR's SHA-256 does not match the hash given out of band (${match.form}; first difference at byte ${match.firstDifference}). Nothing was signed.`,
          );
        }
        log(`the KSR's SHA-256 matches the hash given out of band (${match.form})`);
      }

      const hsm = await openPolicyHsm(policy, io);
      try {
        const results = await checkKsr(ksr.doc, { policy, now, hsm, schema, ...(previous ? { previousSkr: previous.doc } : {}) });
        log(describeResults(results));
        if (failuresOf(results).length > 0) {
          output(io, values.json, { ok: false, signed: false, results }, () => 'The KSR was not signed: a check failed.');
          return ExitCode.CHECK_FAILED;
        }
        if (!values.yes) {
          const answer = await promptLine(io, `Sign KSR ${ksr.doc.id} with schema "${schema.name}"? Type Yes to sign: `);
          if (answer === null || !/^yes$/i.test(answer.trim())) throw new KskError('CANCELLED', 'Signing was not confirmed; nothing was signed.');
        }
        const skr = await signKsr(ksr.doc, { policy, schema, signer: hsm });
        const after = await checkSignedSkr(skr, { policy, ...(previous ? { previousSkr: previous.doc } : {}) });
        log(describeResults(after));
        const all = [...results, ...after];
        if (failuresOf(after).length > 0) {
          output(
            io,
            values.json,
            { ok: false, signed: true, written: false, results: all },
            () => 'The SKR was not written: a check of the signed SKR failed.',
          );
          return ExitCode.CHECK_FAILED;
        }
        const written = await writeSkrAtomic(out, skr);
        const { hex, pgpWords } = describeHash(Buffer.from(written.sha256, 'hex'));
        output(
          io,
          values.json,
          {
            ok: true,
            ksr: { file: ksr.file, sha256: ksr.sha256, pgpWords: ksr.pgpWords },
            skr: { file: out, sha256: hex, pgpWords, lastExpiration: lastExpiration(skr) },
            results: all,
          },
          () => [...fileLines('SKR written', { file: out, sha256: hex, pgpWords }), `last signature expires: ${lastExpiration(skr)}`].join('\n'),
        );
        return ExitCode.OK;
      } finally {
        await hsm.close();
      }
    } finally {
      for (const release of await Promise.all(warming)) await release?.();
    }
  },
};

export const ksrGenerateCommand: CommandImpl = {
  usage:
    'ksk-ceremony ksr generate --workspace DIR --quarter 2027Q2 [--previous-skr SKR] [--algorithm RSASHA256|ECDSAP256SHA256|ECDSAP384SHA384|ED25519] [--now ISO] --out KSR [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { quarter: { type: 'string' }, 'previous-skr': { type: 'string' }, out: { type: 'string' }, algorithm: { type: 'string' }, now: { type: 'string' } },
      this,
    );
    if (positionals.length > 0) throw new UsageError(`ksr generate takes no positional argument.\nusage: ${this.usage}`);
    const quarter = requireString(values.quarter, 'quarter', this);
    const out = requireString(values.out, 'out', this);
    if (existsSync(out)) throw new KskError('CONFLICT', `${out} already exists; choose another --out.`);
    const algorithm = (values.algorithm ?? 'RSASHA256').toUpperCase();
    if (!['RSASHA256', 'ECDSAP256SHA256', 'ECDSAP384SHA384', 'ED25519'].includes(algorithm))
      throw new UsageError(`--algorithm "${values.algorithm}" is not one of RSASHA256, ECDSAP256SHA256, ECDSAP384SHA384, ED25519.`);
    const previous = values['previous-skr'] ? await loadSkr(values['previous-skr']) : undefined;
    const token = await openSession(rehearsalSessionOptions(await provisionRehearsalToken(workspaceOption(values.workspace, io))));
    try {
      const ksr = await generateRehearsalKsr({
        quarter,
        token,
        now: nowOption(values.now),
        algorithm: algorithm as KskAlgorithm,
        ...(previous ? { previousSkr: previous.doc } : {}),
      });
      const xml = ksrToXml(ksr);
      await writeFileAtomic(out, xml);
      const { hex, pgpWords } = describeHash(sha256(xml));
      output(io, values.json, { file: out, id: ksr.id, bundles: ksr.bundles.length, sha256: hex, pgpWords }, () =>
        [...fileLines('rehearsal KSR written', { file: out, sha256: hex, pgpWords }), `id: ${ksr.id}`].join('\n'),
      );
      return ExitCode.OK;
    } finally {
      await token.close();
    }
  },
};
