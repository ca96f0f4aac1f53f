import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Envelope } from '../../../core/contract/envelope.js';
import type { ContractEvent } from '../../../core/contract/events.js';
import { sha256Hex } from '../../../core/hash/sha256.js';
import { shareLines, splitSecret } from '../../../core/hsm/shares.js';
import { Backend } from '../../../core/service/backend.js';
import { buildWorld, GENERATION_ID, SIGNING_ID, type HandBuiltWorld } from './handBuilt.js';

/** The documents and export channels as the UI calls them: through the backend's dispatch, validated both ways. */

let root: string;
let world: HandBuiltWorld;
let backend: Backend;
let sealedHead: string | undefined;
const events: ContractEvent[] = [];

before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ksk-documents-contract-'));
  world = await buildWorld(path.join(root, 'workspace'));
  sealedHead = world.store.seal(SIGNING_ID)?.statement.headHash;
  world.store.close();
  backend = new Backend({ workspaceDir: world.workspace.root, mode: 'rehearsal' });
  backend.onEvent((e) => events.push(e));
});
after(async () => {
  await backend.close();
  rmSync(root, { recursive: true, force: true });
});

async function call<T>(channel: string, request: unknown): Promise<T> {
  const envelope = (await backend.call(channel, request)) as Envelope<T>;
  assert.ok(envelope.ok, `${channel} failed: ${envelope.ok ? '' : `${envelope.error.code} ${envelope.error.message}`}`);
  return envelope.value;
}

async function failure(channel: string, request: unknown): Promise<{ code: string; message: string }> {
  const envelope = await backend.call(channel, request);
  assert.ok(!envelope.ok, `${channel} succeeded`);
  return envelope.error;
}

interface Rendered {
  kind: string;
  fileName: string;
  pdfBase64: string;
  sha256: string;
  bytes: number;
  pages: number;
  pageHash: { label: string; hex: string } | null;
}

test('documents.render gives the PDF of a document from the log, with its hash, size, pages and page hash', async () => {
  const record = await call<Rendered>('documents.render', { ceremonyId: SIGNING_ID, kind: 'record' });
  const pdf = Buffer.from(record.pdfBase64, 'base64');
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.equal(record.sha256, sha256Hex(pdf));
  assert.equal(record.bytes, pdf.length);
  assert.equal(record.fileName, `${SIGNING_ID}-record.pdf`);
  assert.ok(record.pages > 5);
  assert.equal(record.pageHash?.hex, sealedHead);
  const again = await call<Rendered>('documents.render', { ceremonyId: SIGNING_ID, kind: 'record' });
  assert.equal(again.sha256, record.sha256);
  const a4 = await call<Rendered>('documents.render', { ceremonyId: SIGNING_ID, kind: 'record', paper: 'A4' });
  assert.notEqual(a4.sha256, record.sha256);

  const letters = await call<Rendered>('documents.render', {
    ceremonyId: SIGNING_ID,
    kind: 'letters',
    letters: {
      sender: { name: 'Carla Coordinator', title: 'Ceremony Administrator', organization: 'Root Zone KSK Operator' },
      respondBy: '2024-04-15T00:00:00Z',
    },
  });
  assert.equal(letters.pageHash, null);
  assert.ok(letters.pages >= 7);

  const shares = await splitSecret('backup', '0011223344556677', Buffer.alloc(32, 9), 5, 7);
  const sheets = await call<Rendered>('documents.render', {
    ceremonyId: GENERATION_ID,
    kind: 'share-sheets',
    shares: shares.map((s) => shareLines(s).join('\n')),
  });
  assert.equal(sheets.pages, 7);

  const template = await call<Rendered>('documents.renderTemplateScript', {
    templateId: 'dr-4.3.1A',
    title: 'Recovery of the KSK',
    site: 'Culpeper',
    date: '2025-05-01T14:00:00Z',
    mode: 'PRODUCTION',
  });
  assert.equal(template.kind, 'script');
  assert.equal(template.pageHash?.label, 'Script SHA-256');
});

test('documents.render refuses what it cannot print, with the reason as an error code and message', async () => {
  assert.deepEqual(await failure('documents.render', { ceremonyId: 'KSK-NONE', kind: 'record' }), {
    code: 'NOT_FOUND',
    message: `No ceremony "KSK-NONE" in the evidence log ${world.workspace.database}.`,
  });
  assert.equal((await failure('documents.render', { ceremonyId: SIGNING_ID, kind: 'poster' })).code, 'BAD_REQUEST');
  assert.match((await failure('documents.render', { ceremonyId: GENERATION_ID, kind: 'share-sheets', shares: ['1  ABCD'] })).message, /share/i);
  assert.equal(
    (await failure('documents.renderTemplateScript', { templateId: 'dr-4.3.1A', title: 'x', site: 'y', date: '2025-05-01 14:00', mode: 'PRODUCTION' })).code,
    'BAD_REQUEST',
  );
});

test('export.bundle writes the bundle with progress events, export.verify checks it and names a change', async () => {
  const to = path.join(root, 'usb');
  mkdirSync(to);
  events.length = 0;
  const result = await call<{ path: string; manifestSha256: string; sealed: boolean; mode: string; logHead: { seq: number; hex: string; pgpWords: string[] } }>(
    'export.bundle',
    { ceremonyId: SIGNING_ID, to },
  );
  assert.equal(result.sealed, true);
  assert.equal(result.mode, 'REHEARSAL');
  assert.equal(result.manifestSha256, sha256Hex(readFileSync(path.join(result.path, 'manifest.json'))));
  const progress = events.filter((e): e is Extract<ContractEvent, { type: 'progress' }> => e.type === 'progress');
  assert.ok(progress.length > 5);
  assert.ok(progress.every((p) => p.operationId === `export:${SIGNING_ID}`));
  const fractions = progress.map((p) => p.fraction ?? -1);
  assert.deepEqual(
    fractions,
    [...fractions].sort((a, b) => a - b),
    'progress went backwards',
  );
  assert.deepEqual([progress.at(-1)?.done, progress.at(-1)?.fraction], [true, 1]);

  const verdict = await call<{ ok: boolean; logHead: { hex: string }; problems: { path: string | null }[] }>('export.verify', { dir: result.path });
  assert.equal(verdict.ok, true);
  assert.equal(verdict.logHead.hex, result.logHead.hex);
  writeFileSync(path.join(result.path, 'ceremony.json'), `${readFileSync(path.join(result.path, 'ceremony.json'), 'utf8')} `);
  const tampered = await call<{ ok: boolean; problems: { path: string | null }[] }>('export.verify', { dir: result.path });
  assert.equal(tampered.ok, false);
  assert.equal(tampered.problems[0]?.path, 'ceremony.json');

  events.length = 0;
  const refused = await failure('export.bundle', { ceremonyId: SIGNING_ID, to, operationId: 'second' });
  assert.equal(refused.code, 'CONFLICT');
  assert.deepEqual(events.at(-1), { type: 'progress', operationId: 'second', label: 'The export failed', fraction: null, done: true });
  assert.equal((await failure('export.verify', { dir: path.join(root, 'nothing') })).code, 'NOT_FOUND');
});

test('export.media lists the media mounted under /media and /run/media', async () => {
  const { media } = await call<{ media: { mountPoint: string }[] }>('export.media', {});
  assert.ok(media.every((m) => m.mountPoint.startsWith('/media/') || m.mountPoint.startsWith('/run/media/')));
});

test("the contract's names of document kinds and bundle checks are the core's", async () => {
  const { documentKinds, bundleCheckNames } = await import('../../../core/contract/channels/documents.js');
  const { ceremonyDocumentKinds } = await import('../../../core/documents/compose/render.js');
  const { bundleChecks } = await import('../../../core/export/bundle/verify.js');
  assert.deepEqual([...documentKinds], [...ceremonyDocumentKinds]);
  assert.deepEqual([...bundleCheckNames], [...bundleChecks]);
});
