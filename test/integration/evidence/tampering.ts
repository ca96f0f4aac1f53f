import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EventRow } from '../../../core/evidence/database.js';
import { encodeEvent, GENESIS_PREV_HASH, type EventDocument } from '../../../core/evidence/canonical.js';
import { sealStatementBytes, softwareSealer, type SealStatement } from '../../../core/evidence/seal.js';
import type { VerifyCheck } from '../../../core/evidence/verify.js';
import { sha256 } from '../../../core/hash/sha256.js';

/**
 * Random edits of a sealed evidence database, made the way someone with the file and a SQLite
 * shell would: triggers dropped, rows changed, triggers put back. Each edit knows which event the
 * verifier must name as the first that differs.
 */

export interface Snapshot {
  /** Ceremonies in the order they were opened, with their rows in chain order. */
  ceremonies: { id: string; rows: EventRow[] }[];
  artifacts: { sha256: Buffer; bytes: Buffer; firstRef: { ceremonyId: string; seq: number } }[];
  seals: Map<string, { statement: SealStatement; headSeq: number }>;
  /** Per ceremony, a valid seal by another key over the same statement (what a forger can make). */
  forgedSeals: Map<string, { statement: Buffer; signature: Buffer }>;
}

export interface Tamper {
  readonly kind: string;
  readonly detail: string;
  apply(db: Database.Database): void;
  readonly expect: { ceremonyId: string | null; seq: number | null; check?: VerifyCheck };
}

export async function snapshot(db: Database.Database): Promise<Snapshot> {
  const ids = db.prepare('SELECT ceremony_id FROM events WHERE seq = 1 ORDER BY time').pluck().all() as string[];
  const ceremonies = ids.map((id) => ({ id, rows: db.prepare('SELECT * FROM events WHERE ceremony_id = ? ORDER BY seq').all(id) as EventRow[] }));
  const refs = new Map<string, { ceremonyId: string; seq: number }>();
  for (const c of ceremonies) {
    for (const row of c.rows) {
      const doc = JSON.parse(row.canonical.toString('utf8')) as { type: string; payload: { sha256?: string; signatureSha256?: string } };
      const hash = doc.type === 'artifact.stored' ? doc.payload.sha256 : doc.type === 'attestation.signed' ? doc.payload.signatureSha256 : undefined;
      if (hash && !refs.has(hash)) refs.set(hash, { ceremonyId: c.id, seq: row.seq });
    }
  }
  const artifacts = (db.prepare('SELECT sha256, bytes FROM artifacts').all() as { sha256: Buffer; bytes: Buffer }[]).map((a) => {
    const firstRef = refs.get(a.sha256.toString('hex'));
    if (!firstRef) throw new Error('the sample log has an artifact no event records');
    return { ...a, firstRef };
  });
  const seals = new Map<string, { statement: SealStatement; headSeq: number }>();
  const forgedSeals = new Map<string, { statement: Buffer; signature: Buffer }>();
  for (const row of db.prepare('SELECT ceremony_id, head_seq, statement FROM seals').all() as { ceremony_id: string; head_seq: number; statement: Buffer }[]) {
    const statement = JSON.parse(row.statement.toString('utf8')) as SealStatement;
    seals.set(row.ceremony_id, { statement, headSeq: row.head_seq });
    const forger = softwareSealer();
    const forged = { ...statement, key: forger.key };
    forgedSeals.set(row.ceremony_id, { statement: sealStatementBytes(forged), signature: await forger.sign(sealStatementBytes(forged)) });
  }
  return { ceremonies, artifacts, seals, forgedSeals };
}

/** Runs an edit as a forger would: without the triggers, without foreign keys, then restores the schema. */
export function applyTamper(db: Database.Database, tamper: Tamper): void {
  const triggers = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger'").pluck().all() as string[];
  db.pragma('foreign_keys = OFF');
  db.transaction(() => {
    for (const name of db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").pluck().all() as string[]) db.exec(`DROP TRIGGER "${name}"`);
    tamper.apply(db);
    for (const sql of triggers) db.exec(sql);
  })();
}

type Rng = () => number;

/** mulberry32: a small seeded generator, so a failing run can be repeated with its seed. */
export function seededRandom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, list: readonly T[]): T => list[int(rng, 0, list.length - 1)] as T;

function flipByte(rng: Rng, bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const i = int(rng, 0, copy.length - 1);
  copy[i] = (copy[i] as number) ^ int(rng, 1, 255);
  return copy;
}

/** Moves rows with seq > after by delta, in an order the primary key allows. */
function shiftSeqs(db: Database.Database, ceremonyId: string, after: number, delta: number): void {
  const big = 1_000_000;
  db.prepare('UPDATE events SET seq = seq + ? WHERE ceremony_id = ? AND seq > ?').run(big, ceremonyId, after);
  db.prepare('UPDATE events SET seq = seq - ? + ? WHERE ceremony_id = ? AND seq > ?').run(big, delta, ceremonyId, big);
}

function forgedRow(ceremonyId: string, seq: number, prevHash: Buffer | null, time: string, type: 'note' | 'ceremony.opened'): EventRow {
  const payload = type === 'note' ? { text: 'nothing unusual happened' } : { title: 'forged', kind: 'ksr-signing', rehearsal: false, previousCeremony: null };
  const doc = { v: 1, ceremonyId, seq, time, prevHash: prevHash?.toString('hex') ?? GENESIS_PREV_HASH, type, payload } as EventDocument;
  const { bytes, hash } = encodeEvent(doc);
  return { ceremony_id: ceremonyId, seq, time, type, prev_hash: Buffer.from(doc.prevHash, 'hex'), hash, canonical: bytes };
}

const insertRow = (db: Database.Database, row: EventRow) =>
  db
    .prepare(
      'INSERT INTO events (ceremony_id, seq, time, type, prev_hash, hash, canonical) VALUES (@ceremony_id, @seq, @time, @type, @prev_hash, @hash, @canonical)',
    )
    .run(row);

/** One random edit of the snapshot's database, with the first bad event it must be reported at. */
export function randomTamper(rng: Rng, snap: Snapshot): Tamper {
  const c = pick(rng, snap.ceremonies);
  const n = c.rows.length;
  const k = int(rng, 1, n);
  const row = c.rows[k - 1] as EventRow;
  const at = (seq: number, check?: VerifyCheck) => ({ ceremonyId: c.id, seq, ...(check ? { check } : {}) });
  const update = (column: string, value: unknown) => (db: Database.Database) =>
    db.prepare(`UPDATE events SET ${column} = ? WHERE ceremony_id = ? AND seq = ?`).run(value, c.id, k);
  const seal = snap.seals.get(c.id);
  const kinds: (() => Tamper)[] = [
    () => ({ kind: 'flip a byte of the canonical bytes', detail: `${c.id}#${k}`, apply: update('canonical', flipByte(rng, row.canonical)), expect: at(k) }),
    () => ({ kind: 'flip a byte of the stored hash', detail: `${c.id}#${k}`, apply: update('hash', flipByte(rng, row.hash)), expect: at(k) }),
    () => ({
      kind: 'flip a byte of the previous hash column',
      detail: `${c.id}#${k}`,
      apply: update('prev_hash', flipByte(rng, row.prev_hash)),
      expect: at(k),
    }),
    () => ({
      kind: 'edit the time column',
      detail: `${c.id}#${k}`,
      apply: update(
        'time',
        row.time.replace(/\d(?=\.\d{3}Z$)/, (d) => String((Number(d) + 1) % 10)),
      ),
      expect: at(k),
    }),
    () => ({ kind: 'edit the type column', detail: `${c.id}#${k}`, apply: update('type', row.type === 'note' ? 'step.completed' : 'note'), expect: at(k) }),
    () => ({ kind: 'move the seq column past the end', detail: `${c.id}#${k}`, apply: update('seq', n + int(rng, 1, 1000)), expect: at(k) }),
    () => {
      const moved = int(rng, 2, n);
      return {
        kind: 'move an event to another ceremony',
        detail: `${c.id}#${moved}`,
        apply: (db) => db.prepare("UPDATE events SET ceremony_id = 'zz-elsewhere' WHERE ceremony_id = ? AND seq = ?").run(c.id, moved),
        expect: at(moved),
      };
    },
    () => ({
      kind: 'delete an event',
      detail: `${c.id}#${k}`,
      apply: (db) => db.prepare('DELETE FROM events WHERE ceremony_id = ? AND seq = ?').run(c.id, k),
      expect: at(k),
    }),
    () => ({
      kind: 'delete an event and renumber the rest',
      detail: `${c.id}#${k}`,
      apply: (db) => {
        db.prepare('DELETE FROM events WHERE ceremony_id = ? AND seq = ?').run(c.id, k);
        shiftSeqs(db, c.id, k, -1);
      },
      expect: at(k),
    }),
    () => {
      const after = int(rng, 0, n);
      const prev = after === 0 ? null : (c.rows[after - 1] as EventRow);
      const forged = forgedRow(c.id, after + 1, prev?.hash ?? null, prev?.time ?? (c.rows[0] as EventRow).time, after === 0 ? 'ceremony.opened' : 'note');
      return {
        kind: 'insert a well-formed event and renumber the rest',
        detail: `${c.id} after #${after}`,
        apply: (db) => {
          shiftSeqs(db, c.id, after, 1);
          insertRow(db, forged);
        },
        expect: at(after + 1),
      };
    },
    () => {
      const forged = forgedRow(c.id, k, k === 1 ? null : (c.rows[k - 2] as EventRow).hash, row.time, k === 1 ? 'ceremony.opened' : 'note');
      return {
        kind: 'replace an event by a well-formed one',
        detail: `${c.id}#${k}`,
        apply: (db) => {
          db.prepare('DELETE FROM events WHERE ceremony_id = ? AND seq = ?').run(c.id, k);
          insertRow(db, forged);
        },
        expect: at(k),
      };
    },
    () => {
      let j = int(rng, 1, n - 1);
      if (j >= k) j++;
      return {
        kind: 'swap two events',
        detail: `${c.id}#${k}<->#${j}`,
        apply: (db) => {
          const set = db.prepare('UPDATE events SET seq = ? WHERE ceremony_id = ? AND seq = ?');
          set.run(1_000_000, c.id, k);
          set.run(k, c.id, j);
          set.run(j, c.id, 1_000_000);
        },
        expect: at(Math.min(j, k)),
      };
    },
    () => {
      let j = int(rng, 1, n - 1);
      if (j >= k) j++;
      return {
        kind: 'move an event to another place',
        detail: `${c.id}#${k}->#${j}`,
        apply: (db) => {
          const set = db.prepare('UPDATE events SET seq = ? WHERE ceremony_id = ? AND seq = ?');
          set.run(1_000_000, c.id, k);
          const step = j > k ? 1 : -1;
          for (let s = k + step; s !== j + step; s += step) set.run(s - step, c.id, s);
          set.run(j, c.id, 1_000_000);
        },
        expect: at(Math.min(j, k)),
      };
    },
  ];
  const artifactKinds: (() => Tamper)[] = snap.artifacts.map((a) => () => {
    const ref = { ceremonyId: a.firstRef.ceremonyId, seq: a.firstRef.seq, check: 'artifact' as const };
    return pick(rng, [
      {
        kind: 'flip a byte of an artifact',
        detail: a.sha256.toString('hex'),
        apply: (db: Database.Database) => db.prepare('UPDATE artifacts SET bytes = ? WHERE sha256 = ?').run(flipByte(rng, a.bytes), a.sha256),
        expect: ref,
      },
      {
        kind: 'replace an artifact, key and all',
        detail: a.sha256.toString('hex'),
        apply: (db: Database.Database) => {
          const bytes = Buffer.concat([a.bytes, Buffer.from(' ')]);
          db.prepare('UPDATE artifacts SET bytes = ?, size = ?, sha256 = ? WHERE sha256 = ?').run(bytes, bytes.length, sha256(bytes), a.sha256);
        },
        expect: ref,
      },
      {
        kind: 'delete an artifact',
        detail: a.sha256.toString('hex'),
        apply: (db: Database.Database) => db.prepare('DELETE FROM artifacts WHERE sha256 = ?').run(a.sha256),
        expect: ref,
      },
      {
        kind: 'edit the size of an artifact',
        detail: a.sha256.toString('hex'),
        apply: (db: Database.Database) => db.prepare('UPDATE artifacts SET size = size + 1 WHERE sha256 = ?').run(a.sha256),
        expect: ref,
      },
    ]);
  });
  const orphan: () => Tamper = () => {
    const bytes = randomBytes(64);
    return {
      kind: 'add an artifact no event records',
      detail: '',
      apply: (db) => db.prepare('INSERT INTO artifacts (sha256, size, bytes) VALUES (?, ?, ?)').run(sha256(bytes), bytes.length, bytes),
      expect: { ceremonyId: null, seq: null, check: 'artifact' },
    };
  };
  const sealKinds: (() => Tamper)[] = seal
    ? [
        () => ({
          kind: 'flip a byte of the seal signature',
          detail: c.id,
          apply: sealUpdate(c.id, 'signature', (s) => flipByte(rng, s)),
          expect: at(seal.headSeq, 'seal'),
        }),
        () => ({
          kind: 'flip a byte of the seal statement',
          detail: c.id,
          apply: sealUpdate(c.id, 'statement', (s) => flipByte(rng, s)),
          expect: at(seal.headSeq, 'seal'),
        }),
        () => ({
          kind: 'flip a byte of the sealed head hash',
          detail: c.id,
          apply: sealUpdate(c.id, 'head_hash', (s) => flipByte(rng, s)),
          expect: at(seal.headSeq, 'seal'),
        }),
        () => ({
          kind: 'delete the seal',
          detail: c.id,
          apply: (db) => db.prepare('DELETE FROM seals WHERE ceremony_id = ?').run(c.id),
          expect: at(n, 'seal'),
        }),
        () => {
          const forged = snap.forgedSeals.get(c.id) as { statement: Buffer; signature: Buffer };
          return {
            kind: 'replace the seal by a valid one made with another key',
            detail: c.id,
            apply: (db) => db.prepare('UPDATE seals SET statement = ?, signature = ? WHERE ceremony_id = ?').run(forged.statement, forged.signature, c.id),
            expect: at(seal.headSeq, 'seal'),
          };
        },
      ]
    : [];
  const group = rng();
  if (group < 0.7) return pick(rng, kinds)();
  if (group < 0.85) return rng() < 0.9 ? pick(rng, artifactKinds)() : orphan();
  return sealKinds.length > 0 ? pick(rng, sealKinds)() : pick(rng, kinds)();
}

function sealUpdate(ceremonyId: string, column: 'signature' | 'statement' | 'head_hash', change: (value: Buffer) => Buffer) {
  return (db: Database.Database) => {
    const value = db.prepare(`SELECT ${column} FROM seals WHERE ceremony_id = ?`).pluck().get(ceremonyId) as Buffer;
    db.prepare(`UPDATE seals SET ${column} = ? WHERE ceremony_id = ?`).run(change(value), ceremonyId);
  };
}
