import { randomBytes } from 'node:crypto';
import type pkcs11js from 'pkcs11js';
import { keySizeBits } from '../../core/dnssec/algorithms.js';
import { KSK_FLAGS, summarizeKsk } from '../../core/dnssec/dnskey.js';
import { KskError, messageOf } from '../../core/errors.js';
import { HsmError, isHsmError } from '../../core/hsm/errors.js';
import { checkKeyLabel, rootStyleLabel } from '../../core/hsm/label.js';
import { capability, missingCapabilities, rsaSizesOf, type HsmProfile } from '../../core/hsm/capabilities.js';
import { rsaKeySizes, type GeneratedKsk, type GenerateKskOptions, type KeyAttributes, type KskAlgorithm } from '../../core/hsm/port.js';
import { CK, EC_PARAMS } from '../ck.js';
import { findKeyPair, objectsLabelled, readKeyAttributes } from './objects.js';
import { callAsync, ckrError, type Handle, type P11 } from './pkcs11.js';
import { signAndVerify } from './sign.js';
import { kskPrivateTemplate, kskPublicTemplate } from './templates.js';

/** What the worker gives a long operation: progress reports and the cancellation check. */
export interface OperationContext {
  progress(stage: string, fraction: number | null): void;
  cancelled(): boolean;
}

interface Spec {
  generate: number;
  keyType: number;
  publicTemplate: pkcs11js.Template;
}

function specFor(options: GenerateKskOptions): Spec {
  switch (options.algorithm) {
    case 'RSASHA256': {
      const bits = options.rsaBits ?? 2048;
      if (!(rsaKeySizes as readonly number[]).includes(bits)) {
        throw new KskError('BAD_REQUEST', `An RSASHA256 KSK has ${rsaKeySizes.join(', ')} bits, not ${bits}.`);
      }
      return {
        generate: CK.CKM_RSA_PKCS_KEY_PAIR_GEN,
        keyType: CK.CKK_RSA,
        publicTemplate: [
          { type: CK.CKA_MODULUS_BITS, value: bits },
          { type: CK.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        ],
      };
    }
    case 'ECDSAP256SHA256':
    case 'ECDSAP384SHA384':
      return {
        generate: CK.CKM_EC_KEY_PAIR_GEN,
        keyType: CK.CKK_EC,
        publicTemplate: [{ type: CK.CKA_EC_PARAMS, value: options.algorithm === 'ECDSAP256SHA256' ? EC_PARAMS.P256 : EC_PARAMS.P384 }],
      };
    case 'ED25519':
      return {
        generate: CK.CKM_EC_EDWARDS_KEY_PAIR_GEN,
        keyType: CK.CKK_EC_EDWARDS,
        publicTemplate: [{ type: CK.CKA_EC_PARAMS, value: EC_PARAMS.ED25519 }],
      };
    default:
      throw new KskError('BAD_REQUEST', `Unsupported KSK algorithm "${String((options as { algorithm: unknown }).algorithm)}".`);
  }
}

/** Refuses, by the capability's name, a key the token cannot make or sign with, before it is asked to. */
function checkCapabilities(profile: HsmProfile, options: GenerateKskOptions): void {
  const missing = missingCapabilities(profile, [`generate:${options.algorithm}`, `sign:${options.algorithm}`]);
  if (missing.length > 0) {
    throw new HsmError(
      'MECHANISM_NOT_SUPPORTED',
      `Token "${profile.token.label}" cannot make an ${options.algorithm} KSK; it lacks ${missing.map((c) => `${c.id} (${c.detail})`).join(' and ')}.`,
    );
  }
  if (options.algorithm === 'RSASHA256') {
    const bits = options.rsaBits ?? 2048;
    const sizes = rsaSizesOf(profile);
    if (!sizes.includes(bits))
      throw new HsmError('MECHANISM_NOT_SUPPORTED', `Token "${profile.token.label}" generates RSA KSKs of ${sizes.join(' or ')} bits, not ${bits}.`);
  }
}

/** Destroys what a failed generation created; says plainly if something could not be removed. */
export function discard(p11: P11, session: Handle, label: string, handles: Handle[], why: unknown): never {
  const left: string[] = [];
  for (const h of handles) {
    try {
      p11.C_DestroyObject(session, h);
    } catch (e) {
      left.push(messageOf(e));
    }
  }
  if (left.length > 0) {
    throw new HsmError(
      'DEVICE_ERROR',
      `${messageOf(why)} The half-created key "${label}" could not be removed (${left.join(', ')}): delete it with "ksk-ceremony key delete --label ${label}" before going on.`,
      undefined,
      { cause: why },
    );
  }
  throw why;
}

export function checkPolicy(attrs: KeyAttributes, wrapWithTrusted: boolean): void {
  const wrong: string[] = [];
  if (!attrs.token) wrong.push('CKA_TOKEN is false');
  if (!attrs.private) wrong.push('CKA_PRIVATE is false');
  if (!attrs.sensitive) wrong.push('CKA_SENSITIVE is false');
  if (attrs.extractable !== wrapWithTrusted) wrong.push(`CKA_EXTRACTABLE is ${attrs.extractable}`);
  if (wrapWithTrusted && attrs.wrapWithTrusted !== true) wrong.push('CKA_WRAP_WITH_TRUSTED is not set');
  if (!attrs.sign) wrong.push('CKA_SIGN is false');
  if (attrs.decrypt === true || attrs.unwrap === true || attrs.derive === true) wrong.push('the key may also decrypt, unwrap or derive');
  if (wrong.length > 0) throw new HsmError('DEVICE_ERROR', `The token did not apply the key policy the app asked for: ${wrong.join('; ')}.`);
}

const isTemplateRefusal = (e: unknown) =>
  e instanceof Error && ['CKR_ATTRIBUTE_TYPE_INVALID', 'CKR_TEMPLATE_INCONSISTENT', 'CKR_ATTRIBUTE_VALUE_INVALID'].includes(e.message);

/** Generates a KSK pair in the token, reads it back, proves it signs, and summarises it as DNSSEC sees it. */
export async function generateKsk(
  p11: P11,
  profile: HsmProfile,
  session: Handle,
  options: GenerateKskOptions & { at: string },
  op: OperationContext,
): Promise<GeneratedKsk> {
  const spec = specFor(options);
  const started = new Date(options.at);
  const startedMs = performance.now();
  const label = checkKeyLabel(options.label ?? rootStyleLabel(started));
  checkCapabilities(profile, options);
  if (objectsLabelled(p11, session, label).length > 0) {
    throw new HsmError('DUPLICATE_LABEL', `The token already holds an object labelled "${label}"; a KSK label is never reused.`);
  }
  const id = randomBytes(16);
  const ctx = { operation: `generate the ${options.algorithm} KSK "${label}"`, key: label };
  op.progress(`Generating the ${options.algorithm}${spec.keyType === CK.CKK_RSA ? `-${options.rsaBits ?? 2048}` : ''} key pair in the HSM`, null);
  const generate = (trusted: boolean) =>
    p11.C_GenerateKeyPairAsync(
      session,
      { mechanism: spec.generate },
      kskPublicTemplate(spec.keyType, label, id, spec.publicTemplate),
      kskPrivateTemplate(spec.keyType, label, id, trusted),
    );
  // Extractable (under a trusted key only) where the token can wrap it for a backup; never elsewhere.
  let wrapWithTrusted = capability(profile, 'backup-by-wrapping').supported;
  let pair: pkcs11js.KeyPair;
  try {
    pair = await generate(wrapWithTrusted);
  } catch (e) {
    if (!wrapWithTrusted || !isTemplateRefusal(e)) throw ckrError(e, ctx);
    // The token does not know CKA_WRAP_WITH_TRUSTED: the key then never leaves it at all.
    wrapWithTrusted = false;
    pair = await callAsync(ctx, () => generate(false));
  }
  const created = [pair.privateKey, pair.publicKey];
  try {
    if (op.cancelled()) throw new KskError('CANCELLED', `Generation of "${label}" was cancelled; the key pair the HSM had just made was destroyed.`);
    op.progress('Reading the public key back and test-signing', null);
    const found = findKeyPair(p11, session, label);
    if (!found?.privateKey || !found.publicKey || !found.dnskeyKey || found.algorithm === null) {
      throw new HsmError('DEVICE_ERROR', `The token does not return both halves of the new key "${label}".`);
    }
    const attributes = readKeyAttributes(p11, session, found.privateKey);
    checkPolicy(attributes, wrapWithTrusted);
    signAndVerify(
      p11,
      session,
      profile,
      { label, privateKey: found.privateKey, algorithm: found.algorithm, dnskeyKey: found.dnskeyKey },
      Buffer.from(`ksk-ceremony test signature ${label}`),
    );
    const summary = summarizeKsk(options.owner ?? '.', options.ttl ?? 172800, {
      flags: KSK_FLAGS,
      protocol: 3,
      algorithm: found.algorithm,
      publicKey: found.dnskeyKey,
    });
    op.progress('Key generated', 1);
    return {
      key: { label, idHex: found.id.toString('hex'), algorithm: found.algorithm, publicKey: found.dnskeyKey },
      algorithmName: options.algorithm as KskAlgorithm,
      keySizeBits: keySizeBits(found.algorithm, found.dnskeyKey),
      summary,
      attributes,
      backupByWrapping: wrapWithTrusted,
      generatedAt: started.toISOString(),
      durationMs: Math.round(performance.now() - startedMs),
    };
  } catch (e) {
    return discard(p11, session, label, created, isHsmError(e) || e instanceof KskError ? e : ckrError(e, ctx));
  }
}
