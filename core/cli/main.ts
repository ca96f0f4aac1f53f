#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appInfo } from '../appInfo.js';
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
    'usage: ksk-ceremony COMMAND [OPTIONS]',
    '       ksk-ceremony help [COMMAND]',
    '       ksk-ceremony --version',
    '',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json for machine-readable output (errors too, on stderr) and --help for its usage.',
  ].join('\n');
}

/** A command's own help: its usage is known only once its module is loaded. */
const commandHelp = (command: Command): string => `${command.summary}\nusage: ${command.usage}\n`;

async function loaded(entry: CommandEntry): Promise<Command> {
  return { path: entry.path, summary: entry.summary, ...(await entry.load()) };
}

/** An error as the caller asked for it: one line of text, or with --json one JSON document; on stderr either way. */
function reportError(io: Io, json: boolean, error: { code: string; message: string }, exitCode: ExitCodeNumber): ExitCodeNumber {
  io.stderr.write(json ? `${JSON.stringify({ error, exitCode }, null, 2)}\n` : `ksk-ceremony: ${error.message}\n`);
  return exitCode;
}

/**
 * Runs one invocation; never throws, never prints a stack trace. The conventions of git and
 * openssl: help asked for goes to stdout with exit 0; a bare invocation or a usage error prints
 * the usage to stderr with exit 2; --version prints the version.
 */
export async function runCli(argv: string[], io: Io): Promise<ExitCodeNumber> {
  const json = argv.includes('--json');
  if (argv.length === 0) {
    io.stderr.write(`${help()}\n`);
    return ExitCode.USAGE;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.stdout.write(json ? `${JSON.stringify(appInfo)}\n` : `${appInfo.name} ${appInfo.version}\n`);
    return ExitCode.OK;
  }
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    const asked = argv[0] === 'help' ? findCommand(argv.slice(1)) : null;
    io.stdout.write(asked ? commandHelp(await loaded(asked.entry)) : `${help()}\n`);
    return ExitCode.OK;
  }
  const found = findCommand(argv);
  if (!found) {
    return reportError(
      io,
      json,
      { code: 'BAD_REQUEST', message: `unknown command "${argv.slice(0, 2).join(' ')}". Run ksk-ceremony --help for the list.` },
      ExitCode.USAGE,
    );
  }
  try {
    const command = await loaded(found.entry);
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      io.stdout.write(commandHelp(command));
      return ExitCode.OK;
    }
    return await command.run(found.rest, io);
  } catch (e) {
    if (isKskError(e)) return reportError(io, json, { code: e.code, message: e.message }, exitCodeFor(e.code));
    return reportError(io, json, { code: 'INTERNAL', message: `internal error: ${messageOf(e)}` }, ExitCode.INTERNAL);
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
