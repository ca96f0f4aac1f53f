import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KskError, messageOf } from '../errors.js';
import { printDestinationSchema } from '../contract/channels/documents.js';
import type { Workspace } from './workspace.js';

/**
 * What the room chose once and the app remembers for the workspace (not for a ceremony: nothing
 * here is evidence): where documents are printed. A small JSON file in the workspace folder.
 */
const settingsSchema = z.object({ print: printDestinationSchema.optional() });
type Settings = z.infer<typeof settingsSchema>;

function settingsFile(ws: Workspace): string {
  return path.join(ws.root, 'settings.json');
}

export function readSettings(ws: Workspace): Settings {
  let text: string;
  try {
    text = readFileSync(settingsFile(ws), 'utf8');
  } catch {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new KskError('STORAGE_ERROR', `${settingsFile(ws)} is damaged (${messageOf(e)}); remove it to choose again.`);
  }
  const parsed = settingsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KskError(
      'STORAGE_ERROR',
      `${settingsFile(ws)} is damaged (${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'not settings'}); remove it to choose again.`,
    );
  }
  return parsed.data;
}

/** Writes the settings whole, under a temporary name first, so a crash never leaves half a file. */
export function writeSettings(ws: Workspace, change: Partial<Settings>): Settings {
  const next = { ...readSettings(ws), ...change };
  const file = settingsFile(ws);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  return next;
}
