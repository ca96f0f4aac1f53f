import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SignatureJournal } from '../../../../core/ceremony/engine/signatureJournal.js';
import { tempDir } from '../../../helpers/tmp.js';
import { SoftwareToken } from '../../dnssec/softwareToken.js';

test('the signature journal hands back a signature the HSM already made, and asks the HSM only for the rest', async (t) => {
  const file = path.join(tempDir(t), 'journal', 'sign-ksr.jsonl');
  const token = new SoftwareToken();
  await token.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'K1' });
  const first = new SignatureJournal(file, token);
  const a = await first.sign('K1', Buffer.from('bundle 1'));
  await first.sign('K1', Buffer.from('bundle 2'));
  assert.deepEqual([first.fromHsm, first.fromJournal, token.signatures], [2, 0, 2]);
  // A crash cuts the last line short: that line is no signature.
  appendFileSync(file, '{"label":"K1","data":"ab');
  const again = new SignatureJournal(file, token);
  assert.equal(again.size, 2);
  assert.ok((await again.sign('K1', Buffer.from('bundle 1'))).equals(a), 'the same bytes as before: ECDSA would differ if signed again');
  await again.sign('K1', Buffer.from('bundle 3'));
  assert.deepEqual([again.fromJournal, again.fromHsm, token.signatures], [1, 1, 3]);
});

test('a journal entry that does not verify is not used', async (t) => {
  const file = path.join(tempDir(t), 'j.jsonl');
  const token = new SoftwareToken();
  await token.generateKsk({ algorithm: 'ED25519', label: 'K2' });
  await new SignatureJournal(file, token).sign('K2', Buffer.from('data'));
  const entry = JSON.parse(readFileSync(file, 'utf8').trim()) as { signature: string };
  const forged = Buffer.from(entry.signature, 'base64');
  forged[0] = (forged[0] as number) ^ 1;
  writeFileSync(file, `${JSON.stringify({ ...entry, signature: forged.toString('base64') })}\n`);
  const journal = new SignatureJournal(file, token);
  await journal.sign('K2', Buffer.from('data'));
  assert.deepEqual([journal.fromJournal, journal.fromHsm], [0, 1]);
});
