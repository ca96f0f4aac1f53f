import { formatKsrTime } from '../../dnssec/time.js';
import { lastExpiration, verifySkr } from '../../dnssec/verify.js';
import { output, parseCommandArgs, UsageError, type CommandImpl } from '../command.js';
import { ExitCode } from '../exitCodes.js';
import { loadSkr } from './ksr.js';

export const skrVerifyCommand: CommandImpl = {
  usage: 'ksk-ceremony skr verify SKR [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {}, this);
    if (positionals.length !== 1) throw new UsageError(`skr verify takes exactly one SKR.\nusage: ${this.usage}`);
    const skr = await loadSkr(positionals[0] as string);
    const verdict = verifySkr(skr.doc);
    const expires = lastExpiration(skr.doc);
    output(
      io,
      values.json,
      { file: skr.file, id: skr.doc.id, sha256: skr.sha256, pgpWords: skr.pgpWords, ok: verdict.ok, lastExpiration: expires, bundles: verdict.bundles },
      () => {
        const lines = [`SKR: ${skr.file} (id ${skr.doc.id})`, `  SHA-256: ${skr.sha256}`, `  words:   ${skr.pgpWords.join(' ')}`];
        for (const b of verdict.bundles) {
          const bundle = skr.doc.bundles[b.index];
          const period = bundle ? `${formatKsrTime(bundle.inception)} to ${formatKsrTime(bundle.expiration)}` : '';
          const sigs = b.signatures.map((s) => `${s.keyIdentifier}/${s.keyTag} ${s.ok ? 'valid' : `INVALID (${s.reason})`}`).join(', ');
          lines.push(
            `${b.ok ? 'OK  ' : 'FAIL'}  bundle ${b.index + 1} (${b.id}) ${period}: ${sigs || 'no signature'}${b.problems.length ? `; ${b.problems.join('; ')}` : ''}`,
          );
        }
        lines.push(verdict.ok ? `every signature verifies; the last expires ${expires}` : 'the SKR does NOT verify');
        return lines.join('\n');
      },
    );
    return verdict.ok ? ExitCode.OK : ExitCode.CHECK_FAILED;
  },
};
