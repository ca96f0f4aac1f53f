import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openEvidenceStore, verifyEvidence } from '../../../core/evidence/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { editColumnBehindIndex, flipIndexEntryByte } from './pageDamage.js';
import { steppingClock, writeSampleCeremony } from './sampleLog.js';
import { seededRandom } from './tampering.js';

const TRIALS = Number(process.env.STORAGE_TRIALS ?? 30);

async function checkpointedLog(dir: string): Promise<string> {
  const file = path.join(dir, 'sealed.sqlite');
  const store = openEvidenceStore(file, steppingClock());
  await writeSampleCeremony(store, '2025-Q1', { notes: 60 });
  await writeSampleCeremony(store, '2025-Q2', { notes: 60 });
  store.close();
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = DELETE');
  db.close();
  assert.equal(existsSync(`${file}-wal`), false);
  return file;
}

test(`storage damage is caught before the chain is read: ${TRIALS} flipped index bytes and ${TRIALS} columns changed behind their index`, async (t) => {
  const dir = tempDir(t);
  const original = await checkpointedLog(dir);
  assert.equal(verifyEvidence(original).ok, true);
  const seed = Number(process.env.STORAGE_SEED ?? 18);
  const rng = seededRandom(seed);
  const copy = path.join(dir, 'damaged.sqlite');
  const caught = { index: 0, column: 0 };
  for (let i = 0; i < TRIALS; i++) {
    copyFileSync(original, copy);
    assert.ok(flipIndexEntryByte(copy, rng));
    const report = verifyEvidence(copy);
    assert.equal(report.ok, false, `index flip ${i} (seed ${seed}) not caught: ${report.message}`);
    assert.equal(report.problems[0]?.check, 'damaged', report.message);
    caught.index++;

    copyFileSync(original, copy);
    assert.ok(editColumnBehindIndex(copy, i % 2 === 0 ? '2025-Q1' : 'step.started', i % 2 === 0 ? '2025-Q3' : 'step.stopped', rng));
    const edited = verifyEvidence(copy);
    assert.equal(edited.ok, false, `column edit ${i} (seed ${seed}) not caught: ${edited.message}`);
    assert.match(edited.message, /damaged/);
    caught.column++;
  }
  t.diagnostic(`caught ${caught.index}/${TRIALS} index flips, ${caught.column}/${TRIALS} stale-index column edits`);
});

test('a damaged file is named damaged, with what SQLite found, not "OK" with a phantom ceremony', async (t) => {
  const dir = tempDir(t);
  const original = await checkpointedLog(dir);
  const copy = path.join(dir, 'damaged.sqlite');
  copyFileSync(original, copy);
  editColumnBehindIndex(copy, '2025-Q2', '2025-Q9', seededRandom(1));
  const report = verifyEvidence(copy);
  assert.equal(report.ok, false);
  assert.equal(report.ceremonies.length, 0, 'no ceremony is reported from a damaged file');
  assert.match(report.message, /^The database file is damaged: SQLite's integrity check reports: .*(missing from index|wrong # of entries)/);
});
