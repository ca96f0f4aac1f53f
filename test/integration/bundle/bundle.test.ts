import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { canonicalScript } from '../../../core/ceremony/hash.js';
import { loadTemplate } from '../../../core/ceremony/templates.js';
import { softwareSealer } from '../../../core/evidence/seal.js';
import { buildManifest, manifestBytes, MANIFEST_FILE, sumsBytes, SUMS_FILE, type Manifest } from '../../../core/export/manifest.js';
import { bundleName, exportBundle, type ExportedBundle } from '../../../core/export/bundle/export.js';
import { verifyBundle } from '../../../core/export/bundle/verify.js';
import { sha256Hex } from '../../../core/hash/sha256.js';
import { cliPath } from '../../helpers/paths.js';
import { tree } from '../export/fixture.js';
import { buildWorld, openSigningCeremony, SIGNING_ID, skrFile, type HandBuiltWorld } from './handBuilt.js';

let root: string;
let world: HandBuiltWorld;
let bundle: ExportedBundle;

before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ksk-bundle-'));
  world = await buildWorld(path.join(root, 'workspace'));
  mkdirSync(path.join(root, 'usb'));
  bundle = await exportBundle({ workspace: world.workspace, ceremonyId: SIGNING_ID, to: path.join(root, 'usb') });
});
after(() => {
  world.store.close();
  rmSync(root, { recursive: true, force: true });
});

/** A fresh folder below the test's root. */
function folder(name: string): string {
  const dir = mkdtempSync(path.join(root, `${name}-`));
  return dir;
}

/** A copy of the exported bundle to tamper with. */
function copyOfBundle(): string {
  const dir = path.join(folder('copy'), path.basename(bundle.path));
  cpSync(bundle.path, dir, { recursive: true });
  return dir;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
}

/** What a careful forger does after changing a file: the manifest and SHA256SUMS written again to match. */
function rewriteManifest(dir: string): void {
  const manifest = readManifest(dir);
  for (const entry of manifest.files) {
    const bytes = readFileSync(path.join(dir, entry.path));
    entry.size = bytes.length;
    entry.sha256 = sha256Hex(bytes);
  }
  writeFileSync(path.join(dir, MANIFEST_FILE), manifestBytes(manifest));
  writeFileSync(path.join(dir, SUMS_FILE), sumsBytes(manifest));
}

function flipByte(file: string, at: (length: number) => number): void {
  const bytes = readFileSync(file);
  const i = at(bytes.length);
  bytes[i] = (bytes[i] as number) ^ 0x04;
  writeFileSync(file, bytes);
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('the bundle holds the log snapshot, the PDFs, every artifact, the seal, the attestations, the chapters and a README, and verifies', async () => {
  assert.equal(path.basename(bundle.path), 'REHEARSAL-KSK-R55-final-bundle');
  assert.match(readFileSync(path.join(bundle.path, 'README-AUDITOR.txt'), 'utf8'), /^FINAL bundle: written after the ceremony was closed and sealed\./m);
  assert.equal(bundle.sealed, true);
  const seal = world.store.seal(SIGNING_ID)?.statement;
  assert.deepEqual([bundle.logHead.seq, bundle.logHead.hex], [seal?.headSeq, seal?.headHash]);
  const files = [...tree(bundle.path).keys()];
  for (const expected of [
    'README-AUDITOR.txt',
    'manifest.json',
    'SHA256SUMS',
    'ceremony.json',
    'seal.json',
    'attestations.json',
    'chapters.vtt',
    'log/ceremony.sqlite',
    'log/events.jsonl',
    'documents/KSK-R55-script.pdf',
    'documents/KSK-R55-record.pdf',
  ]) {
    assert.ok(files.includes(expected), `${expected} is missing`);
  }
  const artifacts = files.filter((f) => f.startsWith('artifacts/'));
  assert.deepEqual(artifacts.map((f) => f.replace(/^artifacts\/\d+-/, '')).sort(), [
    'ksr-ksr-root-2018-q1-0-d_to_e.xml',
    'script-ksr-signing.json',
    'signature-image-signature-of-Ivan-Witness-IW.png',
    'skr-skr-root-2018-q1-0-d_to_e.xml',
  ]);
  const skr = artifacts.find((f) => f.includes('-skr-')) as string;
  assert.ok(readFileSync(path.join(bundle.path, skr)).equals(readFileSync(skrFile)), 'the SKR is not the one the ceremony stored');
  const script = artifacts.find((f) => f.includes('-script-')) as string;
  assert.equal(readFileSync(path.join(bundle.path, script), 'utf8'), canonicalScript(loadTemplate('ksr-signing')));

  const verdict = await verifyBundle(bundle.path);
  assert.equal(verdict.ok, true, verdict.message);
  assert.deepEqual(
    verdict.checks.map((c) => [c.check, c.ok]),
    [
      ['manifest', true],
      ['log', true],
      ['seal', true],
      ['contents', true],
      ['documents', true],
      ['skr', true],
    ],
  );
  assert.match(verdict.checks.find((c) => c.check === 'skr')?.detail ?? '', /9 bundles, 9 signatures by key tag 25486/);
  assert.deepEqual(verdict.logHead, bundle.logHead);
  assert.equal(verdict.manifestSha256, bundle.manifestSha256);

  const sums = spawnSync('sha256sum', ['--check', '--strict', SUMS_FILE], { cwd: bundle.path, encoding: 'utf8' });
  assert.equal(sums.status, 0, sums.stdout + sums.stderr);
  const log = cli(['log', 'verify', path.join(bundle.path, 'log/ceremony.sqlite'), '--require-seal']);
  assert.equal(log.status, 0, log.stdout + log.stderr);
});

test("every line of events.jsonl hashes to its event's hash, and the attestations, seal and README say what the log says", () => {
  const db = new Database(path.join(bundle.path, 'log/ceremony.sqlite'), { readonly: true });
  const hashes = (db.prepare('SELECT hash FROM events ORDER BY seq').pluck().all() as Buffer[]).map((h) => h.toString('hex'));
  db.close();
  const lines = readFileSync(path.join(bundle.path, 'log/events.jsonl'), 'utf8').split('\n').slice(0, -1);
  assert.deepEqual(
    lines.map((l) => sha256Hex(l)),
    hashes,
  );

  const attestations = JSON.parse(readFileSync(path.join(bundle.path, 'attestations.json'), 'utf8')) as {
    name: string;
    agreed: boolean;
    reason?: string;
    signature?: string;
  }[];
  assert.equal(attestations.length, world.store.events(SIGNING_ID, ['attestation.signed', 'attestation.declined']).length);
  const declined = attestations.filter((a) => !a.agreed);
  assert.deepEqual(
    declined.map((a) => a.name),
    ['Sam Safe'],
  );
  for (const a of attestations.filter((x) => x.agreed))
    assert.ok(a.signature && existsSync(path.join(bundle.path, a.signature)), `the signature of ${a.name} is not in the bundle`);

  const seal = JSON.parse(readFileSync(path.join(bundle.path, 'seal.json'), 'utf8')) as { statement: { headHash: string }; signatureBase64: string };
  assert.equal(seal.statement.headHash, bundle.logHead.hex);
  assert.ok(Buffer.from(seal.signatureBase64, 'base64').equals(world.store.seal(SIGNING_ID)?.signature as Buffer));

  const readme = readFileSync(path.join(bundle.path, 'README-AUDITOR.txt'), 'utf8');
  assert.match(readme, /ksk-ceremony bundle verify <this folder>/);
  assert.match(readme, /REHEARSAL\. This bundle records a rehearsal ceremony/);
  assert.ok(readme.includes(bundle.logHead.pgpWords.slice(0, 8).join(' ')), 'the head words are not in the README');
  for (const file of tree(bundle.path).keys()) assert.ok(readme.includes(`  ${file}  `), `the README does not describe ${file}`);
});

test('the chapters map each step to its time from the camera-start step, or from a start time given at export', async () => {
  const vtt = readFileSync(path.join(bundle.path, 'chapters.vtt'), 'utf8');
  const started = world.store.events(SIGNING_ID, ['step.completed']).find((e) => e.payload.stepId === 'cameras-start')?.time as string;
  const facilityLog = world.store.events(SIGNING_ID, ['step.started']).find((e) => e.payload.stepId === 'facility-log')?.time as string;
  const offset = new Date(Date.parse(facilityLog) - Date.parse(started)).toISOString().slice(11, 23);
  assert.match(vtt, new RegExp(`^WEBVTT\\n\\n1\\n${offset.replace(/\./g, '\\.')} --> [\\d:.]+\\nStep 2\\.2: The SA records the entry of every participant`));
  assert.match(vtt, /Step 8\.9: The CA shuts the laptop down/);
  assert.equal(readManifest(bundle.path).meta.recordingStartSource, 'camera-start step');

  const given = await exportBundle({ workspace: world.workspace, ceremonyId: SIGNING_ID, to: folder('given'), recordingStart: '2024-04-25T13:00:00.000Z' });
  const shifted = readFileSync(path.join(given.path, 'chapters.vtt'), 'utf8');
  const opening = world.store.events(SIGNING_ID, ['step.started']).find((e) => e.payload.stepId === 'cameras-start')?.time as string;
  const from = new Date(Date.parse(opening) - Date.parse('2024-04-25T13:00:00.000Z')).toISOString().slice(11, 23);
  assert.match(
    shifted,
    new RegExp(`^WEBVTT\\n\\n1\\n${from.replace(/\./g, '\\.')} --> [\\d:.]+\\nStep 2\\.1: Film and create attestations`),
    'the chapters do not start from the given time',
  );
  assert.doesNotMatch(shifted, /Step 1\.1/, 'a preparation step, off camera, has a chapter');
  assert.equal(readManifest(given.path).meta.recordingStart, '2024-04-25T13:00:00.000Z');
  assert.equal((await verifyBundle(given.path)).ok, true);
});

test('a second export of the same log is identical byte for byte, and the workspace is left as it was', async () => {
  const files = ['ceremony.sqlite', 'ceremony.sqlite-wal'].map((f) => path.join(world.workspace.root, f)).filter((f) => existsSync(f));
  const before = files.map((f) => sha256Hex(readFileSync(f)));
  const second = await exportBundle({ workspace: world.workspace, ceremonyId: SIGNING_ID, to: folder('second') });
  assert.deepEqual(tree(second.path), tree(bundle.path));
  assert.equal(second.manifestSha256, bundle.manifestSha256);
  assert.deepEqual(
    files.map((f) => sha256Hex(readFileSync(f))),
    before,
    "the ceremony's own data changed",
  );
  assert.deepEqual(readdirSync(world.workspace.tmp), [], 'the snapshot was left in the workspace');

  await assert.rejects(exportBundle({ workspace: world.workspace, ceremonyId: SIGNING_ID, to: path.dirname(bundle.path) }), {
    code: 'CONFLICT',
    message: /already exists/,
  });
  const replaced = await exportBundle({ workspace: world.workspace, ceremonyId: SIGNING_ID, to: path.dirname(second.path), replace: true });
  assert.deepEqual(tree(replaced.path), tree(bundle.path));
});

test('a changed byte in any file of the bundle fails verification, naming that file', async () => {
  const dir = copyOfBundle();
  const files = [...tree(dir).keys()];
  for (const [i, file] of files.entries()) {
    const full = path.join(dir, file);
    const original = readFileSync(full);
    flipByte(full, (length) => (i * 7919) % length);
    const verdict = await verifyBundle(dir);
    assert.equal(verdict.ok, false, `a changed byte in ${file} went unnoticed`);
    assert.equal(verdict.problems[0]?.path, file, `${file}: ${verdict.message}`);
    assert.match(verdict.message, new RegExp(file.replace(/[.]/g, '\\.')));
    writeFileSync(full, original);
  }
  assert.equal((await verifyBundle(dir)).ok, true);
});

test('a forger who rewrites the manifest after changing a file is caught by what the log gives', async () => {
  const cases: [string, (dir: string) => string, RegExp][] = [
    [
      'an artifact',
      (dir) => {
        const skr = readManifest(dir).files.find((f) => f.path.includes('-skr-'))?.path as string;
        flipByte(path.join(dir, skr), (n) => n - 200);
        return skr;
      },
      /is not what the log gives: it was changed after the export/,
    ],
    [
      'the record',
      (dir) => {
        const record = path.join(dir, 'documents/KSK-R55-record.pdf');
        writeFileSync(record, Buffer.concat([readFileSync(record), Buffer.from('%% appended\n')]));
        return 'documents/KSK-R55-record.pdf';
      },
      /rendered again from the log, its bytes differ/,
    ],
    [
      'the README',
      (dir) => {
        const readme = path.join(dir, 'README-AUDITOR.txt');
        writeFileSync(readme, readFileSync(readme, 'utf8').replace('Sealed:', 'Sealed (by the HSM):'));
        return 'README-AUDITOR.txt';
      },
      /is not what the log gives/,
    ],
    [
      'an added file',
      (dir) => {
        writeFileSync(path.join(dir, 'artifacts/9999-skr-better.xml'), '<Response/>');
        return 'artifacts/9999-skr-better.xml';
      },
      /is not a file the log gives: it was added after the export/,
    ],
  ];
  for (const [what, change, message] of cases) {
    const dir = copyOfBundle();
    const file = change(dir);
    if (what === 'an added file') {
      const manifest = readManifest(dir);
      manifest.files.push({ path: file, size: 0, sha256: '0'.repeat(64) });
      writeFileSync(path.join(dir, MANIFEST_FILE), manifestBytes(manifest));
    }
    rewriteManifest(dir);
    const verdict = await verifyBundle(dir);
    assert.equal(verdict.ok, false, `${what}: went unnoticed`);
    assert.equal(verdict.checks.find((c) => c.check === 'manifest')?.ok, true, `${what}: the manifest was not rewritten`);
    assert.equal(verdict.problems[0]?.path, file, `${what}: ${verdict.message}`);
    assert.match(verdict.message, message);
  }
});

test('an event changed in the log and the manifest rewritten: the log check names the event', async () => {
  const dir = copyOfBundle();
  const file = path.join(dir, 'log/ceremony.sqlite');
  const db = new Database(file);
  const triggers = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").pluck().all() as string[];
  for (const name of triggers) db.exec(`DROP TRIGGER ${name}`);
  // The IW's first initials, given to someone else.
  const row = db.prepare("SELECT seq, canonical FROM events WHERE ceremony_id = ? AND type = 'initials' ORDER BY seq LIMIT 1").get(SIGNING_ID) as {
    seq: number;
    canonical: Buffer;
  };
  db.prepare('UPDATE events SET canonical = ? WHERE ceremony_id = ? AND seq = ?').run(
    Buffer.from(row.canonical.toString('utf8').replace('"ivan"', '"sue"')),
    SIGNING_ID,
    row.seq,
  );
  db.close();
  rewriteManifest(dir);
  const verdict = await verifyBundle(dir);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.problems[0]?.check, 'log');
  assert.match(verdict.message, new RegExp(`log/ceremony\\.sqlite: Event ${row.seq} of ceremony KSK-R55 is the first that differs`));
  assert.equal(verdict.logHead, null, 'a log that does not verify has no head to compare');
});

test('an SKR whose signature does not verify is named, with the bundle and key', async () => {
  const store = world.store;
  const id = 'KSK-R58';
  openSigningCeremony(store, id);
  const xml = readFileSync(skrFile, 'utf8');
  const at = xml.indexOf('<SignatureData>') + '<SignatureData>'.length + 10;
  const broken = `${xml.slice(0, at)}${xml[at] === 'A' ? 'B' : 'A'}${xml.slice(at + 1)}`;
  store.storeArtifact(id, { name: 'skr-broken.xml', kind: 'skr', mediaType: 'application/xml', bytes: Buffer.from(broken) });
  await store.closeCeremony(id, softwareSealer());
  const exported = await exportBundle({ workspace: world.workspace, ceremonyId: id, to: folder('broken-skr') });
  const verdict = await verifyBundle(exported.path);
  assert.equal(verdict.ok, false);
  assert.deepEqual(
    verdict.problems.map((p) => p.check),
    ['skr'],
  );
  assert.match(verdict.message, /artifacts\/\d+-skr-skr-broken\.xml: bundle 1 \(.+\) does not verify: the signature by RSA1 \(key tag 25486\)/);
});

test('a ceremony exported before its seal is a partial record: refused unless accepted as such', async () => {
  const store = world.store;
  const id = 'KSK-R59';
  openSigningCeremony(store, id);
  const exported = await exportBundle({ workspace: world.workspace, ceremonyId: id, to: folder('partial') });
  assert.equal(exported.sealed, false);
  assert.equal(path.basename(exported.path), bundleName(id, 'REHEARSAL', { sealed: false, headSeq: exported.logHead.seq }));
  assert.equal(path.basename(exported.path), `REHEARSAL-${id}-partial-e${exported.logHead.seq}-bundle`);
  assert.match(
    readFileSync(path.join(exported.path, 'README-AUDITOR.txt'), 'utf8'),
    new RegExp(`^PARTIAL bundle: written during the ceremony, before its seal, with the log up to event ${exported.logHead.seq}\\.`, 'm'),
  );
  assert.deepEqual(exported.logHead.hex, store.head(id)?.hash);
  assert.ok(!existsSync(path.join(exported.path, 'seal.json')));
  assert.match(readFileSync(path.join(exported.path, 'README-AUDITOR.txt'), 'utf8'), /Sealed: +NO: the ceremony was not sealed when this bundle was written/);
  const refused = await verifyBundle(exported.path);
  assert.equal(refused.ok, false);
  assert.match(refused.message, /was not sealed when this bundle was written: it is a partial record/);
  const accepted = await verifyBundle(exported.path, { allowUnsealed: true });
  assert.deepEqual([accepted.ok, accepted.sealed], [true, false]);
  assert.match(
    accepted.message,
    /^The partial bundle of ceremony KSK-R59, written before its seal, verifies as far as it goes: .* It is not the final record\.$/,
  );
});

test('ksk-ceremony bundle export and verify: exit 0 when valid, 1 when tampered, 3 when not a bundle', async () => {
  const to = folder('cli');
  const exported = cli(['bundle', 'export', '--workspace', world.workspace.root, '--ceremony', SIGNING_ID, '--to', to, '--json']);
  assert.equal(exported.status, 0, exported.stderr);
  const result = JSON.parse(exported.stdout) as { path: string; logHead: { hex: string } };
  assert.deepEqual(tree(result.path), tree(bundle.path));

  const valid = cli(['bundle', 'verify', result.path]);
  assert.equal(valid.status, 0, valid.stdout + valid.stderr);
  assert.match(valid.stdout, /^VALID: The bundle of ceremony KSK-R55 verifies/);
  assert.ok(valid.stdout.includes(bundle.logHead.pgpWords.slice(0, 8).join(' ')), 'the head is not given in words');

  flipByte(path.join(result.path, 'attestations.json'), (n) => n >> 1);
  const tampered = cli(['bundle', 'verify', result.path, '--json']);
  assert.equal(tampered.status, 1);
  const verdict = JSON.parse(tampered.stdout) as { ok: boolean; problems: { path: string }[] };
  assert.equal(verdict.ok, false);
  assert.equal(verdict.problems[0]?.path, 'attestations.json');

  const none = cli(['bundle', 'verify', to]);
  assert.equal(none.status, 3);
  assert.match(none.stderr, /has no manifest\.json: it is not a bundle/);
  const other = folder('other');
  const manifest = await buildManifest([{ path: 'a.txt', bytes: Buffer.from('a') }]);
  writeFileSync(path.join(other, MANIFEST_FILE), manifestBytes(manifest));
  const foreign = cli(['bundle', 'verify', other]);
  assert.equal(foreign.status, 3, foreign.stdout + foreign.stderr);
  assert.match(foreign.stderr, /not of a ceremony bundle/);
});
