import { accessSync, constants, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KskError, messageOf } from '../errors.js';
import { removeStaleTemporaries, STALE_AFTER_MS } from './staleFiles.js';

/**
 * A workspace is one folder that holds everything an operator's ceremonies produce: the evidence
 * database, the rehearsal token, exports. Nothing is written outside it except exported bundles.
 */
export interface Workspace {
  readonly root: string;
  readonly database: string;
  /** SoftHSM2 token folder and configuration of the rehearsal token. */
  readonly tokens: string;
  readonly softhsmConf: string;
  /** Scratch space for files being written before they are renamed into place. */
  readonly tmp: string;
}

export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KSK_WORKSPACE) return path.resolve(env.KSK_WORKSPACE);
  const dataHome = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'ksk-ceremony', 'workspace');
}

export function workspaceAt(root: string): Workspace {
  const abs = path.resolve(root);
  return {
    root: abs,
    database: path.join(abs, 'ceremony.sqlite'),
    tokens: path.join(abs, 'tokens'),
    softhsmConf: path.join(abs, 'softhsm2.conf'),
    tmp: path.join(abs, 'tmp'),
  };
}

/** Creates the workspace folders (owner-only) if missing. */
export function openWorkspace(root: string): Workspace {
  const ws = workspaceAt(root);
  for (const dir of [ws.root, ws.tokens, ws.tmp]) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new KskError('STORAGE_ERROR', `Cannot create the workspace folder ${dir}: ${messageOf(e)}`);
    }
  }
  return ws;
}

/** Whether the workspace folder can be written (false on a read-only disk or mount, or without permission). */
export function workspaceWritable(ws: Workspace): boolean {
  try {
    accessSync(ws.root, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where to make scratch files: the workspace's own scratch folder, or the system's when the workspace is read-only. */
export function scratchFolder(ws: Workspace): string {
  return workspaceWritable(ws) ? ws.tmp : os.tmpdir();
}

/**
 * Cleans what a killed run left in the workspace (see staleFiles.ts): temporary files beside the
 * workspace's own files and the rehearsal's, and everything in the scratch folder.
 */
export function cleanWorkspace(ws: Workspace, now = Date.now()): string[] {
  if (!workspaceWritable(ws)) return [];
  return removeStaleTemporaries([ws.root, path.join(ws.root, 'rehearsal')], now).concat(removeStaleTemporaries([ws.tmp], now, STALE_AFTER_MS, () => true));
}
