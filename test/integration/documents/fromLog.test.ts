import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { scriptHash } from '../../../core/ceremony/hash.js';
import { loadTemplate } from '../../../core/ceremony/templates.js';
import { dsRecord } from '../../../core/dnssec/dnskey.js';
import { recordDocumentInput } from '../../../core/documents/compose/record.js';
import { renderCeremonyDocument, renderScriptDocument, type CeremonyDocumentKind } from '../../../core/documents/compose/render.js';
import { scriptDocumentInput } from '../../../core/documents/compose/script.js';
import type { EvidenceStore } from '../../../core/evidence/store.js';
import { verifyEvidence } from '../../../core/evidence/verify.js';
import { toPgpWords } from '../../../core/hash/pgpWords.js';
import { sha256Hex } from '../../../core/hash/sha256.js';
import { parseShareText, splitSecret } from '../../../core/hsm/shares.js';
import { buildWorld, GENERATION_ID, kskPublicKey, openSigningCeremony, SIGNING_ID, SITE, type HandBuiltWorld } from '../bundle/handBuilt.js';
import { pdfPages, squeeze } from './pdfTools.js';

/** The ceremonies are written once through the evidence log's API; every document is composed from that log. */
let world: HandBuiltWorld;
let store: EvidenceStore;
let root: string;
before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ksk-documents-'));
  world = await buildWorld(path.join(root, 'workspace'));
  store = world.store;
});
after(() => {
  store.close();
  rmSync(root, { recursive: true, force: true });
});
/** The PDFs' temporary files go with the folder. */
const ctx = { after: (fn: () => void) => after(fn) };

const words = (hex: string) => toPgpWords(Buffer.from(hex, 'hex'));

async function pagesOf(id: string, kind: CeremonyDocumentKind, options = {}): Promise<string[]> {
  const first = await renderCeremonyDocument(store, id, kind, options);
  const second = await renderCeremonyDocument(store, id, kind, options);
  assert.ok(first.pdf.equals(second.pdf), `two renders of the ${kind} of ${id} differ`);
  assert.equal(first.sha256, sha256Hex(first.pdf));
  const pages = pdfPages(ctx, first.pdf);
  assert.equal(pages.length, first.pages, 'the page count is wrong');
  return pages;
}

test('the script from the log: cover, sign-in rows for the quorum, every act and step, attestations, its hash on every page', async () => {
  const pages = await pagesOf(SIGNING_ID, 'script');
  const all = pages.join('\n');
  const hash = scriptHash(world.signingScript);
  pages.forEach((page, i) => {
    assert.ok(page.includes(hash), `page ${i + 1} lacks the script hash`);
    assert.match(page, new RegExp(`Page ${i + 1} of ${pages.length}`));
    assert.match(page, /REHEARSAL — NOT A PRODUCTION CEREMONY/);
  });
  for (const text of [
    'Root KSK Ceremony 55 (rehearsal)',
    SITE,
    'Quarterly KSR signing ceremony',
    '2024-04-25 14:00:20 UTC',
    'ksk-signing',
    'Sign-in sheet',
    'Exception sheet 1 of 2',
  ]) {
    assert.ok(all.includes(text.replace('ksk-signing', 'ksr-signing version 1.0')), `the script lacks "${text}"`);
  }
  for (const role of ['CO 1', 'CO 2', 'CO 3', 'RZM', 'SSC2']) assert.match(all, new RegExp(`\\n${role}\\s`), `no sign-in row for ${role}`);
  assert.doesNotMatch(all, /\nCO 4\s/);
  for (const act of world.signingScript.acts) {
    assert.ok(all.includes(`Act ${act.number}: ${act.title}`), `act ${act.number} is missing`);
    for (const step of act.steps) assert.match(all, new RegExp(`\\n${step.number.replace('.', '\\.')} +${step.roles[0]}`), `step ${step.number} is missing`);
  }
  assert.match(squeeze(all), /Iattestthatthisceremonywasperformedaccordingtothisscript/);
  assert.match(all, /Closing attestations/);
});

test('the script can be printed from a template before the ceremony: the same steps and the hash the log will record', async () => {
  const template = loadTemplate('dr-4.2.1A');
  const ceremony = {
    id: 'KSK-DR1',
    title: 'Disaster recovery 4.2.1 A',
    site: SITE,
    date: '2025-03-01T15:00:00Z',
    procedure: 'DR 4.2.1 A',
    mode: 'PRODUCTION' as const,
  };
  const input = scriptDocumentInput(template, ceremony);
  assert.equal(input.scriptHash, scriptHash(template));
  assert.equal(input.acts.flatMap((a) => a.steps).length, template.acts.flatMap((a) => a.steps).length);
  const doc = await renderScriptDocument(template, ceremony);
  const all = pdfPages(ctx, doc.pdf).join('\n');
  assert.ok(all.includes(input.scriptHash));
  assert.match(all, /\(DR 4\.2\.1A\.\d+\)/, 'the DR steps are not referenced');
  assert.ok(!/REHEARSAL/.test(all));
  assert.ok((await renderScriptDocument(template, ceremony)).pdf.equals(doc.pdf));
});

test('the record from the log: every step with its time and initials, TEBs, HSM, hashes in hex and words, attestations, seal', async () => {
  const input = recordDocumentInput(store, SIGNING_ID);
  const pages = await pagesOf(SIGNING_ID, 'record');
  const all = pages.join('\n');
  for (const act of input.acts) {
    for (const step of act.steps) {
      assert.equal(step.status, 'done', `step ${step.number}`);
      assert.ok(all.includes((step.at as string).slice(11, 19)), `the time of step ${step.number} is missing`);
      assert.match(all, new RegExp(`\\n${step.number.replace('.', '\\.')} +\\S.* done .*${step.initials ?? ''}`), `step ${step.number}`);
    }
  }
  assert.equal(input.acts[3]?.steps[1]?.performer, 'Carol Officer, Chen Officer, Cyrus Officer', 'the COs who activated the HSM');
  for (const name of ['Ada Administrator', 'Ivan Witness', 'Rita Maintainer', 'Cyrus Officer']) assert.ok(all.includes(name));
  assert.match(all, /BB46327518 +HSM HSM1 +checked .* matches the serial on/);
  assert.match(all, /BB46327600 +HSM HSM1 +sealed/);
  assert.match(all, /HSM1 +SoftHSM project +5c0ffee0a1b2c3d4 +2\.6/);
  const ksr =
    input.hashes.length > 0
      ? input.acts
          .flatMap((a) => a.steps)
          .flatMap((s) => s.hashes ?? [])
          .find((h) => /ksr/.test(h.label))
      : undefined;
  assert.ok(ksr, 'the KSR hash is not on its step');
  assert.match(ksr.label, /matched in hex, read by Rita Maintainer/);
  assert.ok(squeeze(all).includes(ksr.hex) && all.includes(words(ksr.hex).slice(0, 8).join(' ')));
  assert.match(all, /Did not agree, 2024-04-25 \d\d:\d\d:\d\d UTC: I left the room/);
  assert.match(all, /Sealed +2024-04-25 14:54:40 UTC/);
  assert.match(all, /one-time software key/);
  assert.match(all, /No exception was recorded\./);
});

test("the record's head is the log's sealed head, on every page, in hex, words and QR", async () => {
  const verified = verifyEvidence(store.file).ceremonies.find((c) => c.ceremonyId === SIGNING_ID);
  const head = store.seal(SIGNING_ID)?.statement;
  assert.ok(verified?.head && head);
  assert.equal(head.headHash, verified.head.hash);
  const input = recordDocumentInput(store, SIGNING_ID);
  assert.deepEqual(input.logHead, { hex: head.headHash, sequence: head.headSeq });
  const pages = await pagesOf(SIGNING_ID, 'record');
  for (const page of pages) assert.ok(page.includes(head.headHash));
  const last = pages.at(-1) as string;
  assert.ok(last.includes(verified.head.pgpWords.slice(0, 4).join(' ')));
  assert.match(last, /Internal Witness \(IW\): signature/);
});

test('the record of the first ceremony names its exceptions (TEBs with no serial on record), their decisions, and the DS of the new KSK', async () => {
  const all = (await pagesOf(GENERATION_ID, 'record')).join('\n');
  assert.match(all, /Exception teb-check-\d+ \(step 2\.4\)/);
  assert.match(all, /a TEB for laptop sealed at an earlier ceremony \(none is on record\)/);
  assert.match(all, /The first ceremony with this app.*\n.*\(decided 2024-01-25 \d\d:\d\d:\d\d UTC\)/);
  const { algorithm, publicKey } = kskPublicKey();
  const ds = dsRecord('.', { flags: 257, protocol: 3, algorithm, publicKey }).digest.toString('hex');
  assert.equal(ds.toUpperCase(), '6E7DF8A5D641564597B4E1B598B21A301C07A66A79E6A8ECBB43A31D20E89C20', "the shared data's key");
  assert.ok(squeeze(all).includes(ds), 'the DS digest of the generated KSK is not printed');
  assert.match(all, /DS digest \(SHA-256\) of key RSA1, key tag 25486, RSASHA256/);
});

test('letters go to every holder of a CO credential when the ceremony was called, each asked to bring it in the bag it was sealed in then', async () => {
  const pages = await pagesOf(SIGNING_ID, 'letters', { letters: { date: '2024-04-01T09:00:00Z', respondBy: '2024-04-15T00:00:00Z' } });
  const to = (name: string) => pages.filter((p) => p.includes(`Letter to ${name}`)).join('\n');
  for (const first of ['Carol', 'Chen', 'Cyrus', 'Cleo', 'Cora', 'Cruz', 'Cato']) assert.match(to(`${first} Officer`), new RegExp(`Dear ${first} Officer,`));
  assert.ok(!pages.some((p) => /Holder/.test(p)), 'the ksr-signing script sends no letter to RKSHs');
  const carol = to('Carol Officer');
  assert.match(squeeze(carol), /yourCryptoOfficercredentialco-card-co1initstamper-evidentbag,serialBB46327519,unopened/);
  assert.match(carol, /an identity document with your photograph/);
  assert.match(carol, /Date: 2024-04-01/);
  assert.match(carol, /by 2024-04-15/);
  assert.match(squeeze(carol), /theCryptoOfficersactivatetheproductionHSM/);
  const named = await pagesOf(SIGNING_ID, 'letters', { letters: { recipients: [{ name: 'Nina New', role: 'RKSH' }] } });
  assert.match(named.join('\n'), /Dear Nina New,[\s\S]*Recovery Key Share Holder/);
});

test('share sheets print each share exactly as the HSM layer reads it back, for the holder the log issued it to', async () => {
  const shares = await splitSecret('backup', '0011223344556677', Buffer.alloc(32, 7), 5, 7);
  const pages = await pagesOf(GENERATION_ID, 'share-sheets', { shares });
  assert.equal(pages.length, 7);
  shares.forEach((share, i) => {
    const page = pages[i] as string;
    assert.match(page, new RegExp(`Share ${share.index} of 7, ${['Rosa', 'Ravi', 'Rene', 'Ruth', 'Rolf', 'Rhea', 'Ryan'][i]} Holder — page 1 of 1`));
    assert.match(page, /any 5 of the 7 shares recover the secret/);
    const back = parseShareText(page);
    assert.ok(back.data.equals(share.data) && back.index === share.index, `share ${share.index} does not read back from its sheet`);
  });
});

test('the trust-anchor sheet of an RFC 7958 file takes each key from the log, by its DS digest', async () => {
  const all = (await pagesOf(GENERATION_ID, 'trust-anchor')).join('\n');
  assert.match(all, /KSK key tag 25486 \(RSA1\)/);
  assert.match(all, /\. 172800 IN DNSKEY 257 3 8 AwEAA/);
  assert.match(all, /6E7DF8A5D641564597B4E1B598B21A301C07A66A79E6A8ECBB43A31D20E89C20/);
  await assert.rejects(renderCeremonyDocument(store, SIGNING_ID, 'trust-anchor'), { code: 'NOT_FOUND', message: /stored no trust anchor/ });
});

test('a ceremony that is not in the log, or has no script yet, is refused by name', async () => {
  await assert.rejects(renderCeremonyDocument(store, 'KSK-NONE', 'record'), { code: 'NOT_FOUND', message: /No ceremony "KSK-NONE"/ });
  await assert.rejects(renderCeremonyDocument(store, GENERATION_ID, 'share-sheets'), { code: 'BAD_REQUEST', message: /No share was given/ });
  store.openCeremony('KSK-R56', { title: 'Root KSK Ceremony 56 (rehearsal)', kind: 'ksr-signing', site: SITE, rehearsal: true });
  await assert.rejects(renderCeremonyDocument(store, 'KSK-R56', 'record'), { code: 'CONFLICT', message: /has loaded no script/ });
  await assert.rejects(renderCeremonyDocument(store, 'KSK-R56', 'script'), { code: 'CONFLICT', message: /print the script from its template/ });
});

test('the record of a ceremony still open says NOT SEALED and carries the head as it is now', async () => {
  const id = 'KSK-R57';
  openSigningCeremony(store, id);
  store.append(id, 'step.started', { stepId: 'notify' });
  const head = store.head(id);
  const input = recordDocumentInput(store, id);
  assert.deepEqual(input.logHead, { hex: head?.hash, sequence: head?.seq });
  assert.equal(input.acts[0]?.steps[0]?.status, 'not-done');
  const pages = await pagesOf(id, 'record');
  assert.match(pages[0] as string, /NOT SEALED/);
  assert.match(pages.join('\n'), /1\.1 +CA .+ NOT\s/);
});
