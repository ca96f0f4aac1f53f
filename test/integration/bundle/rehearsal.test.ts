import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { summarizeKsk } from '../../../core/dnssec/dnskey.js';
import { renderCeremonyDocument, type CeremonyDocumentKind, type RenderOptions } from '../../../core/documents/compose/render.js';
import { withWorkspaceLog } from '../../../core/documents/compose/workspaceLog.js';
import { sha256Hex } from '../../../core/hash/sha256.js';
import { parseShareText } from '../../../core/hsm/shares.js';
import { cliPath } from '../../helpers/paths.js';
import { pdfPages, squeeze } from '../documents/pdfTools.js';
import { tree } from '../export/fixture.js';
import { isRoot, loopExt4, replug } from '../export/mounts.js';

/**
 * The documents and the bundle of a real rehearsal: `ksk-ceremony rehearse --procedure 4.2.1A`
 * runs the engine headless on SoftHSM2 (a KSK generation with its backup and shares, a quarterly
 * signing, then the DR ceremony for a compromised KSK: a new KSK, a KSR signed with overridden
 * checks, a trust anchor), and everything here is composed from the log it leaves.
 */

interface Rehearsed {
  ceremonies: string[];
  ceremonyId: string;
  head: { seq: number; hash: string; pgpWords: string[] };
}

let root: string;
let workspace: string;
let run: Rehearsed;
const ctx = { after: (fn: () => void) => after(fn) };

function cli(args: string[], timeout = 60_000): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ksk-rehearsal-bundle-'));
  workspace = path.join(root, 'workspace');
  const rehearsal = cli(['rehearse', '--procedure', '4.2.1A', '--workspace', workspace, '--json'], 240_000);
  assert.equal(rehearsal.status, 0, rehearsal.stderr);
  run = JSON.parse(rehearsal.stdout) as Rehearsed;
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A document rendered twice from the workspace's log: the same bytes both times; its pages as pdftotext reads them. */
async function pages(ceremonyId: string, kind: CeremonyDocumentKind, options: RenderOptions = {}): Promise<string[]> {
  const [first, second] = await withWorkspaceLog(workspace, async (store) => [
    await renderCeremonyDocument(store, ceremonyId, kind, options),
    await renderCeremonyDocument(store, ceremonyId, kind, options),
  ]);
  assert.ok(first && second && first.pdf.equals(second.pdf), `two renders of the ${kind} of ${ceremonyId} differ`);
  const text = pdfPages(ctx, first.pdf);
  assert.equal(text.length, first.pages);
  return text;
}

test('the record of the rehearsed DR ceremony: every step done and initialled, the overridden checks and their exceptions, the sealed head on every page', async () => {
  const record = await pages(run.ceremonyId, 'record');
  const all = record.join('\n');
  for (const page of record) assert.ok(page.includes(run.head.hash), 'a page lacks the sealed log head');
  assert.ok(record.at(-1)?.includes(run.head.pgpWords.slice(0, 4).join(' ')));
  const { steps, exceptions } = await withWorkspaceLog(workspace, (store) => ({
    steps: store.events(run.ceremonyId, ['step.completed']).length,
    exceptions: store.events(run.ceremonyId, ['exception']).map((e) => e.payload.exceptionId),
  }));
  assert.equal((all.match(/ done /g) ?? []).length, steps, 'not every completed step reads "done"');
  assert.ok(exceptions.length > 0);
  for (const id of exceptions) assert.ok(all.includes(`Exception ${id}`), `exception ${id} is missing`);
  assert.match(all, /FAILED KSR-CHAIN-KEYS-HSM/);
  assert.match(all, /Deviation \(check-override, check KSR-CHAIN-KEYS-HSM\) allowed by exception/);
  assert.match(all, /Chosen by triage +4\.2\.1A:/);
  assert.match(all, /Sealed +20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
});

test('the script, the letters and the trust-anchor sheet of the rehearsed ceremony read as expected', async () => {
  const { scriptHash, key, holders } = await withWorkspaceLog(workspace, (store) => {
    const generated = store.events(run.ceremonyId, ['hsm.done']).find((e) => e.payload.key && !e.payload.key.label.startsWith('AUDIT-'))?.payload.key;
    const credentials = store
      .workspaceEvents(['credential.issued'], { rehearsal: true })
      .filter((e) => e.payload.kind === 'co-card' && !e.payload.holderId.startsWith('sealed'));
    return {
      scriptHash: store.events(run.ceremonyId, ['script.loaded'])[0]?.payload.sha256 as string,
      key: generated,
      holders: [...new Set(credentials.map((e) => e.payload.holderName))],
    };
  });
  const script = await pages(run.ceremonyId, 'script');
  for (const page of script) assert.ok(page.includes(scriptHash), 'a page of the script lacks its hash');
  assert.match(script.join('\n'), /\(DR 4\.2\.1A\.\d+\)/);

  const letters = (await pages(run.ceremonyId, 'letters')).join('\n');
  assert.ok(holders.length >= 3);
  for (const name of holders) assert.match(letters, new RegExp(`Dear ${name},`));
  assert.match(squeeze(letters), /initstamper-evidentbag,serialRH-\d+,unopened/);
  assert.doesNotMatch(letters, /sealed for distribution/, 'a credential nobody holds yet got a letter');

  assert.ok(key, 'the DR ceremony generated no KSK');
  const sheet = (await pages(run.ceremonyId, 'trust-anchor')).join('\n');
  const ds = summarizeKsk('.', 172800, { flags: 257, protocol: 3, algorithm: key.algorithm, publicKey: Buffer.from(key.publicKey, 'base64') });
  assert.ok(sheet.includes(`KSK key tag ${ds.keyTag} (${key.label})`));
  assert.ok(squeeze(sheet).includes(ds.dsDigestHex), 'the DS digest of the new KSK is not on the sheet');
});

test("the RKSH share sheets of the rehearsal's backup read back as the very shares, each for its holder", async () => {
  const world = JSON.parse(readFileSync(path.join(workspace, 'rehearsal', 'world.json'), 'utf8')) as {
    credentials: Record<string, { set: string; sheet: string }>;
  };
  const shares = Object.values(world.credentials)
    .filter((c) => c.set.startsWith('rksh:'))
    .map((c) => parseShareText(c.sheet));
  const generation = run.ceremonies.find((c) => c.startsWith('ksk-generation')) as string;
  const holders = await withWorkspaceLog(
    workspace,
    (store) => new Map(store.events(generation, ['credential.issued']).map((e) => [e.payload.credentialId, e.payload.holderName])),
  );
  const sheets = await pages(generation, 'share-sheets', { shares });
  assert.equal(sheets.length, shares.length);
  shares.forEach((share, i) => {
    const page = sheets[i] as string;
    const holder = holders.get(`rksh:${share.setId}:${share.index}`) as string;
    assert.ok(page.includes(`Share ${share.index} of ${share.total}, ${holder}`), `share ${share.index} is not for ${holder}`);
    const back = parseShareText(page);
    assert.ok(back.data.equals(share.data) && back.setId === share.setId, `share ${share.index} does not read back from its sheet`);
  });
});

test('the bundle of the rehearsal, exported to a stick with the command line, verifies on it after replugging, and fails on a changed byte', async (t) => {
  let usb: string;
  let image: string | null = null;
  if (isRoot) ({ dir: usb, image } = loopExt4(t, 64));
  else mkdirSync((usb = path.join(root, 'usb')));
  const exported = cli(['bundle', 'export', '--workspace', workspace, '--ceremony', run.ceremonyId, '--to', usb, '--json']);
  assert.equal(exported.status, 0, exported.stderr);
  const bundle = JSON.parse(exported.stdout) as { path: string; logHead: { hex: string }; sealed: boolean };
  assert.equal(bundle.logHead.hex, run.head.hash);
  assert.equal(bundle.sealed, true);
  if (image) replug(usb, image);
  const cameras = await withWorkspaceLog(
    workspace,
    (store) => store.events(run.ceremonyId, ['action.performed']).find((e) => e.payload.kind === 'camera-start')?.payload.result.at,
  );
  const meta = (JSON.parse(readFileSync(path.join(bundle.path, 'manifest.json'), 'utf8')) as { meta: Record<string, string> }).meta;
  assert.deepEqual([meta.recordingStart, meta.recordingStartSource], [cameras, 'camera-start step'], 'the chapters do not start when the cameras did');
  assert.match(readFileSync(path.join(bundle.path, 'chapters.vtt'), 'utf8'), /^WEBVTT\n\n1\n00:00:00\.000 --> /);

  const verified = cli(['bundle', 'verify', bundle.path, '--json']);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  const verdict = JSON.parse(verified.stdout) as { ok: boolean; logHead: { pgpWords: string[] }; checks: { check: string; detail: string }[] };
  assert.deepEqual(verdict.logHead.pgpWords, run.head.pgpWords);
  assert.match(verdict.checks.find((c) => c.check === 'skr')?.detail ?? '', /every signature verifies/);
  assert.match(verdict.checks.find((c) => c.check === 'documents')?.detail ?? '', /3 PDFs rendered again from the log are the same/);

  const files = tree(bundle.path);
  const record = [...files.keys()].find((f) => f.endsWith('-record.pdf')) as string;
  const bytes = Buffer.from(files.get(record) as Buffer);
  bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x01;
  writeFileSync(path.join(bundle.path, record), bytes);
  const tampered = cli(['bundle', 'verify', bundle.path]);
  assert.equal(tampered.status, 1);
  assert.match(tampered.stdout, new RegExp(`^INVALID: The bundle does not verify: ${record.replace(/[.]/g, '\\.')} was changed: SHA-256 ${sha256Hex(bytes)}`));
});

test("the script's export step wrote the record so far: a partial bundle whose manifest hash the log recorded, verified as such", async () => {
  const written = await withWorkspaceLog(workspace, (store) => {
    const performed = store.events(run.ceremonyId, ['action.performed']).filter((e) => e.payload.kind === 'export');
    return performed.flatMap((e) =>
      (e.payload.result.written as { artifact: string; file: string; manifestSha256: string; logHead: { seq: number } }[]).filter(
        (w) => w.artifact === 'ceremony-record',
      ),
    );
  });
  assert.equal(written.length, 1, 'the export step did not write the ceremony record');
  const partial = written[0] as { file: string; manifestSha256: string; logHead: { seq: number } };
  assert.equal(sha256Hex(readFileSync(path.join(partial.file, 'manifest.json'))), partial.manifestSha256);
  assert.ok(partial.logHead.seq < run.head.seq);
  const verdict = JSON.parse(cli(['bundle', 'verify', partial.file, '--allow-unsealed', '--json']).stdout) as {
    ok: boolean;
    sealed: boolean;
    logHead: { seq: number };
  };
  assert.deepEqual([verdict.ok, verdict.sealed, verdict.logHead.seq], [true, false, partial.logHead.seq]);
  assert.equal(cli(['bundle', 'verify', partial.file]).status, 1, 'a partial record passes as the final one');
});
