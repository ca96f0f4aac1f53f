import { spawn } from 'node:child_process';
import { KskError } from '../errors.js';

/**
 * Paper goes through CUPS: the PDF is piped to `lp` (Debian's cups-client), which hands it to the
 * local scheduler. Nothing here talks to a printer directly.
 */

export interface Printer {
  name: string;
  enabled: boolean;
  /** lpstat's own words, e.g. "is idle.  enabled since ..." */
  status: string;
}

export interface PrintOptions {
  /** The CUPS destination; the system default when absent. */
  printer?: string;
  /** The job's title in the queue, e.g. "KSK-55 record". */
  title: string;
  copies?: number;
  /** The environment lp runs in (PATH, CUPS_SERVER); the process's own when absent. */
  env?: NodeJS.ProcessEnv;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const TIMEOUT_MS = 30_000;

/** A CUPS destination name: no spaces, slashes or '#', and never something lp would read as an option. */
function checkPrinterName(name: string): void {
  if (!/^[^\s/#-][^\s/#]*$/.test(name)) throw new KskError('BAD_REQUEST', `"${name}" is not a printer name.`);
}

/** The arguments of `lp` for one job; the PDF comes on standard input. */
export function lpArguments(options: Pick<PrintOptions, 'printer' | 'title' | 'copies'>): string[] {
  const args: string[] = [];
  if (options.printer !== undefined) {
    checkPrinterName(options.printer);
    args.push('-d', options.printer);
  }
  args.push('-t', options.title.replace(/[\r\n]+/g, ' '));
  if (options.copies !== undefined) {
    if (!Number.isInteger(options.copies) || options.copies < 1 || options.copies > 99) {
      throw new KskError('BAD_REQUEST', `Copies must be a whole number from 1 to 99, not ${options.copies}.`);
    }
    args.push('-n', String(options.copies));
  }
  return args;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv | undefined, input?: Buffer): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], timeout: TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        reject(new KskError('NOT_FOUND', `Printing needs CUPS, and the ${command} command is not installed (Debian package cups-client).`));
      } else reject(new KskError('INTERNAL', `${command} could not be started (${e.code ?? e.message}).`));
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // lp may exit before reading everything (an unknown printer); its message says why, not EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** CUPS's complaint in words a CA can act on. */
function printError(stderr: string, printer: string | undefined): KskError {
  const message = stderr.replace(/^(lp|lpstat):\s*(Error - )?/gm, '').trim();
  if (/Scheduler is not running/i.test(message)) {
    return new KskError('NOT_FOUND', 'The print service (CUPS) is not running on this machine; start it, or print the PDF elsewhere.');
  }
  if (/printer or class does not exist/i.test(message)) return new KskError('NOT_FOUND', `There is no printer named "${printer}" in CUPS.`);
  if (/No default destination/i.test(message)) {
    return new KskError('NOT_FOUND', 'No printer was chosen and CUPS has no default printer; choose one.');
  }
  return new KskError('INTERNAL', `Printing failed: ${message || 'lp gave no reason'}.`);
}

/** Sends a PDF to a CUPS printer; returns the job id CUPS gave it (e.g. "Office-12"). */
export async function printPdf(pdf: Buffer, options: PrintOptions): Promise<{ jobId: string }> {
  const result = await run('lp', lpArguments(options), options.env, pdf);
  const job = /request id is (\S+)/.exec(result.stdout);
  if (result.code !== 0 || !job) throw printError(result.stderr, options.printer);
  return { jobId: job[1] as string };
}

/** Parses `lpstat -p`: "printer NAME is idle.  enabled since ..." or "printer NAME disabled since ...". */
export function parseLpstatPrinters(text: string): Printer[] {
  const printers: Printer[] = [];
  for (const line of text.split('\n')) {
    const m = /^printer (\S+) (.*)$/.exec(line);
    if (m) printers.push({ name: m[1] as string, enabled: !/\bdisabled\b/.test(m[2] as string), status: (m[2] as string).trim() });
  }
  return printers;
}

/** The printers CUPS knows and the default one; an empty list when none is set up. */
export async function listPrinters(env?: NodeJS.ProcessEnv): Promise<{ printers: Printer[]; defaultPrinter: string | null }> {
  const result = await run('lpstat', ['-p', '-d'], env);
  if (/Scheduler is not running/i.test(result.stderr)) throw printError(result.stderr, undefined);
  const printers = parseLpstatPrinters(result.stdout);
  const fallback = /system default destination: (\S+)/.exec(result.stdout);
  if (result.code !== 0 && printers.length === 0 && !/No destinations added/i.test(result.stderr) && result.stderr.trim()) {
    throw printError(result.stderr, undefined);
  }
  return { printers, defaultPrinter: fallback ? (fallback[1] as string) : null };
}
