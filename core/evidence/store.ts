import type Database from 'better-sqlite3';
import { utcIso, type Clock } from '../clock.js';
import { KskError } from '../errors.js';
import { sha256 } from '../hash/sha256.js';
import { decodeEvent, describeIssue, encodeEvent, EVENT_FORMAT_VERSION, GENESIS_PREV_HASH, type EventDocument } from './canonical.js';
import { openDatabase, type DatabaseOptions, type EventRow } from './database.js';
import { ceremonyIdSchema, eventSchema, type ArtifactKind, type EventType, type EvidenceEvent, type PayloadOf, type Role } from './events.js';
import { migrate, SCHEMA_VERSION, schemaVersion } from './migrations/index.js';
import { activeCredential } from './registers/credentials.js';
import { hsmOperations, kskKeys } from './registers/hsm.js';
import { presentParticipant } from './registers/participants.js';
import { exceptions } from './registers/records.js';
import { expectedTeb, normalizeSerial } from './registers/tebs.js';
import { sealSignatureValid, sealStatementBytes, SEAL_STATEMENT_TYPE, type Sealer, type SealStatement } from './seal.js';
import type { LogHeads } from './checkpoints.js';
import { openForReading } from './readable.js';
import { storageError } from './storageErrors.js';
import type { EventSource, StoredEvent } from './stored.js';

/** Event types with a method of their own, because the store fills in or checks part of them. */
type ManagedType = 'ceremony.opened' | 'ceremony.closed' | 'artifact.stored' | 'teb.checked' | 'attestation.signed' | 'attestation.declined';
export type AppendableType = Exclude<EventType, ManagedType>;

export interface Head {
  readonly seq: number;
  readonly hash: string;
  readonly type: EventType;
}

export interface CeremonySummary {
  readonly ceremonyId: string;
  readonly title: string;
  readonly kind: string;
  readonly site?: string;
  readonly rehearsal: boolean;
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly previousCeremony: { ceremonyId: string; headHash: string } | null;
  readonly head: Head;
  readonly sealed: boolean;
}

export interface NewArtifact {
  readonly name: string;
  readonly kind: ArtifactKind;
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  readonly stepId?: string;
}

export interface AttestationInput {
  readonly personId: string;
  readonly name: string;
  readonly role: Role;
  readonly statement: string;
  /** The head hash shown on screen with the statement; the attestation is refused if the log moved on. */
  readonly headHashShown: string;
}

export interface SealRecord {
  readonly statement: SealStatement;
  readonly signature: Buffer;
}

/** Artifacts are a few MB at most (KSR, SKR, PDFs, pictures); this keeps a mistake from filling the disk. */
export const MAX_ARTIFACT_BYTES = 100 * 1024 * 1024;

/**
 * The evidence log of one workspace: one SQLite file, one hash chain per ceremony. Every write is
 * its own transaction, committed to disk (synchronous=FULL) before the method returns: a returned
 * event is an acknowledged event and survives a crash or a power cut.
 *
 * One chain per ceremony (not per workspace) so that a ceremony, its artifacts and its seal can be
 * exported as a database that verifies on its own; ceremonies are chained to each other through the
 * previous ceremony's sealed head, recorded in each opening event.
 */
export class EvidenceStore implements EventSource, LogHeads {
  readonly #db: Database.Database;
  readonly #clock: Clock;
  /** Prepared once: an append runs several statements, and a ceremony runs many appends. */
  readonly #statements = new Map<string, Database.Statement>();
  /**
   * Who witnesses the head outside the log (the engine's checkpoints), called around every HSM
   * operation; null where nobody does (verification, export, tests of the store alone).
   */
  witness: ((ceremonyId: string, reason: string) => Promise<void>) | null = null;
  /** Runs a function in a transaction (a savepoint when nested); made once, it is not free to make. */
  readonly #transaction: Database.Transaction<(fn: () => unknown) => unknown>;
  /** How a read-only store lets go of its database (and of the private copy it may read). */
  #dispose: (() => void) | null = null;

  private constructor(
    readonly file: string,
    db: Database.Database,
    clock: Clock,
  ) {
    this.#db = db;
    this.#clock = clock;
    this.#transaction = db.transaction((fn: () => unknown) => fn());
  }

  /** Opens (creating if needed) and migrates the evidence database at `file`. */
  static open(file: string, clock: Clock, options: Omit<DatabaseOptions, 'readonly'> = {}): EvidenceStore {
    const db = openDatabase(file, options);
    try {
      migrate(db, file);
    } catch (e) {
      db.close();
      throw storageError(e, file);
    }
    return new EvidenceStore(file, db, clock);
  }

  /**
   * Opens an existing evidence database for reading only (a bundle on read-only media, an audit, a
   * workspace on a read-only disk); every write is then refused as "read-only".
   */
  static openReadOnly(file: string, clock: Clock): EvidenceStore {
    const { db, dispose } = openForReading(file);
    let version: number;
    try {
      version = schemaVersion(db);
    } catch (e) {
      dispose();
      throw storageError(e, file);
    }
    if (version !== SCHEMA_VERSION) {
      dispose();
      throw new KskError('BAD_INPUT_FILE', `${file} is not an evidence log this version can read (schema ${version}; expected ${SCHEMA_VERSION}).`);
    }
    const store = new EvidenceStore(file, db, clock);
    store.#dispose = dispose;
    return store;
  }

  close(): void {
    if (this.#dispose) this.#dispose();
    else if (this.#db.open) this.#db.close();
    this.#dispose = null;
  }

  /** Runs several writes as one transaction: all of them are recorded, or none. `fn` is synchronous (no HSM call inside). */
  atomically<R>(fn: () => R): R {
    return this.#write(fn);
  }

  /** Starts a ceremony's chain; links it to the last sealed ceremony of the same kind (rehearsal or not). */
  openCeremony(ceremonyId: string, opening: Omit<PayloadOf<'ceremony.opened'>, 'previousCeremony'>): StoredEvent<'ceremony.opened'> {
    return this.#write(() => {
      const previous = this.ceremonies()
        .filter((c) => c.rehearsal === opening.rehearsal && c.sealed)
        .at(-1);
      const seal = previous ? this.seal(previous.ceremonyId) : null;
      const previousCeremony = previous && seal ? { ceremonyId: previous.ceremonyId, headHash: seal.statement.headHash } : null;
      return this.#append(ceremonyId, 'ceremony.opened', { ...opening, previousCeremony });
    });
  }

  /** Records one event and returns it as stored (committed to disk). */
  append<T extends AppendableType>(ceremonyId: string, type: T, payload: PayloadOf<T>): StoredEvent<T> {
    return this.#write(() => this.#append(ceremonyId, type, payload));
  }

  /** Stores bytes under their SHA-256 and records what they are. */
  storeArtifact(ceremonyId: string, artifact: NewArtifact): StoredEvent<'artifact.stored'> {
    const bytes = Buffer.from(artifact.bytes);
    if (bytes.length > MAX_ARTIFACT_BYTES) {
      throw new KskError('BAD_REQUEST', `The artifact "${artifact.name}" has ${bytes.length} bytes; the log stores at most ${MAX_ARTIFACT_BYTES}.`);
    }
    const digest = sha256(bytes);
    return this.#write(() => {
      const existing = this.#sql('SELECT bytes FROM artifacts WHERE sha256 = ?').pluck().get(digest) as Buffer | undefined;
      if (existing === undefined) this.#sql('INSERT INTO artifacts (sha256, size, bytes) VALUES (?, ?, ?)').run(digest, bytes.length, bytes);
      else if (!existing.equals(bytes))
        throw new KskError(
          'TAMPERED',
          `The artifact stored under SHA-256 ${digest.toString('hex')} no longer has those bytes: the log was altered. Run "ksk-ceremony log verify".`,
        );
      const { stepId, name, kind, mediaType } = artifact;
      return this.#append(ceremonyId, 'artifact.stored', {
        sha256: digest.toString('hex'),
        name,
        kind,
        mediaType,
        size: bytes.length,
        ...(stepId ? { stepId } : {}),
      });
    });
  }

  /** The bytes of a stored artifact, checked against their hash before they are returned. */
  readArtifact(sha256Hex: string): Buffer {
    const bytes = this.#read(() => this.#sql('SELECT bytes FROM artifacts WHERE sha256 = ?').pluck().get(Buffer.from(sha256Hex, 'hex')) as Buffer | undefined);
    if (bytes === undefined) throw new KskError('NOT_FOUND', `No artifact with SHA-256 ${sha256Hex} in the evidence log.`);
    if (!sha256(bytes).equals(Buffer.from(sha256Hex, 'hex')))
      throw new KskError('TAMPERED', `The artifact ${sha256Hex} does not have the bytes it was stored with: the log was altered.`);
    return bytes;
  }

  /**
   * A TEB's serial as read aloud, checked against the serial it was last sealed with. A mismatch (or
   * a bag with no serial on record) is recorded as an exception in the same transaction.
   */
  checkTeb(
    ceremonyId: string,
    check: { purpose: string; serialRead: string; stepId?: string },
  ): { check: StoredEvent<'teb.checked'>; exception: StoredEvent<'exception'> | null } {
    return this.#write(() => {
      const expected = expectedTeb(this, check.purpose, { rehearsal: this.#rehearsal(ceremonyId) });
      const matched = expected !== null && normalizeSerial(expected.serial) === normalizeSerial(check.serialRead);
      const stepId = check.stepId ? { stepId: check.stepId } : {};
      const recorded = this.#append(ceremonyId, 'teb.checked', {
        ...stepId,
        purpose: check.purpose,
        serialRead: check.serialRead,
        expectedSerial: expected?.serial ?? null,
        matched,
      });
      if (matched) return { check: recorded, exception: null };
      const exception = this.#append(ceremonyId, 'exception', {
        exceptionId: `teb-check-${recorded.seq}`,
        ...stepId,
        expected: expected
          ? `the TEB for ${check.purpose} bears serial ${expected.serial}, as sealed in ceremony ${expected.ceremonyId} (event ${expected.seq})`
          : `a TEB for ${check.purpose} sealed at an earlier ceremony (none is on record)`,
        happened: `serial ${check.serialRead} was read`,
        signedBy: [],
      });
      return { check: recorded, exception };
    });
  }

  /**
   * A participant signs a statement on screen: the log head they were shown, the statement, and the
   * picture of their hand-drawn signature (stored as an artifact) are recorded together.
   */
  attest(ceremonyId: string, input: AttestationInput & { signatureImage: { bytes: Uint8Array; mediaType: string } }): StoredEvent<'attestation.signed'> {
    return this.#write(() => {
      const { personId, name, role, statement, headHashShown } = this.#checkAttestation(ceremonyId, input);
      const picture = this.storeArtifact(ceremonyId, {
        name: `signature of ${name} (${role})`,
        kind: 'signature-image',
        mediaType: input.signatureImage.mediaType,
        bytes: input.signatureImage.bytes,
      });
      return this.#append(ceremonyId, 'attestation.signed', {
        personId,
        name,
        role,
        statement,
        logHeadHash: headHashShown,
        signatureSha256: picture.payload.sha256,
      });
    });
  }

  /** A participant who does not agree records why, instead of signing. */
  declineAttestation(ceremonyId: string, input: AttestationInput & { reason: string }): StoredEvent<'attestation.declined'> {
    return this.#write(() => {
      const { personId, name, role, statement, headHashShown } = this.#checkAttestation(ceremonyId, input);
      return this.#append(ceremonyId, 'attestation.declined', { personId, name, role, statement, logHeadHash: headHashShown, reason: input.reason });
    });
  }

  /**
   * Closes a ceremony and seals its log: the closing event declares the seal key, the statement over
   * its hash is signed (by the HSM audit key or a one-time software key), and the event and the seal
   * are committed together, so a ceremony is never closed without its seal.
   */
  async closeCeremony(ceremonyId: string, sealer: Sealer, summary?: string): Promise<{ event: StoredEvent<'ceremony.closed'>; seal: SealRecord }> {
    const scope = { rehearsal: this.#rehearsal(ceremonyId) };
    const ksk = kskKeys(this, scope).find((k) => k.publicKey === sealer.key.publicKey || (sealer.key.label !== null && k.label === sealer.key.label));
    if (ksk) throw new KskError('POLICY_FAILURE', `The key "${ksk.label}" is a KSK: it can never seal the evidence log. Use the ceremony's audit key.`);
    const prepared = this.#write(() => this.#prepare(ceremonyId, 'ceremony.closed', { sealKey: sealer.key, ...(summary ? { summary } : {}) }));
    const statement: SealStatement = {
      type: SEAL_STATEMENT_TYPE,
      v: 1,
      ceremonyId,
      headSeq: prepared.doc.seq,
      headHash: prepared.hash.toString('hex'),
      sealedAt: prepared.doc.time,
      key: sealer.key,
    };
    const signature = await sealer.sign(sealStatementBytes(statement));
    if (!sealSignatureValid(statement, signature))
      throw new KskError('HSM_ERROR', `The seal signature made with ${sealer.key.label ?? 'the software key'} does not verify; the ceremony was not closed.`);
    const event = this.#write(() => {
      if (this.head(ceremonyId)?.hash !== prepared.doc.prevHash)
        throw new KskError('CONFLICT', `Ceremony ${ceremonyId} recorded more events while its seal was being signed; close it again.`);
      const stored = this.#insert(prepared);
      const insertSeal = this.#sql('INSERT INTO seals (ceremony_id, head_seq, head_hash, statement, signature) VALUES (?, ?, ?, ?, ?)');
      insertSeal.run(ceremonyId, statement.headSeq, prepared.hash, sealStatementBytes(statement), signature);
      return stored as StoredEvent<'ceremony.closed'>;
    });
    return { event, seal: { statement, signature } };
  }

  lastSeq(ceremonyId: string): number {
    return this.head(ceremonyId)?.seq ?? 0;
  }

  /** The hash of one event (hex), read without decoding it; undefined when there is no such event. */
  hashAt(ceremonyId: string, seq: number): string | undefined {
    return (
      this.#read(() => this.#sql('SELECT hash FROM events WHERE ceremony_id = ? AND seq = ?').pluck().get(ceremonyId, seq)) as Buffer | undefined
    )?.toString('hex');
  }

  head(ceremonyId: string): Head | null {
    const row = this.#read(
      () =>
        this.#sql('SELECT seq, hash, type FROM events WHERE ceremony_id = ? ORDER BY seq DESC LIMIT 1').get(ceremonyId) as
          { seq: number; hash: Buffer; type: EventType } | undefined,
    );
    return row ? { seq: row.seq, hash: row.hash.toString('hex'), type: row.type } : null;
  }

  seal(ceremonyId: string): SealRecord | null {
    const row = this.#read(
      () => this.#sql('SELECT statement, signature FROM seals WHERE ceremony_id = ?').get(ceremonyId) as { statement: Buffer; signature: Buffer } | undefined,
    );
    return row ? { statement: JSON.parse(row.statement.toString('utf8')) as SealStatement, signature: row.signature } : null;
  }

  /** Every ceremony of the workspace, in the order they were opened. */
  ceremonies(): CeremonySummary[] {
    const sql = `SELECT o.ceremony_id, o.seq, o.time, o.type, o.prev_hash, o.hash, o.canonical,
                        h.seq AS head_seq, h.hash AS head_hash, h.type AS head_type, h.time AS head_time,
                        EXISTS (SELECT 1 FROM seals s WHERE s.ceremony_id = o.ceremony_id) AS sealed
                 FROM events o
                 JOIN events h ON h.ceremony_id = o.ceremony_id AND h.seq = (SELECT max(seq) FROM events m WHERE m.ceremony_id = o.ceremony_id)
                 WHERE o.seq = 1 ORDER BY o.time, o.ceremony_id`;
    const rows = this.#read(
      () => this.#sql(sql).all() as (EventRow & { head_seq: number; head_hash: Buffer; head_type: EventType; head_time: string; sealed: number })[],
    );
    return rows.map((row) => {
      const opened = this.#decode(row);
      if (opened.type !== 'ceremony.opened')
        throw new KskError(
          'TAMPERED',
          `The first event of ceremony ${row.ceremony_id} is not its opening: the log was altered. Run "ksk-ceremony log verify".`,
        );
      const { title, kind, site, rehearsal, previousCeremony } = opened.payload;
      return {
        ceremonyId: row.ceremony_id,
        title,
        kind,
        ...(site ? { site } : {}),
        rehearsal,
        openedAt: opened.time,
        closedAt: row.head_type === 'ceremony.closed' ? row.head_time : null,
        previousCeremony,
        head: { seq: row.head_seq, hash: row.head_hash.toString('hex'), type: row.head_type },
        sealed: row.sealed === 1,
      };
    });
  }

  /** Events of one ceremony in chain order; `afterSeq` reads only those after it (a reader that keeps what it read). */
  events<T extends EventType>(ceremonyId: string, types?: readonly T[], afterSeq = 0): StoredEvent<T>[] {
    const filter = types ? ` AND type IN (${types.map(() => '?').join(', ')})` : '';
    const rows = this.#read(
      () => this.#sql(`SELECT * FROM events WHERE ceremony_id = ? AND seq > ?${filter} ORDER BY seq`).all(ceremonyId, afterSeq, ...(types ?? [])) as EventRow[],
    );
    return rows.map((row) => this.#decode(row) as StoredEvent<T>);
  }

  workspaceEvents<T extends EventType>(types: readonly T[], scope: { rehearsal: boolean }): StoredEvent<T>[] {
    const inScope = new Set(
      this.ceremonies()
        .filter((c) => c.rehearsal === scope.rehearsal)
        .map((c) => c.ceremonyId),
    );
    const sql = `SELECT e.* FROM events e JOIN events o ON o.ceremony_id = e.ceremony_id AND o.seq = 1
                 WHERE e.type IN (${types.map(() => '?').join(', ')}) ORDER BY o.time, o.ceremony_id, e.seq`;
    const rows = this.#read(() => this.#sql(sql).all(...types) as EventRow[]);
    return rows.filter((row) => inScope.has(row.ceremony_id)).map((row) => this.#decode(row) as StoredEvent<T>);
  }

  #rehearsal(ceremonyId: string): boolean {
    const opened = this.events(ceremonyId, ['ceremony.opened'])[0];
    if (!opened) throw new KskError('NOT_FOUND', `No ceremony "${ceremonyId}" in the evidence log ${this.file}.`);
    return opened.payload.rehearsal;
  }

  #checkAttestation(ceremonyId: string, input: AttestationInput): AttestationInput {
    const head = this.head(ceremonyId);
    if (head && head.hash !== input.headHashShown) {
      throw new KskError(
        'CONFLICT',
        `The log of ceremony ${ceremonyId} has moved on since the statement was shown (its head is now ${head.hash.slice(0, 16)}…): show the statement again with the current head.`,
      );
    }
    return input;
  }

  /** Validates, checks the event against the log so far, and builds its bytes; writes nothing. */
  #prepare(ceremonyId: string, type: EventType, payload: unknown): { doc: EventDocument; bytes: Buffer; hash: Buffer } {
    const id = ceremonyIdSchema.safeParse(ceremonyId);
    if (!id.success) throw new KskError('BAD_REQUEST', `"${ceremonyId}" is not a valid ceremony id: ${describeIssue(id.error)}.`);
    const parsed = eventSchema.safeParse({ type, payload });
    if (!parsed.success) throw new KskError('BAD_REQUEST', `The "${type}" event is not valid: ${describeIssue(parsed.error).replace(/^payload\./, '')}.`);
    const head = this.head(ceremonyId);
    this.#checkAgainstLog(ceremonyId, head, parsed.data);
    const doc: EventDocument = {
      v: EVENT_FORMAT_VERSION,
      ceremonyId,
      seq: (head?.seq ?? 0) + 1,
      time: utcIso(this.#clock.now()),
      prevHash: head?.hash ?? GENESIS_PREV_HASH,
      ...parsed.data,
    };
    return { doc, ...encodeEvent(doc) };
  }

  #append<T extends EventType>(ceremonyId: string, type: T, payload: PayloadOf<T>): StoredEvent<T> {
    return this.#insert(this.#prepare(ceremonyId, type, payload)) as StoredEvent<T>;
  }

  #insert({ doc, bytes, hash }: { doc: EventDocument; bytes: Buffer; hash: Buffer }): StoredEvent {
    this.#sql('INSERT INTO events (ceremony_id, seq, time, type, prev_hash, hash, canonical) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      doc.ceremonyId,
      doc.seq,
      doc.time,
      doc.type,
      Buffer.from(doc.prevHash, 'hex'),
      hash,
      bytes,
    );
    return storedOf(doc, hash);
  }

  /**
   * What the log must already say for an event to make sense: the ceremony is open, an HSM result
   * answers an open intent, a person who initials or attests is signed in, and so on. Verification
   * checks the chain; these checks keep the story the chain tells coherent.
   */
  #checkAgainstLog(ceremonyId: string, head: Head | null, event: EvidenceEvent): void {
    if (event.type === 'ceremony.opened') {
      if (head) throw new KskError('CONFLICT', `Ceremony ${ceremonyId} already exists in the evidence log.`);
      return;
    }
    if (!head) throw new KskError('NOT_FOUND', `No ceremony "${ceremonyId}" in the evidence log: open it first.`);
    if (head.type === 'ceremony.closed') throw new KskError('CONFLICT', `Ceremony ${ceremonyId} is closed and sealed: its log takes no more events.`);
    const scope = () => ({ rehearsal: this.#rehearsal(ceremonyId) });
    const requirePresent = (personId: string) => {
      if (!presentParticipant(this, ceremonyId, personId)) throw new KskError('CONFLICT', `${personId} is not signed in to ceremony ${ceremonyId}.`);
    };
    switch (event.type) {
      case 'initials':
        return requirePresent(event.payload.personId);
      case 'attestation.signed':
      case 'attestation.declined':
        requirePresent(event.payload.personId);
        if (!this.#hashInChain(ceremonyId, event.payload.logHeadHash))
          throw new KskError('CONFLICT', `The head hash ${event.payload.logHeadHash} is not an event of ceremony ${ceremonyId}.`);
        if (event.type === 'attestation.signed' && !this.#artifactExists(event.payload.signatureSha256))
          throw new KskError('NOT_FOUND', `The signature picture ${event.payload.signatureSha256} is not stored.`);
        return;
      case 'artifact.stored':
        if (!this.#artifactExists(event.payload.sha256)) throw new KskError('NOT_FOUND', `No artifact with SHA-256 ${event.payload.sha256} is stored.`);
        return;
      case 'hsm.intent':
        return this.#checkIntent(ceremonyId, event.payload.opId, event.payload.retryOf);
      case 'hsm.done':
      case 'hsm.failed':
      case 'hsm.reconciled': {
        const op = hsmOperations(this, ceremonyId).find((o) => o.opId === event.payload.opId);
        if (!op) throw new KskError('NOT_FOUND', `No HSM operation "${event.payload.opId}" was started in ceremony ${ceremonyId}.`);
        if (op.outcome) throw new KskError('CONFLICT', `HSM operation "${op.opId}" already has its outcome (event ${op.outcome.seq}).`);
        return;
      }
      case 'exception':
        if (exceptions(this, ceremonyId).some((x) => x.exceptionId === event.payload.exceptionId))
          throw new KskError('CONFLICT', `Exception "${event.payload.exceptionId}" is already recorded.`);
        return;
      case 'exception.resolved':
        if (!exceptions(this, ceremonyId).some((x) => x.exceptionId === event.payload.exceptionId))
          throw new KskError('NOT_FOUND', `No exception "${event.payload.exceptionId}" in ceremony ${ceremonyId}.`);
        return;
      case 'credential.issued':
        if (activeCredential(this, scope(), event.payload.credentialId))
          throw new KskError('CONFLICT', `Credential "${event.payload.credentialId}" is already issued and not retired.`);
        return;
      case 'credential.presented':
      case 'credential.retired':
        if (!activeCredential(this, scope(), event.payload.credentialId))
          throw new KskError('NOT_FOUND', `No active credential "${event.payload.credentialId}" is on record.`);
        return;
      default:
        return;
    }
  }

  /** One HSM operation at a time, and never a second one while an earlier has no recorded outcome. */
  #checkIntent(ceremonyId: string, opId: string, retryOf: string | undefined): void {
    const ops = hsmOperations(this, ceremonyId);
    const open = ops.find((o) => o.outcome === null);
    if (open) {
      throw new KskError(
        'CONFLICT',
        `HSM operation "${open.opId}" (${open.operation}${open.label ? ` ${open.label}` : ''}, event ${open.intent.seq}) has no recorded outcome: reconcile it with the HSM before starting another.`,
      );
    }
    if (ops.some((o) => o.opId === opId))
      throw new KskError('CONFLICT', `An HSM operation "${opId}" was already started in ceremony ${ceremonyId}; a repeat needs its own id and retryOf.`);
    if (retryOf !== undefined && !ops.some((o) => o.opId === retryOf))
      throw new KskError('NOT_FOUND', `The operation being retried, "${retryOf}", is not in ceremony ${ceremonyId}.`);
  }

  #hashInChain(ceremonyId: string, hashHex: string): boolean {
    return this.#sql('SELECT 1 FROM events WHERE ceremony_id = ? AND hash = ?').get(ceremonyId, Buffer.from(hashHex, 'hex')) !== undefined;
  }

  #artifactExists(hashHex: string): boolean {
    return this.#sql('SELECT 1 FROM artifacts WHERE sha256 = ?').get(Buffer.from(hashHex, 'hex')) !== undefined;
  }

  #decode(row: EventRow): StoredEvent {
    const decoded = decodeEvent(row.canonical);
    if (!decoded.ok || !sha256(row.canonical).equals(row.hash)) {
      throw new KskError(
        'TAMPERED',
        `Event ${row.seq} of ceremony ${row.ceremony_id} is damaged${decoded.ok ? '' : `: ${decoded.reason}`}. Run "ksk-ceremony log verify".`,
      );
    }
    return storedOf(decoded.doc, row.hash);
  }

  #sql(text: string): Database.Statement {
    let statement = this.#statements.get(text);
    if (!statement) this.#statements.set(text, (statement = this.#db.prepare(text)));
    return statement;
  }

  #write<R>(fn: () => R): R {
    try {
      return (this.#db.inTransaction ? this.#transaction(fn) : this.#transaction.immediate(fn)) as R;
    } catch (e) {
      throw storageError(e, this.file);
    }
  }

  #read<R>(fn: () => R): R {
    try {
      return fn();
    } catch (e) {
      throw storageError(e, this.file);
    }
  }
}

function storedOf(doc: EventDocument, hash: Buffer): StoredEvent {
  const { v: _v, ...rest } = doc;
  return { ...rest, hash: hash.toString('hex') } as StoredEvent;
}

export function openEvidenceStore(file: string, clock: Clock, options?: Omit<DatabaseOptions, 'readonly'>): EvidenceStore {
  return EvidenceStore.open(file, clock, options);
}
