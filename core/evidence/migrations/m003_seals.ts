import type { Migration } from './migration.js';

/**
 * The seal of a closed ceremony: the signed statement over its head. A seal names the head it
 * covers; once it exists the chain takes no more events.
 */
export const m003Seals: Migration = {
  version: 3,
  name: 'seals: signed heads of closed ceremonies',
  sql: `
    CREATE TABLE seals (
      ceremony_id TEXT PRIMARY KEY,
      head_seq INTEGER NOT NULL,
      head_hash BLOB NOT NULL CHECK (length(head_hash) = 32),
      statement BLOB NOT NULL,
      signature BLOB NOT NULL,
      FOREIGN KEY (ceremony_id, head_seq) REFERENCES events (ceremony_id, seq)
    ) STRICT;

    CREATE TRIGGER seals_no_update BEFORE UPDATE ON seals
    BEGIN SELECT RAISE(ABORT, 'a seal cannot be changed'); END;
    CREATE TRIGGER seals_no_delete BEFORE DELETE ON seals
    BEGIN SELECT RAISE(ABORT, 'a seal cannot be deleted'); END;
    CREATE TRIGGER seals_cover_head BEFORE INSERT ON seals
    WHEN NEW.head_seq IS NOT (SELECT max(seq) FROM events WHERE ceremony_id = NEW.ceremony_id)
      OR NEW.head_hash IS NOT (SELECT hash FROM events WHERE ceremony_id = NEW.ceremony_id AND seq = NEW.head_seq)
    BEGIN SELECT RAISE(ABORT, 'a seal must cover the head of its chain'); END;
    CREATE TRIGGER events_none_after_seal BEFORE INSERT ON events
    WHEN EXISTS (SELECT 1 FROM seals WHERE ceremony_id = NEW.ceremony_id)
    BEGIN SELECT RAISE(ABORT, 'the ceremony is sealed: its log takes no more events'); END;
  `,
};
