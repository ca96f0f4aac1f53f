import { algorithmNumber } from '../../dnssec/algorithms.js';
import { HsmError } from '../../hsm/errors.js';
import type { GeneratedKsk, KeyInventoryEntry, KskAlgorithm } from '../../hsm/port.js';
import { openSession, type HsmSession } from '../../../native/index.js';
import { output, parseCommandArgs, requireString, UsageError, workspaceOption, type Command, type CommandImpl, type Io } from '../command.js';
import { ExitCode } from '../exitCodes.js';
import { moduleEnv, readLine, readPin } from './hsm.js';

const tokenOptions = {
  module: { type: 'string' },
  token: { type: 'string' },
  'pin-env': { type: 'string' },
} as const;

/** Opens a logged-in session from --module, --token and the PIN; the caller closes it. */
async function sessionFrom(
  values: { module?: unknown; token?: unknown; 'pin-env'?: unknown; workspace?: unknown },
  io: Io,
  command: Pick<Command, 'usage'>,
): Promise<HsmSession> {
  const modulePath = requireString(values.module, 'module', command);
  const tokenLabel = requireString(values.token, 'token', command);
  const workspace = workspaceOption(values.workspace as string | undefined, io);
  const pin = await readPin(io, values['pin-env'] as string | undefined, tokenLabel);
  return openSession({ modulePath, tokenLabel, pin, env: moduleEnv(modulePath, workspace, io) });
}

async function withSession<T>(session: HsmSession, fn: (s: HsmSession) => Promise<T>): Promise<T> {
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

const jsonKey = (k: KeyInventoryEntry) => ({ ...k, publicKey: k.publicKey?.toString('base64') ?? null });

export const keyListCommand: CommandImpl = {
  usage: 'ksk-ceremony key list --module PATH --token LABEL [--pin-env VAR] [--workspace DIR] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, tokenOptions, this);
    const keys = await withSession(await sessionFrom(values, io, this), (s) => s.listKeys());
    output(io, values.json, { keys: keys.map(jsonKey) }, () =>
      keys.length === 0
        ? `No keys on token "${values.token}".`
        : keys
            .map((k) => {
              const halves = k.hasPrivateKey && k.hasPublicKey ? 'pair' : k.hasPrivateKey ? 'private half only' : 'public half only';
              const a = k.attributes;
              const policy = a
                ? `, ${a.sensitive ? 'sensitive' : 'NOT SENSITIVE'}, ${a.extractable ? (a.wrapWithTrusted ? 'extractable only under a trusted key' : 'EXTRACTABLE') : 'not extractable'}`
                : '';
              return `${k.label}  id ${k.idHex || '-'}  ${k.algorithmName ?? 'not a DNSSEC algorithm'}${k.keySizeBits ? ` ${k.keySizeBits} bits` : ''}  key tag ${k.keyTag ?? '-'}  (${halves}${policy})`;
            })
            .join('\n'),
    );
    return ExitCode.OK;
  },
};

function generatedLines(g: GeneratedKsk, tokenLabel: string): string {
  return [
    `label:     ${g.key.label}`,
    `token:     ${tokenLabel}`,
    `algorithm: ${g.algorithmName} (${g.keySizeBits} bits), generated ${g.generatedAt} in ${g.durationMs} ms`,
    `DNSKEY:    ${g.summary.dnskey}`,
    `key tag:   ${g.summary.keyTag}`,
    `DS:        ${g.summary.ds}`,
    `DS words:  ${g.summary.dsDigestPgpWords.join(' ')}`,
    `backup:    ${g.backupByWrapping ? 'possible only by wrapping under a trusted key-backup key' : 'not possible through this app (the key is not extractable)'}`,
  ].join('\n');
}

export const keyGenerateCommand: CommandImpl = {
  usage:
    'ksk-ceremony key generate --module PATH --token LABEL [--pin-env VAR] [--algorithm RSASHA256|ECDSAP256SHA256|ECDSAP384SHA384|ED25519] [--size 2048|3072|4096] [--label LABEL] [--workspace DIR] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(
      argv,
      { ...tokenOptions, algorithm: { type: 'string', default: 'RSASHA256' }, size: { type: 'string' }, label: { type: 'string' } },
      this,
    );
    const algorithm = values.algorithm.toUpperCase().replace(/[-_]/g, '') as KskAlgorithm;
    algorithmNumber(algorithm);
    if (values.size !== undefined && algorithm !== 'RSASHA256') throw new UsageError(`--size applies to RSASHA256 only; ${algorithm} has a fixed size.`);
    const rsaBits = values.size === undefined ? undefined : Number(values.size);
    if (rsaBits !== undefined && !Number.isInteger(rsaBits)) throw new UsageError(`--size must be a number of bits, not "${values.size}".`);
    const generated = await withSession(await sessionFrom(values, io, this), (s) =>
      s.generateKsk(
        { algorithm, ...(rsaBits !== undefined ? { rsaBits } : {}), ...(values.label !== undefined ? { label: values.label } : {}) },
        { onProgress: (p) => (values.json ? undefined : io.stderr.write(`${p.stage}...\n`)) },
      ),
    );
    output(io, values.json, { ...generated, key: { ...generated.key, publicKey: generated.key.publicKey.toString('base64') } }, () =>
      generatedLines(generated, values.token as string),
    );
    return ExitCode.OK;
  },
};

export const keyDeleteCommand: CommandImpl = {
  usage: 'ksk-ceremony key delete --module PATH --token LABEL --label LABEL [--pin-env VAR] [--yes] [--workspace DIR] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { ...tokenOptions, label: { type: 'string' }, yes: { type: 'boolean', default: false } }, this);
    const label = requireString(values.label, 'label', this);
    const session = await sessionFrom(values, io, this);
    const evidence = await withSession(session, async (s) => {
      const key = await s.findKey(label);
      if (!key) return null;
      if (!values.yes) {
        const answer = await readLine(io, `Destroy key "${label}" on token "${values.token}" for ever? Type the label to confirm: `);
        if (answer.trim() !== label) return 'declined' as const;
      }
      return s.destroyKey(label);
    });
    if (evidence === null) throw new HsmError('KEY_NOT_FOUND', `Token "${values.token}" has no key labelled "${label}"; nothing was destroyed.`);
    if (evidence === 'declined') {
      io.stderr.write('Not confirmed; nothing was destroyed.\n');
      return ExitCode.CANCELLED;
    }
    output(io, values.json, evidence, () =>
      [
        `destroyed: ${label} (id ${evidence.idHex || '-'}, key tag ${evidence.keyTag ?? '-'}): ${[evidence.destroyed.privateKey ? 'private half' : '', evidence.destroyed.publicKey ? 'public half' : ''].filter(Boolean).join(' and ')}`,
        `searched again at ${evidence.at}: ${evidence.remainingObjects} object(s) labelled "${label}" remain`,
      ].join('\n'),
    );
    return ExitCode.OK;
  },
};
