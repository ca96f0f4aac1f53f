import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KskError, messageOf } from '../errors.js';
import { defaultWorkspaceDir } from '../workspace/workspace.js';
import type { ExitCodeNumber } from './exitCodes.js';

/** Where a command reads and writes; tests pass their own streams. */
export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

export interface Command {
  /** The words that select it, e.g. ['ksr', 'check']. */
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  run(argv: string[], io: Io): Promise<ExitCodeNumber>;
}

/**
 * A command as the registry lists it: what finding it by argv and listing it in help need, and how
 * to load the rest. Loading is deferred so that one command's start does not pay for every module.
 */
export interface CommandEntry extends Pick<Command, 'path' | 'summary'> {
  load(): Promise<CommandImpl>;
}

/** What a command's module exports: its usage and its run, which sees the whole command as `this`. */
export interface CommandImpl extends Pick<Command, 'usage'> {
  run(this: Command, argv: string[], io: Io): Promise<ExitCodeNumber>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command understands. */
export const commonOptions = {
  json: { type: 'boolean', default: false },
  workspace: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

export class UsageError extends KskError {
  constructor(message: string) {
    super('BAD_REQUEST', message);
  }
}

/** node:util parseArgs with the common options, turning its errors into usage errors. */
export function parseCommandArgs<O extends Options>(
  argv: string[],
  options: O,
  command: Pick<Command, 'usage'>,
): ReturnType<typeof parseArgs<{ args: string[]; options: typeof commonOptions & O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${messageOf(e).replace(/\. To specify a positional.*$/s, '.')}\nusage: ${command.usage}`);
  }
}

export function workspaceOption(value: string | boolean | undefined, io: Io): string {
  return typeof value === 'string' && value.length > 0 ? value : defaultWorkspaceDir(io.env);
}

export function requireString(value: unknown, name: string, command: Pick<Command, 'usage'>): string {
  if (typeof value !== 'string' || value.length === 0) throw new UsageError(`--${name} is required.\nusage: ${command.usage}`);
  return value;
}

/** Prints either the human lines or, with --json, one JSON document. */
export function output(io: Io, json: boolean, value: unknown, human: () => string): void {
  io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}
