import type { Migration } from './migration.js';

/**
 * The hash-chained log. Each row keeps the canonical bytes and their SHA-256; the other columns
 * repeat facts from those bytes so they can be indexed, and verification checks they agree.
 * Triggers make the table append-only and refuse a row that does not extend its chain by one.
 */
export const m001Events: Migration = {
  version: 1,
  name: 'events: the hash-chained, append-only log',
  sql: `
    PRAGMA application_id = 1263749957; -- "KSKE"

    CREATE TABLE events (
      ceremony_id TEXT NOT NULL,
      seq INTEGER NOT NULL CHECK (seq >= 1),
      time TEXT NOT NULL,
      type TEXT NOT NULL,
      prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
      hash BLOB NOT NULL CHECK (length(hash) = 32),
      canonical BLOB NOT NULL,
      PRIMARY KEY (ceremony_id, seq)
    ) STRICT;
    CREATE UNIQUE INDEX events_by_hash ON events (hash);
    CREATE INDEX events_by_type ON events (type, ceremony_id, seq);

    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the evidence log is append-only: an event cannot be changed'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the evidence log is append-only: an event cannot be deleted'); END;
    CREATE TRIGGER events_extend_chain BEFORE INSERT ON events
    WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM events WHERE ceremony_id = NEW.ceremony_id)
      OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM events WHERE ceremony_id = NEW.ceremony_id AND seq = NEW.seq - 1), zeroblob(32))
    BEGIN SELECT RAISE(ABORT, 'an event must follow the head of its chain and name its hash'); END;
  `,
};
