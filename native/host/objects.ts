import type pkcs11js from 'pkcs11js';
import { Algorithm, type AlgorithmNumber } from '../../core/dnssec/algorithms.js';
import { HsmError } from '../../core/hsm/errors.js';
import type { KeyAttributes } from '../../core/hsm/port.js';
import { CK } from '../ck.js';
import { call, type Handle, type P11 } from './pkcs11.js';
import { algorithmOf, dnskeyPublicKey } from './publicKey.js';

export function findObjects(p11: P11, session: Handle, template: pkcs11js.Template, operation = 'search the token'): Handle[] {
  return call({ operation }, () => {
    p11.C_FindObjectsInit(session, template);
    try {
      const found: Handle[] = [];
      for (;;) {
        const batch = p11.C_FindObjects(session, 64);
        if (batch.length === 0) return found;
        found.push(...batch);
      }
    } finally {
      p11.C_FindObjectsFinal(session);
    }
  });
}

/** Attribute values by type; an attribute the object does not have reads as null. */
export function readAttributes(p11: P11, session: Handle, object: Handle, types: number[]): Map<number, Buffer | null> {
  const out = new Map<number, Buffer | null>();
  for (const type of types) {
    try {
      const [attr] = p11.C_GetAttributeValue(session, object, [{ type }]);
      out.set(type, attr?.value ?? null);
    } catch (e) {
      const ckr = (e as Error).message;
      if (ckr !== 'CKR_ATTRIBUTE_TYPE_INVALID' && ckr !== 'CKR_ATTRIBUTE_SENSITIVE') throw e;
      out.set(type, null);
    }
  }
  return out;
}

const bool = (b: Buffer | null | undefined) => (b ? b.length > 0 && b[0] !== 0 : null);
const ulong = (b: Buffer | null | undefined) => (b && b.length >= 4 ? Number(b.length >= 8 ? b.readBigUInt64LE(0) : b.readUInt32LE(0)) : null);

export function readKeyAttributes(p11: P11, session: Handle, privateKey: Handle): KeyAttributes {
  const types = [
    CK.CKA_TOKEN,
    CK.CKA_PRIVATE,
    CK.CKA_SENSITIVE,
    CK.CKA_EXTRACTABLE,
    CK.CKA_WRAP_WITH_TRUSTED,
    CK.CKA_ALWAYS_SENSITIVE,
    CK.CKA_NEVER_EXTRACTABLE,
    CK.CKA_LOCAL,
    CK.CKA_SIGN,
    CK.CKA_DECRYPT,
    CK.CKA_UNWRAP,
    CK.CKA_DERIVE,
  ];
  const a = call({ operation: 'read the key attributes' }, () => readAttributes(p11, session, privateKey, types));
  const must = (type: number) => bool(a.get(type)) ?? false;
  return {
    token: must(CK.CKA_TOKEN),
    private: must(CK.CKA_PRIVATE),
    sensitive: must(CK.CKA_SENSITIVE),
    extractable: must(CK.CKA_EXTRACTABLE),
    wrapWithTrusted: bool(a.get(CK.CKA_WRAP_WITH_TRUSTED)),
    alwaysSensitive: bool(a.get(CK.CKA_ALWAYS_SENSITIVE)),
    neverExtractable: bool(a.get(CK.CKA_NEVER_EXTRACTABLE)),
    local: bool(a.get(CK.CKA_LOCAL)),
    sign: must(CK.CKA_SIGN),
    decrypt: bool(a.get(CK.CKA_DECRYPT)),
    unwrap: bool(a.get(CK.CKA_UNWRAP)),
    derive: bool(a.get(CK.CKA_DERIVE)),
  };
}

/** Both halves of a key pair sharing a label (and, when the HSM has them, a CKA_ID). */
export interface KeyPairObjects {
  label: string;
  id: Buffer;
  privateKey: Handle | null;
  publicKey: Handle | null;
  keyType: number;
  algorithm: AlgorithmNumber | null;
  /** DNSKEY public key field, or null when neither half yields it (an unsupported key type). */
  dnskeyKey: Buffer | null;
}

function unlessMalformed(read: () => Buffer): Buffer | null {
  try {
    return read();
  } catch (e) {
    if (e instanceof HsmError && e.reason === 'DEVICE_ERROR') return null;
    throw e;
  }
}

/** The public key of a pair, read from its public half (or an RSA private half when alone). */
function readPair(p11: P11, session: Handle, label: string, privateKey: Handle | null, publicKey: Handle | null): KeyPairObjects {
  const source = (publicKey ?? privateKey) as Handle;
  const a = readAttributes(p11, session, source, [CK.CKA_ID, CK.CKA_KEY_TYPE, CK.CKA_EC_PARAMS, CK.CKA_EC_POINT, CK.CKA_MODULUS, CK.CKA_PUBLIC_EXPONENT]);
  const keyType = ulong(a.get(CK.CKA_KEY_TYPE)) ?? -1;
  let algorithm = algorithmOf(keyType, a.get(CK.CKA_EC_PARAMS) ?? null);
  if (algorithm === null && publicKey && privateKey) {
    // Some tokens keep the curve only on the private half.
    const p = readAttributes(p11, session, privateKey, [CK.CKA_EC_PARAMS]);
    algorithm = algorithmOf(keyType, p.get(CK.CKA_EC_PARAMS) ?? null);
  }
  let dnskeyKey: Buffer | null = null;
  if (algorithm !== null) {
    const ecPoint = a.get(CK.CKA_EC_POINT) ?? null;
    const canRead = algorithm === Algorithm.RSASHA256 ? a.get(CK.CKA_MODULUS) : ecPoint;
    // A malformed public half (the remains of a generation cut short by a crash) yields no DNSKEY but
    // must stay listable and destroyable; callers that need the key refuse a null dnskeyKey.
    if (canRead)
      dnskeyKey = unlessMalformed(() => dnskeyPublicKey(algorithm, { modulus: a.get(CK.CKA_MODULUS), exponent: a.get(CK.CKA_PUBLIC_EXPONENT), ecPoint }));
  }
  return { label, id: a.get(CK.CKA_ID) ?? Buffer.alloc(0), privateKey, publicKey, keyType, algorithm, dnskeyKey };
}

/**
 * The key pair labelled so, or null. Two private keys under one label are refused: a ceremony
 * must never sign with a key picked by chance.
 */
export function findKeyPair(p11: P11, session: Handle, label: string): KeyPairObjects | null {
  const privates = findObjects(
    p11,
    session,
    [
      { type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY },
      { type: CK.CKA_LABEL, value: label },
    ],
    `search for key "${label}"`,
  );
  const publics = findObjects(
    p11,
    session,
    [
      { type: CK.CKA_CLASS, value: CK.CKO_PUBLIC_KEY },
      { type: CK.CKA_LABEL, value: label },
    ],
    `search for key "${label}"`,
  );
  if (privates.length > 1)
    throw new HsmError('DUPLICATE_LABEL', `The token holds ${privates.length} private keys labelled "${label}"; the app will not choose one.`);
  if (privates.length === 0 && publics.length === 0) return null;
  const privateKey = privates[0] ?? null;
  let publicKey = publics[0] ?? null;
  if (privateKey && publics.length > 1) {
    const id = readAttributes(p11, session, privateKey, [CK.CKA_ID]).get(CK.CKA_ID);
    publicKey = publics.find((h) => id && readAttributes(p11, session, h, [CK.CKA_ID]).get(CK.CKA_ID)?.equals(id)) ?? null;
    if (!publicKey)
      throw new HsmError('DUPLICATE_LABEL', `The token holds ${publics.length} public keys labelled "${label}" and none has the private key's ID.`);
  }
  return readPair(p11, session, label, privateKey, publicKey);
}

/** Every key pair on the token, by label; halves without a partner are listed alone. */
export function listKeyPairs(p11: P11, session: Handle): KeyPairObjects[] {
  const labelOf = (h: Handle) => readAttributes(p11, session, h, [CK.CKA_LABEL]).get(CK.CKA_LABEL)?.toString('utf8') ?? '';
  const labels = new Set<string>();
  for (const cls of [CK.CKO_PRIVATE_KEY, CK.CKO_PUBLIC_KEY]) {
    for (const h of findObjects(p11, session, [{ type: CK.CKA_CLASS, value: cls }], 'list the keys')) labels.add(labelOf(h));
  }
  return [...labels].sort().flatMap((label) => {
    try {
      const pair = findKeyPair(p11, session, label);
      return pair ? [pair] : [];
    } catch (e) {
      if (!(e instanceof HsmError && e.reason === 'DUPLICATE_LABEL')) throw e;
      // An inventory shows everything, even what no ceremony may use: each half on its own.
      return [CK.CKO_PRIVATE_KEY, CK.CKO_PUBLIC_KEY].flatMap((cls) =>
        findObjects(
          p11,
          session,
          [
            { type: CK.CKA_CLASS, value: cls },
            { type: CK.CKA_LABEL, value: label },
          ],
          'list the keys',
        ).map((h) => (cls === CK.CKO_PRIVATE_KEY ? readPair(p11, session, label, h, null) : readPair(p11, session, label, null, h))),
      );
    }
  });
}

/** Every object labelled so, of any class: what a duplicate check and a destruction proof look at. */
export function objectsLabelled(p11: P11, session: Handle, label: string): Handle[] {
  return findObjects(p11, session, [{ type: CK.CKA_LABEL, value: label }], `search for objects labelled "${label}"`);
}

/** The labels of the keys with this CKA_ID (normally one). */
export function labelsWithId(p11: P11, session: Handle, id: Buffer): string[] {
  const handles = [CK.CKO_PRIVATE_KEY, CK.CKO_PUBLIC_KEY].flatMap((cls) =>
    findObjects(
      p11,
      session,
      [
        { type: CK.CKA_CLASS, value: cls },
        { type: CK.CKA_ID, value: id },
      ],
      `search for key ID ${id.toString('hex')}`,
    ),
  );
  return [...new Set(handles.map((h) => readAttributes(p11, session, h, [CK.CKA_LABEL]).get(CK.CKA_LABEL)?.toString('utf8') ?? ''))];
}
