import assert from 'node:assert/strict';
import { statSync, unlinkSync } from 'node:fs';
import { test } from 'node:test';
import { isKskError } from '../../../core/errors.js';
import { workspaceAt } from '../../../core/workspace/workspace.js';
import { openSession } from '../../../native/index.js';
import { provisionRehearsalToken, rehearsalFile, rehearsalSessionOptions } from '../../../native/rehearsal.js';
import { tempDir } from '../../helpers/tmp.js';

test('the rehearsal token is provisioned once in the workspace, labelled REHEARSAL, and opens with its stored PIN', async (t) => {
  const dir = tempDir(t);
  const first = await provisionRehearsalToken(dir);
  assert.equal(first.tokenLabel, 'REHEARSAL');
  assert.match(first.warning, /^REHEARSAL ONLY/);
  assert.equal(first.softhsmConf, workspaceAt(dir).softhsmConf);
  assert.equal(statSync(rehearsalFile(workspaceAt(dir))).mode & 0o777, 0o600);
  assert.deepEqual(await provisionRehearsalToken(dir), first, 'idempotent');

  const session = await openSession(rehearsalSessionOptions(first));
  t.after(() => session.close());
  const identity = await session.identity();
  assert.equal(identity.token.label, 'REHEARSAL');
  assert.equal(identity.token.serial, first.serial);
  assert.equal(identity.loggedIn, true);
  const ksk = await session.generateKsk({ algorithm: 'ECDSAP256SHA256' });
  assert.equal((await session.findKey(ksk.key.label))?.label, ksk.key.label);
});

test('a rehearsal token whose PIN file was lost is not silently re-initialised', async (t) => {
  const dir = tempDir(t);
  await provisionRehearsalToken(dir);
  unlinkSync(rehearsalFile(workspaceAt(dir)));
  await assert.rejects(provisionRehearsalToken(dir), (e) => isKskError(e) && e.code === 'STORAGE_ERROR' && /PINs is gone/.test(e.message));
});
