import { existsSync } from 'node:fs';
import { systemClock } from '../../clock.js';
import { KskError } from '../../errors.js';
import { EvidenceStore } from '../../evidence/store.js';
import { workspaceAt } from '../../workspace/workspace.js';

/**
 * Runs `fn` on the workspace's evidence log opened for reading only: documents and bundles are
 * composed from the log and never write to it.
 */
export async function withWorkspaceLog<R>(workspaceDir: string, fn: (store: EvidenceStore) => Promise<R> | R): Promise<R> {
  const { database, root } = workspaceAt(workspaceDir);
  if (!existsSync(database)) throw new KskError('NOT_FOUND', `The workspace ${root} has no evidence log (${database}): no ceremony was recorded there.`);
  const store = EvidenceStore.openReadOnly(database, systemClock);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
