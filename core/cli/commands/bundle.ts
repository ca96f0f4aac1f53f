import { requireUtc } from '../../documents/text.js';
import { exportBundle } from '../../export/bundle/export.js';
import { parseAuditKeyPin } from '../../evidence/auditKey.js';
import { verifyBundle, type BundleVerdict } from '../../export/bundle/verify.js';
import { findRemovableMedia } from '../../export/media.js';
import { formatBytes } from '../../export/size.js';
import { output, parseCommandArgs, requireString, UsageError, workspaceOption, type CommandImpl } from '../command.js';
import { ExitCode } from '../exitCodes.js';

const words = (w: readonly string[]) => [w.slice(0, 8), w.slice(8, 16), w.slice(16, 24), w.slice(24)].map((line) => `    ${line.join(' ')}`);

export const bundleExportCommand: CommandImpl = {
  usage: 'ksk-ceremony bundle export --ceremony ID --to DIR [--workspace DIR] [--recording-start ISO] [--replace] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ceremony: { type: 'string' }, to: { type: 'string' }, 'recording-start': { type: 'string' }, replace: { type: 'boolean', default: false } },
      this,
    );
    if (positionals.length > 0) throw new UsageError(`bundle export takes no positional argument.\nusage: ${this.usage}`);
    const recordingStart = values['recording-start'];
    if (recordingStart !== undefined) requireUtc(recordingStart, '--recording-start');
    const result = await exportBundle({
      workspace: workspaceOption(values.workspace, io),
      ceremonyId: requireString(values.ceremony, 'ceremony', this),
      to: requireString(values.to, 'to', this),
      replace: values.replace,
      ...(recordingStart ? { recordingStart } : {}),
    });
    output(io, values.json, result, () =>
      [
        `Bundle written and verified: ${result.path}`,
        `  ${result.files} files, ${formatBytes(result.bytes)}; manifest SHA-256 ${result.manifestSha256}`,
        `  ${result.mode}${result.sealed ? '' : ', NOT SEALED (a partial record, written during the ceremony)'}`,
        `  log head (event ${result.logHead.seq}): ${result.logHead.hex}`,
        ...words(result.logHead.pgpWords),
      ].join('\n'),
    );
    return ExitCode.OK;
  },
};

function describeVerdict(v: BundleVerdict): string {
  const lines = [`${v.ok ? 'VALID' : 'INVALID'}: ${v.message}`, ''];
  if (v.ceremonyId) lines.push(`ceremony ${v.ceremonyId}${v.mode ? ` (${v.mode})` : ''}, bundle ${v.dir}`);
  for (const c of v.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.check.padEnd(9)} ${c.detail}`);
  for (const p of v.problems.slice(1)) lines.push(`  also: ${p.message}`);
  if (v.logHead) {
    lines.push('', `Log head (event ${v.logHead.seq}), to compare with the signed paper:`, `    ${v.logHead.hex}`, ...words(v.logHead.pgpWords));
  }
  return lines.join('\n');
}

export const bundleVerifyCommand: CommandImpl = {
  usage: 'ksk-ceremony bundle verify DIR [--audit-key FINGERPRINT|FILE] [--allow-unsealed] [--json]   (exit 0 valid, 1 tampered, 3 not a bundle)',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { 'allow-unsealed': { type: 'boolean', default: false }, 'audit-key': { type: 'string' } }, this);
    if (positionals.length !== 1) throw new UsageError(`bundle verify takes one DIR.\nusage: ${this.usage}`);
    const pin = values['audit-key'] === undefined ? null : parseAuditKeyPin(values['audit-key']);
    const verdict = await verifyBundle(positionals[0] as string, { allowUnsealed: values['allow-unsealed'], pin });
    output(io, values.json, verdict, () => describeVerdict(verdict));
    return verdict.ok ? ExitCode.OK : ExitCode.CHECK_FAILED;
  },
};

export const bundleMediaCommand: CommandImpl = {
  usage: 'ksk-ceremony bundle media [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {}, this);
    const media = await findRemovableMedia();
    output(io, values.json, media, () =>
      media.length === 0
        ? 'No removable medium is mounted under /media or /run/media.'
        : media
            .map(
              (m) =>
                `${m.mountPoint}  ${m.fsType}  ${formatBytes(m.freeBytes)} free of ${formatBytes(m.totalBytes)}${m.readOnly ? '  READ-ONLY' : ''}  (${m.device})`,
            )
            .join('\n'),
    );
    return ExitCode.OK;
  },
};
