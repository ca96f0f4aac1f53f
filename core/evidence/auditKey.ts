import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';
import { KskError, messageOf } from '../errors.js';
import { parseTypedHash } from '../hash/match.js';
import { toPgpWords } from '../hash/pgpWords.js';
import { sha256 } from '../hash/sha256.js';
import { readRegularFileSync } from '../system/inputFiles.js';
import { publicKeySchema } from './events.js';

/**
 * The audit key's fingerprint: what is pinned outside the log and printed on paper, so that a seal
 * or a checkpoint can be accepted only when it is made by the workspace's own audit key, never by a
 * key that a forger declared inside the log he rewrote.
 *
 * The fingerprint is SHA-256 over the algorithm number (one byte) and the public key as DNSSEC
 * encodes it (the bytes the log stores in base64): short enough to read aloud in PGP words.
 */
export interface AuditKeyFingerprint {
  readonly hex: string;
  readonly pgpWords: string[];
}

export type AuditPublicKey = z.infer<typeof publicKeySchema>;

export function auditKeyFingerprint(key: AuditPublicKey): AuditKeyFingerprint {
  const digest = sha256(Buffer.concat([Buffer.from([key.algorithm]), Buffer.from(key.publicKey, 'base64')]));
  return { hex: digest.toString('hex'), pgpWords: toPgpWords(digest) };
}

/** The keys a verification accepts seals and checkpoints from, and who pinned them (for messages). */
export interface AuditKeyPin {
  readonly fingerprints: readonly string[];
  /** "the workspace config /x/workspace.json", "--audit-key", ... */
  readonly source: string;
}

export function pinAccepts(pin: AuditKeyPin, key: AuditPublicKey): boolean {
  return pin.fingerprints.includes(auditKeyFingerprint(key).hex);
}

/** A file that names an audit key: a workspace config, or any JSON with the key (or {auditKey: key}). */
const keyShape = z.looseObject(publicKeySchema.shape);
const keyFileSchema = z.union([z.looseObject({ auditKey: keyShape }), keyShape]);

/**
 * What `--audit-key` takes: a fingerprint (64 hex digits, any spacing, or its 32 PGP words) or a
 * file that holds the key (the workspace config, or the key as JSON).
 */
export function parseAuditKeyPin(value: string): AuditKeyPin {
  if (existsSync(value) && statSync(value).isFile()) {
    let parsed: { auditKey: AuditPublicKey } | AuditPublicKey;
    try {
      parsed = keyFileSchema.parse(JSON.parse(readRegularFileSync(value, 'audit key file', 1024 * 1024).toString('utf8')));
    } catch (e) {
      if (e instanceof KskError) throw e;
      throw new KskError(
        'BAD_INPUT_FILE',
        `The audit key file ${value} holds no audit key (a workspace config or {"algorithm", "publicKey"}): ${messageOf(e).split('\n')[0]}`,
      );
    }
    const key: AuditPublicKey = 'auditKey' in parsed ? parsed.auditKey : parsed;
    return { fingerprints: [auditKeyFingerprint({ algorithm: key.algorithm, publicKey: key.publicKey }).hex], source: `the audit key in ${value}` };
  }
  let bytes: Buffer;
  try {
    bytes = parseTypedHash(value).bytes;
  } catch (e) {
    throw new KskError(
      'BAD_REQUEST',
      `--audit-key takes the audit key's fingerprint (64 hex digits or 32 PGP words) or a file that holds the key; "${value.slice(0, 80)}" is neither (${messageOf(e)}).`,
    );
  }
  if (bytes.length !== 32)
    throw new KskError('BAD_REQUEST', `An audit key fingerprint is 32 bytes (64 hex digits or 32 PGP words); "${value.slice(0, 80)}" has ${bytes.length}.`);
  return { fingerprints: [bytes.toString('hex')], source: '--audit-key' };
}
