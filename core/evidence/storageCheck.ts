import type Database from 'better-sqlite3';

/**
 * The storage-level checks verification runs first, before it reads a single event: the chain
 * checks read through indexes, and a damaged index (a flipped byte in an index page, a column
 * changed in the table but not in its index) can show rows that are not there, or hide rows that
 * are. So:
 * 1. PRAGMA integrity_check: every page, every index entry against its row;
 * 2. every index of the log's tables read on its own and compared, row by row, with a full scan
 *    of the table that uses no index (NOT INDEXED, in rowid order): any disagreement is damage;
 * 3. PRAGMA foreign_key_check: every seal names an event that exists.
 * A finding of 1 or 2 means the file is damaged: nothing read through it afterwards is trusted. A
 * finding of 3 is an edit made through SQL (an event deleted under its seal): the chain checks name
 * the event, and this is reported beside them.
 */

export interface StorageFinding {
  readonly check: 'integrity_check' | 'foreign_key_check' | 'index';
  readonly message: string;
}

const TABLES = ['events', 'artifacts', 'seals'] as const;
const MAX_REPORTED = 5;

export function checkStorage(db: Database.Database): { damage: StorageFinding[]; references: StorageFinding[] } {
  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  if (integrity.length !== 1 || integrity[0] !== 'ok') {
    return {
      damage: [
        {
          check: 'integrity_check',
          message: `SQLite's integrity check reports: ${integrity.slice(0, MAX_REPORTED).join('; ')}${integrity.length > MAX_REPORTED ? `; and ${integrity.length - MAX_REPORTED} more` : ''}`,
        },
      ],
      references: [],
    };
  }
  const damage = TABLES.filter((t) => tableExists(db, t)).flatMap((t) => crossCheckIndexes(db, t));
  const orphans = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  const references: StorageFinding[] =
    orphans.length > 0
      ? [
          {
            check: 'foreign_key_check',
            message: `${orphans.length} row(s) name a row that does not exist (${orphans
              .slice(0, MAX_REPORTED)
              .map((o) => `${o.table} row ${o.rowid} -> ${o.parent}`)
              .join(', ')}): rows were deleted`,
          },
        ]
      : [];
  return { damage, references };
}

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Each index read alone (covering: rowid and its own columns) must give exactly the table's rows. */
function crossCheckIndexes(db: Database.Database, table: string): StorageFinding[] {
  const indexes = db.prepare(`SELECT name FROM pragma_index_list(?)`).pluck().all(table) as string[];
  if (indexes.length === 0) return [];
  const columns = new Set(indexes.flatMap((i) => db.prepare('SELECT name FROM pragma_index_info(?)').pluck().all(i) as string[]));
  const list = [...columns].map(quote).join(', ');
  const rows = new Map<number, Record<string, unknown>>();
  for (const row of db.prepare(`SELECT rowid AS _rowid_, ${list} FROM ${quote(table)} NOT INDEXED ORDER BY rowid`).iterate() as IterableIterator<
    Record<string, unknown>
  >) {
    rows.set(row._rowid_ as number, row);
  }
  const findings: StorageFinding[] = [];
  for (const index of indexes) {
    const cols = db.prepare('SELECT name FROM pragma_index_info(?)').pluck().all(index) as string[];
    const seen = new Set<number>();
    let bad = 0;
    let first = '';
    for (const entry of db
      .prepare(`SELECT rowid AS _rowid_, ${cols.map(quote).join(', ')} FROM ${quote(table)} INDEXED BY ${quote(index)} ORDER BY ${cols.map(quote).join(', ')}`)
      .iterate() as IterableIterator<Record<string, unknown>>) {
      const rowid = entry._rowid_ as number;
      const row = rows.get(rowid);
      const differs = !row || seen.has(rowid) || cols.some((c) => !same(row[c], entry[c]));
      seen.add(rowid);
      if (differs) {
        bad++;
        first ||= row ? `row ${rowid} reads differently through the index` : `the index names row ${rowid}, which the table does not hold`;
      }
    }
    const missing = rows.size - [...seen].filter((r) => rows.has(r)).length;
    if (bad > 0 || missing > 0) {
      findings.push({
        check: 'index',
        message: `the index ${index} of ${table} disagrees with the table read without it (${[bad > 0 ? `${bad} entr${bad === 1 ? 'y differs' : 'ies differ'}, first: ${first}` : '', missing > 0 ? `${missing} row(s) missing from the index` : ''].filter(Boolean).join('; ')})`,
      });
    }
  }
  return findings;
}

function same(a: unknown, b: unknown): boolean {
  return Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b;
}
