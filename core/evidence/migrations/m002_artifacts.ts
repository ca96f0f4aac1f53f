import type { Migration } from './migration.js';

/** Artifact bytes, addressed by their SHA-256; the artifact.stored event says what they are. */
export const m002Artifacts: Migration = {
  version: 2,
  name: 'artifacts: content-addressed, immutable bytes',
  sql: `
    CREATE TABLE artifacts (
      sha256 BLOB PRIMARY KEY CHECK (length(sha256) = 32),
      size INTEGER NOT NULL CHECK (size >= 0),
      bytes BLOB NOT NULL
    ) STRICT;

    CREATE TRIGGER artifacts_no_update BEFORE UPDATE ON artifacts
    BEGIN SELECT RAISE(ABORT, 'stored artifacts cannot be changed'); END;
    CREATE TRIGGER artifacts_no_delete BEFORE DELETE ON artifacts
    BEGIN SELECT RAISE(ABORT, 'stored artifacts cannot be deleted'); END;
  `,
};
