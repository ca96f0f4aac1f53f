import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, printFigures } from './lib/figures.js';
import { alternate, timeNodeProcess } from './lib/process.js';

/**
 * What every command pays before it does anything: the start of `ksk-ceremony hash FILE`, a process
 * each time as a script runs it, against a bare `node -e 0` in the same run, the two alternating.
 * Run: node dist/bench/cli.js [rounds, default 15]
 */
const rounds = Number(process.argv[2] ?? 15);
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = path.join(root, 'dist', 'core', 'cli', 'main.js');

const { bare, hash } = alternate(rounds, {
  bare: () => timeNodeProcess(['-e', '0']),
  hash: () => timeNodeProcess([cli, 'hash', path.join(root, 'README.md')]),
});
printFigures(`cli bench: median of ${rounds} processes each, alternating`, [
  figure({
    what: '`ksk-ceremony hash FILE` (process start)',
    ms: hash.ms,
    baseline: { what: 'bare `node -e 0`', ms: bare.ms },
    goal: { maxRatio: 2 },
    ...(hash.peakMb !== null ? { peakMb: hash.peakMb } : {}),
  }),
]);
