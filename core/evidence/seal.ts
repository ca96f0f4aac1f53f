import { generateKeyPairSync, sign } from 'node:crypto';
import { z } from 'zod';
import { publicKeyRdataFromKeyObject, verifySignature } from '../dnssec/algorithms.js';
import { KskError } from '../errors.js';
import type { KeySigner } from '../hsm/port.js';
import { canonicalBytes, utcTimeSchema } from './canonical.js';
import { ceremonyIdSchema, sealKeySchema, type SealKey } from './events.js';

/**
 * The seal of a closed ceremony: a statement naming the ceremony and the hash of its last event
 * (the closing event, which itself declares the seal key), signed with an audit key. Verifying it
 * needs only the database: the public key is in the statement and in the chain.
 */
export const SEAL_STATEMENT_TYPE = 'ksk-ceremony.evidence-seal';

export const sealStatementSchema = z.strictObject({
  type: z.literal(SEAL_STATEMENT_TYPE),
  v: z.literal(1),
  ceremonyId: ceremonyIdSchema,
  headSeq: z.number().int().min(1),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  sealedAt: utcTimeSchema,
  key: sealKeySchema,
});
export type SealStatement = z.infer<typeof sealStatementSchema>;

export function sealStatementBytes(statement: SealStatement): Buffer {
  return canonicalBytes(statement);
}

/** Signs the seal statement. The key is an audit key: in the HSM where there is one, never a KSK. */
export interface Sealer {
  readonly key: SealKey;
  sign(data: Uint8Array): Promise<Buffer>;
}

export function auditKeyLabel(ceremonyId: string): string {
  return `AUDIT-${ceremonyId}`;
}

/** An audit key in the HSM, reached through the signer port; its label must start with AUDIT-. */
export async function hsmSealer(signer: KeySigner, label: string): Promise<Sealer> {
  if (!label.startsWith('AUDIT-')) {
    throw new KskError('BAD_REQUEST', `The HSM key "${label}" cannot seal the evidence log: only an audit key (label AUDIT-...) may, never a KSK.`);
  }
  const key = await signer.findKey(label);
  if (!key) throw new KskError('NOT_FOUND', `The HSM has no audit key labelled "${label}" to seal the evidence log.`);
  return {
    key: { kind: 'hsm', label, algorithm: key.algorithm, publicKey: key.publicKey.toString('base64') },
    sign: (data) => signer.sign(label, data),
  };
}

/**
 * A one-time Ed25519 key made for this seal when no HSM is available; the private half never
 * leaves memory and is gone when the seal is written, so nothing can sign with it later.
 */
export function softwareSealer(): Sealer {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const { algorithm, publicKey: raw } = publicKeyRdataFromKeyObject(publicKey);
  return {
    key: { kind: 'software', label: null, algorithm, publicKey: raw.toString('base64') },
    sign: async (data) => sign(null, data, privateKey),
  };
}

/** True when the signature is valid for the statement under the key the statement names. */
export function sealSignatureValid(statement: SealStatement, signature: Uint8Array): boolean {
  try {
    return verifySignature(statement.key.algorithm, Buffer.from(statement.key.publicKey, 'base64'), sealStatementBytes(statement), signature);
  } catch {
    return false;
  }
}

export function sameSealKey(a: SealKey, b: SealKey): boolean {
  return a.kind === b.kind && a.label === b.label && a.algorithm === b.algorithm && a.publicKey === b.publicKey;
}
