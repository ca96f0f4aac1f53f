import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const cli = new URL('../../../dist/core/cli/main.js', import.meta.url).pathname;

export interface LoggedEvent {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
}

/** A ceremony's events as the auditor's command reads them from the workspace's evidence log. */
export async function eventsOf(workspaceDir: string, ceremonyId: string): Promise<LoggedEvent[]> {
  const { stdout } = await run(process.execPath, [cli, 'log', 'show', path.join(workspaceDir, 'ceremony.sqlite'), '--ceremony', ceremonyId, '--json'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as LoggedEvent[];
}
