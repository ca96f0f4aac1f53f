import { algorithmName } from '../../dnssec/algorithms.js';
import { systemClock } from '../../clock.js';
import { EvidenceStore } from '../../evidence/store.js';
import { exportCeremony } from '../../evidence/export.js';
import { verifyEvidence, type VerifyReport } from '../../evidence/verify.js';
import { output, parseCommandArgs, UsageError, type Command, type CommandImpl } from '../command.js';
import { ExitCode } from '../exitCodes.js';
import { verificationCheckpoints, verificationPin } from '../../workspace/config.js';

function requireArgs(args: string[], count: number, command: Command): string[] {
  if (args.length !== count)
    throw new UsageError(`${command.path.join(' ')} takes ${count === 1 ? 'one argument' : `${count} arguments`}.\nusage: ${command.usage}`);
  return args;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const pinWords = { true: 'pinned', false: 'NOT the pinned key', null: 'no key pinned' } as const;

export function describeVerification(report: VerifyReport): string {
  const lines = [report.ok ? `OK: ${report.message}` : `TAMPERED: ${report.message}`];
  for (const c of report.ceremonies) {
    const seal = c.seal
      ? `sealed ${c.seal.sealedAt} by ${c.seal.key.kind === 'hsm' ? `HSM key ${c.seal.key.label}` : 'a software key'} (${algorithmName(c.seal.key.algorithm) ?? c.seal.key.algorithm})`
      : 'not sealed';
    lines.push('', `ceremony ${c.ceremonyId}: ${plural(c.events, 'event')} verified, ${seal}${c.ok ? '' : ' - FAILED'}`);
    if (c.head && c.ok) lines.push(`  head ${c.head.seq}: ${c.head.hash}`, `  words:  ${c.head.pgpWords.join(' ')}`);
    if (c.seal)
      lines.push(
        `  audit key ${c.seal.fingerprint.hex} (${pinWords[String(c.seal.pinned) as 'true' | 'false' | 'null']})`,
        `  words:  ${c.seal.fingerprint.pgpWords.join(' ')}`,
      );
  }
  for (const p of report.problems.slice(1))
    lines.push('', `also: ${p.ceremonyId ? `ceremony ${p.ceremonyId}${p.seq !== null ? ` event ${p.seq}` : ''}: ` : ''}${p.message}`);
  lines.push('', ...report.limits.map((l) => `- ${l}`));
  return lines.join('\n');
}

export const logVerifyCommand: CommandImpl = {
  usage:
    'ksk-ceremony log verify DB [--audit-key FINGERPRINT|FILE] [--workspace DIR] [--checkpoints FILE]... [--require-seal] [--json]   (exit 0 verified, 1 tampered, 3 not an evidence log)',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { 'require-seal': { type: 'boolean', default: false }, 'audit-key': { type: 'string' }, checkpoints: { type: 'string', multiple: true } },
      this,
    );
    const [file] = requireArgs(positionals, 1, this) as [string];
    const pin = verificationPin(values['audit-key'], file, values.workspace);
    const checkpoints = verificationCheckpoints(file, values.workspace, values.checkpoints ?? []);
    const report = verifyEvidence(file, { requireSealed: values['require-seal'], pin, checkpoints });
    output(io, values.json, report, () => describeVerification(report));
    return report.ok ? ExitCode.OK : ExitCode.CHECK_FAILED;
  },
};

export const logShowCommand: CommandImpl = {
  usage: 'ksk-ceremony log show DB [--ceremony ID] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ceremony: { type: 'string' } }, this);
    const [file] = requireArgs(positionals, 1, this) as [string];
    const store = EvidenceStore.openReadOnly(file, systemClock);
    try {
      const ceremonyId = values.ceremony;
      if (ceremonyId === undefined) {
        const ceremonies = store.ceremonies();
        output(
          io,
          values.json,
          ceremonies,
          () =>
            ceremonies
              .map(
                (c) =>
                  `${c.ceremonyId}  ${c.openedAt}  ${c.closedAt ? 'closed' : 'open'}${c.sealed ? ', sealed' : ''}  ${plural(c.head.seq, 'event')}  ${c.title}`,
              )
              .join('\n') || 'No ceremonies.',
        );
      } else {
        const events = store.events(ceremonyId);
        output(
          io,
          values.json,
          events,
          () =>
            events.map((e) => `${String(e.seq).padStart(5)}  ${e.time}  ${e.type.padEnd(22)}  ${JSON.stringify(e.payload)}`).join('\n') ||
            `No ceremony "${ceremonyId}".`,
        );
      }
      return ExitCode.OK;
    } finally {
      store.close();
    }
  },
};

export const logExportCommand: CommandImpl = {
  usage: 'ksk-ceremony log export DB CEREMONY OUT [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {}, this);
    const [source, ceremonyId, dest] = requireArgs(positionals, 3, this) as [string, string, string];
    const report = exportCeremony(source, ceremonyId, dest);
    output(io, values.json, report, () => `Exported ceremony ${ceremonyId} to ${dest}.\n${describeVerification(report)}`);
    return ExitCode.OK;
  },
};
