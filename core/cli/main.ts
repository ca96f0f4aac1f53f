#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isKskError, messageOf } from '../errors.js';
import type { Command, CommandEntry, Io } from './command.js';
import { commands } from './commands/index.js';
import { ExitCode, exitCodeFor, type ExitCodeNumber } from './exitCodes.js';

function findCommand(argv: string[]): { entry: CommandEntry; rest: string[] } | null {
  let best: CommandEntry | null = null;
  for (const command of commands) {
    const matches = command.path.every((word, i) => argv[i] === word);
    if (matches && (!best || command.path.length > best.path.length)) best = command;
  }
  return best ? { entry: best, rest: argv.slice(best.path.length) } : null;
}

function help(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'ksk-ceremony: DNSSEC KSK ceremonies, disaster recovery and offline audit',
    '',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json for machine-readable output and --help for its usage.',
  ].join('\n');
}

/** Runs one invocation; never throws, never prints a stack trace. */
export async function runCli(argv: string[], io: Io): Promise<ExitCodeNumber> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(`${help()}\n`);
    return argv.length === 0 ? ExitCode.USAGE : ExitCode.OK;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`ksk-ceremony: unknown command "${argv.slice(0, 2).join(' ')}". Run ksk-ceremony --help for the list.\n`);
    return ExitCode.USAGE;
  }
  try {
    const { path, summary } = found.entry;
    const command: Command = { path, summary, ...(await found.entry.load()) };
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      io.stdout.write(`${command.summary}\nusage: ${command.usage}\n`);
      return ExitCode.OK;
    }
    return await command.run(found.rest, io);
  } catch (e) {
    if (isKskError(e)) {
      io.stderr.write(`ksk-ceremony: ${e.message}\n`);
      return exitCodeFor(e.code);
    }
    io.stderr.write(`ksk-ceremony: internal error: ${messageOf(e)}\n`);
    return ExitCode.INTERNAL;
  }
}

function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
  process.exitCode = code;
}
