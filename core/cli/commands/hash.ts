import { describeHash } from '../../hash/match.js';
import { sha256File } from '../../hash/sha256.js';
import { output, parseCommandArgs, UsageError, type CommandImpl } from '../command.js';
import { ExitCode } from '../exitCodes.js';

export const hashCommand: CommandImpl = {
  usage: 'ksk-ceremony hash FILE [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {}, this);
    if (positionals.length !== 1) throw new UsageError(`hash takes exactly one FILE.\nusage: ${this.usage}`);
    const file = positionals[0] as string;
    const { digest, size } = await sha256File(file);
    const { hex, pgpWords } = describeHash(digest);
    output(io, values.json, { file, size, sha256: hex, pgpWords }, () =>
      [`file:   ${file} (${size} bytes)`, `SHA-256: ${hex}`, `words:  ${pgpWords.join(' ')}`].join('\n'),
    );
    return ExitCode.OK;
  },
};
