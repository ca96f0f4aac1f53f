import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openEvidenceStore, verifyEvidence } from '../../../core/evidence/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { steppingClock, writeSampleCeremony } from './sampleLog.js';
import { applyTamper, randomTamper, seededRandom, snapshot } from './tampering.js';

const EDITS = Number(process.env.TAMPER_EDITS ?? 1000);

test(`verify catches each of ${EDITS} random edits of a sealed log and names the first bad event`, async (t) => {
  const dir = tempDir(t);
  const original = path.join(dir, 'sealed.sqlite');
  const store = openEvidenceStore(original, steppingClock());
  await writeSampleCeremony(store, '2025-Q1', { notes: 15 });
  await writeSampleCeremony(store, '2025-Q2', { notes: 15 });
  store.close();
  assert.equal(verifyEvidence(original).ok, true, 'the untouched log verifies');
  const raw = new Database(original, { readonly: true });
  const snap = await snapshot(raw);
  raw.close();

  const seed = Number(process.env.TAMPER_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const rng = seededRandom(seed);
  const copy = path.join(dir, 'tampered.sqlite');
  const kinds = new Map<string, number>();
  for (let i = 0; i < EDITS; i++) {
    const tamper = randomTamper(rng, snap);
    kinds.set(tamper.kind, (kinds.get(tamper.kind) ?? 0) + 1);
    copyFileSync(original, copy);
    const db = new Database(copy);
    applyTamper(db, tamper);
    db.close();
    const report = verifyEvidence(copy);
    const context = `edit ${i} (TAMPER_SEED=${seed}): ${tamper.kind} ${tamper.detail}: ${report.message}`;
    assert.equal(report.ok, false, `not caught: ${context}`);
    assert.equal(report.firstBadCeremonyId ?? null, tamper.expect.ceremonyId, context);
    assert.equal(report.firstBadSeq ?? null, tamper.expect.seq, context);
    if (tamper.expect.check) assert.equal(report.problems[0]?.check, tamper.expect.check, context);
    assert.doesNotMatch(report.message, /undefined|null|\[object/, context);
    rmSync(copy, { force: true });
  }
  t.diagnostic(`seed ${seed}; edits by kind: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  assert.ok(kinds.size >= 15, `only ${kinds.size} kinds of edit were tried`);
});
