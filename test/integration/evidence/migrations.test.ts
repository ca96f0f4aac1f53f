import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { encodeEvent, GENESIS_PREV_HASH, type EventDocument } from '../../../core/evidence/canonical.js';
import { openDatabase } from '../../../core/evidence/database.js';
import { openEvidenceStore } from '../../../core/evidence/index.js';
import { APPLICATION_ID, migrate, migrations, SCHEMA_VERSION, schemaVersion } from '../../../core/evidence/migrations/index.js';
import { isKskError } from '../../../core/errors.js';
import { tempDir } from '../../helpers/tmp.js';
import { steppingClock } from './sampleLog.js';

function dbAt(t: TestContext, version: number): { db: Database.Database; file: string } {
  const file = path.join(tempDir(t), 'evidence.sqlite');
  const db = openDatabase(file);
  t.after(() => db.close());
  migrate(db, file, version);
  assert.equal(schemaVersion(db), version);
  return { db, file };
}

function eventRow(seq: number, prevHash: string, ceremonyId = 'c1') {
  const doc: EventDocument = { v: 1, ceremonyId, seq, time: `2025-01-01T00:00:0${seq}.000Z`, prevHash, type: 'note', payload: { text: `event ${seq}` } };
  const { bytes, hash } = encodeEvent(doc);
  return { ceremony_id: ceremonyId, seq, time: doc.time, type: doc.type, prev_hash: Buffer.from(prevHash, 'hex'), hash, canonical: bytes };
}

function insertChain(db: Database.Database, n: number): Buffer[] {
  const insert = db.prepare(
    'INSERT INTO events (ceremony_id, seq, time, type, prev_hash, hash, canonical) VALUES (@ceremony_id, @seq, @time, @type, @prev_hash, @hash, @canonical)',
  );
  const hashes: Buffer[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const row = eventRow(seq, hashes.at(-1)?.toString('hex') ?? GENESIS_PREV_HASH);
    insert.run(row);
    hashes.push(row.hash);
  }
  return hashes;
}

const refused = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: Error) => pattern.test(e.message));

test('the migrations are numbered 1, 2, 3... and the schema version is the last', () => {
  assert.deepEqual(
    migrations.map((m) => m.version),
    Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
  );
});

test('migration 1 creates the events table: STRICT, chained on insert, append-only', (t) => {
  const { db } = dbAt(t, 1);
  assert.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
  assert.match(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'events'").pluck().get() as string, /STRICT/);
  const hashes = insertChain(db, 3);
  refused(
    () => db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)').run('c1', 5, 't', 'note', hashes[2], Buffer.alloc(32, 9), Buffer.from('x')),
    /follow the head/,
  );
  refused(
    () => db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)').run('c1', 4, 't', 'note', hashes[0], Buffer.alloc(32, 9), Buffer.from('x')),
    /follow the head/,
  );
  refused(
    () => db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)').run('c1', 4, 't', 'note', hashes[2], 'not a blob', Buffer.from('x')),
    /cannot store TEXT value in BLOB column|constraint/i,
  );
  refused(() => db.prepare("UPDATE events SET time = 'x' WHERE seq = 2").run(), /append-only: an event cannot be changed/);
  refused(() => db.prepare('DELETE FROM events WHERE seq = 3').run(), /append-only: an event cannot be deleted/);
  assert.equal(db.prepare('SELECT count(*) FROM events').pluck().get(), 3);
});

test('migration 2 adds content-addressed, immutable artifacts and keeps the events', (t) => {
  const { db, file } = dbAt(t, 1);
  const hashes = insertChain(db, 2);
  migrate(db, file, 2);
  assert.equal(schemaVersion(db), 2);
  assert.deepEqual(db.prepare('SELECT hash FROM events ORDER BY seq').pluck().all(), hashes);
  db.prepare('INSERT INTO artifacts (sha256, size, bytes) VALUES (?, ?, ?)').run(Buffer.alloc(32, 1), 3, Buffer.from('abc'));
  refused(() => db.prepare('UPDATE artifacts SET bytes = ?').run(Buffer.from('abd')), /cannot be changed/);
  refused(() => db.prepare('DELETE FROM artifacts').run(), /cannot be deleted/);
  refused(() => db.prepare('INSERT INTO artifacts (sha256, size, bytes) VALUES (?, ?, ?)').run(Buffer.alloc(31, 1), 3, Buffer.from('abc')), /CHECK constraint/);
});

test('migration 3 adds seals: a seal covers the head, and a sealed chain takes no more events', (t) => {
  const { db, file } = dbAt(t, 2);
  const hashes = insertChain(db, 3);
  migrate(db, file, 3);
  assert.equal(schemaVersion(db), 3);
  assert.equal(db.prepare('SELECT count(*) FROM events').pluck().get(), 3);
  const seal = db.prepare('INSERT INTO seals (ceremony_id, head_seq, head_hash, statement, signature) VALUES (?, ?, ?, ?, ?)');
  refused(() => seal.run('c1', 2, hashes[1], Buffer.from('{}'), Buffer.from('sig')), /cover the head/);
  seal.run('c1', 3, hashes[2], Buffer.from('{}'), Buffer.from('sig'));
  const next = eventRow(4, (hashes[2] as Buffer).toString('hex'));
  refused(
    () =>
      db
        .prepare(
          'INSERT INTO events (ceremony_id, seq, time, type, prev_hash, hash, canonical) VALUES (@ceremony_id, @seq, @time, @type, @prev_hash, @hash, @canonical)',
        )
        .run(next),
    /sealed/,
  );
  refused(() => db.prepare('DELETE FROM seals').run(), /cannot be deleted/);
  refused(() => db.prepare("UPDATE seals SET signature = x'00'").run(), /cannot be changed/);
});

test('all pending migrations run in one transaction: when one fails, none is applied', (t) => {
  const file = path.join(tempDir(t), 'evidence.sqlite');
  const db = openDatabase(file);
  t.after(() => db.close());
  db.exec('CREATE TABLE seals (x TEXT)'); // makes migration 3 fail after 1 and 2 ran
  assert.throws(() => migrate(db, file), /already exists/);
  assert.equal(schemaVersion(db), 0);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name IN ('events', 'artifacts')").pluck().get(), 0);
});

test('a database written by a newer version is refused and left untouched', (t) => {
  const file = path.join(tempDir(t), 'evidence.sqlite');
  openEvidenceStore(file, steppingClock()).close();
  const raw = new Database(file);
  raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  const before = readFileSync(file);
  assert.throws(
    () => openEvidenceStore(file, steppingClock()),
    (e) => isKskError(e) && e.code === 'STORAGE_ERROR' && /newer version of KSK Ceremony \(schema 4; this version knows up to 3\)/.test(e.message),
  );
  assert.deepEqual(readFileSync(file), before);
});

test('an SQLite database of another application is refused, not migrated', (t) => {
  const file = path.join(tempDir(t), 'other.sqlite');
  const raw = new Database(file);
  raw.exec('CREATE TABLE contacts (name TEXT); PRAGMA user_version = 1;');
  raw.close();
  assert.throws(() => openEvidenceStore(file, steppingClock()), /not a KSK Ceremony evidence log/);
});

test('a new store is created in WAL mode with synchronous=FULL and foreign keys on', (t) => {
  const file = path.join(tempDir(t), 'evidence.sqlite');
  openEvidenceStore(file, steppingClock()).close();
  const db = openDatabase(file);
  t.after(() => db.close());
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('synchronous', { simple: true }), 2);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
});
