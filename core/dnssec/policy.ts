import { KskError } from '../errors.js';
import type { HsmKey } from '../hsm/port.js';
import { Algorithm, keySizeBits, rsaExponent, type AlgorithmNumber } from './algorithms.js';
import type { CheckName } from './checkNames.js';
import type { KeyTiming } from './model.js';
import { dsRecord, KSK_FLAGS, keyTag } from './dnskey.js';
import { SECONDS_PER_DAY, type UtcSeconds } from './time.js';

/**
 * The signing policy: what IANA's ksrsigner.yaml says (hsm, keys, request_policy, response_policy,
 * ksk_policy, schemas), in the app's own terms. Loaded from the operator's file
 * (policyYaml.ts), or built in code by a DR procedure with the helpers below.
 */

export interface HsmModuleConfig {
  name: string;
  module: string;
  pin?: string;
  soPin?: string;
  env: Record<string, string>;
  /** Only this token of the module (an addition to IANA's format); otherwise every initialised token. */
  tokenLabel?: string;
}

/** An entry of `keys`: a KSK the schemas refer to by name, found in the HSM by its label. */
export interface KskKeyConfig {
  name: string;
  description: string;
  label: string;
  keyTag?: number;
  algorithm: AlgorithmNumber;
  rsaSize?: number;
  rsaExponent?: number;
  validFrom: UtcSeconds;
  validUntil?: UtcSeconds;
  /** Hex, upper case. */
  dsSha256?: string;
}

/** IANA's request_policy, with its defaults (kskm.common.config_misc.RequestPolicy). */
export interface RequestPolicy {
  acceptableDomains: string[];
  numBundles: number;
  validateSignatures: boolean;
  keysMatchZskPolicy: boolean;
  rsaExponentMatchZskPolicy: boolean;
  enableUnsupportedEcdsa: boolean;
  checkCycleLength: boolean;
  minCycleInceptionLength: number;
  maxCycleInceptionLength: number;
  minBundleInterval: number;
  maxBundleInterval: number;
  checkBundleOverlap: boolean;
  signatureAlgorithmsMatchZskPolicy: boolean;
  approvedAlgorithms: string[];
  rsaApprovedExponents: number[];
  rsaApprovedKeySizes: number[];
  signatureValidityMatchZskPolicy: boolean;
  checkKeysMatchKskOperatorPolicy: boolean;
  numKeysPerBundle: number[];
  numDifferentKeysInAllBundles: number;
  /** 0 means the ksk_policy TTL. */
  dnsTtl: number;
  signatureCheckExpireHorizon: boolean;
  signatureHorizonDays: number;
  checkBundleIntervals: boolean;
  checkChainKeys: boolean;
  checkChainKeysInHsm: boolean;
  checkChainOverlap: boolean;
  checkKeysPublishSafety: boolean;
  checkKeysRetireSafety: boolean;
}

export interface ResponsePolicy {
  numBundles: number;
  validateSignatures: boolean;
}

/** ksk_policy: what the SKR states as the KSK policy, and the TTL and signer's name of every RRSIG. */
export interface KskPolicy extends KeyTiming {
  ttl: number;
  signersName: string;
}

/** One slot of a schema: KSK names to publish, to publish revoked (flags 385), and to sign with. */
export interface SchemaSlot {
  publish: string[];
  revoke: string[];
  sign: string[];
}

export interface Schema {
  name: string;
  /** slots[0] is slot (bundle) 1. */
  slots: SchemaSlot[];
}

export interface SigningPolicy {
  hsm: HsmModuleConfig[];
  keys: Record<string, KskKeyConfig>;
  requestPolicy: RequestPolicy;
  responsePolicy: ResponsePolicy;
  kskPolicy: KskPolicy;
  schemas: Record<string, Schema>;
  /** IANA's `filenames` section, kept so the operator's file loads as it is. */
  filenames: Record<string, string>;
  /** Switches set by the app itself (a rehearsal, a DR procedure), over what the file says. */
  checkSwitches: Partial<Record<CheckName, boolean>>;
}

const days = (n: number) => n * SECONDS_PER_DAY;

export function defaultRequestPolicy(): RequestPolicy {
  return {
    acceptableDomains: ['.'],
    numBundles: 9,
    validateSignatures: true,
    keysMatchZskPolicy: true,
    rsaExponentMatchZskPolicy: true,
    enableUnsupportedEcdsa: false,
    checkCycleLength: true,
    minCycleInceptionLength: days(79),
    maxCycleInceptionLength: days(81),
    minBundleInterval: days(9),
    maxBundleInterval: days(11),
    checkBundleOverlap: true,
    signatureAlgorithmsMatchZskPolicy: true,
    approvedAlgorithms: ['RSASHA256'],
    rsaApprovedExponents: [65537],
    rsaApprovedKeySizes: [2048],
    signatureValidityMatchZskPolicy: true,
    checkKeysMatchKskOperatorPolicy: true,
    numKeysPerBundle: [2, 1, 1, 1, 1, 1, 1, 1, 2],
    numDifferentKeysInAllBundles: 3,
    dnsTtl: 0,
    signatureCheckExpireHorizon: true,
    signatureHorizonDays: 180,
    checkBundleIntervals: true,
    checkChainKeys: true,
    checkChainKeysInHsm: true,
    checkChainOverlap: true,
    checkKeysPublishSafety: true,
    checkKeysRetireSafety: true,
  };
}

export function defaultKskPolicy(): KskPolicy {
  return {
    publishSafety: 0,
    retireSafety: 0,
    maxSignatureValidity: 0,
    minSignatureValidity: 0,
    maxValidityOverlap: 0,
    minValidityOverlap: 0,
    ttl: 172800,
    signersName: '.',
  };
}

/** The root's KSK policy (DPS): 21-day signatures, 9–16 days overlap, 10 days publish and retire safety. */
export function rootKskPolicy(): KskPolicy {
  return {
    publishSafety: days(10),
    retireSafety: days(10),
    maxSignatureValidity: days(21),
    minSignatureValidity: days(21),
    maxValidityOverlap: days(16),
    minValidityOverlap: days(9),
    ttl: 172800,
    signersName: '.',
  };
}

/** A policy built in code, with IANA's defaults for whatever is not given. */
export function definePolicy(parts: {
  keys: readonly KskKeyConfig[];
  schemas?: readonly Schema[];
  hsm?: readonly HsmModuleConfig[];
  requestPolicy?: Partial<RequestPolicy>;
  responsePolicy?: Partial<ResponsePolicy>;
  kskPolicy?: Partial<KskPolicy>;
  checkSwitches?: Partial<Record<CheckName, boolean>>;
}): SigningPolicy {
  const keys: Record<string, KskKeyConfig> = {};
  for (const key of parts.keys) {
    if (keys[key.name]) throw new KskError('BAD_REQUEST', `The key name "${key.name}" is used twice.`);
    keys[key.name] = key;
  }
  const schemas: Record<string, Schema> = {};
  for (const schema of parts.schemas ?? []) {
    validateSchema(schema, keys);
    schemas[schema.name] = schema;
  }
  return {
    hsm: [...(parts.hsm ?? [])],
    keys,
    requestPolicy: { ...defaultRequestPolicy(), ...parts.requestPolicy },
    responsePolicy: { numBundles: 9, validateSignatures: true, ...parts.responsePolicy },
    kskPolicy: { ...defaultKskPolicy(), ...parts.kskPolicy },
    schemas,
    filenames: {},
    checkSwitches: { ...parts.checkSwitches },
  };
}

/** Every key a schema names exists in the policy; no slot signs with a key it does not publish. */
export function validateSchema(schema: Schema, keys: Record<string, KskKeyConfig>): void {
  if (schema.slots.length === 0) throw new KskError('BAD_REQUEST', `Schema "${schema.name}" has no slots.`);
  schema.slots.forEach((slot, i) => {
    for (const name of [...slot.publish, ...slot.revoke, ...slot.sign]) {
      if (!keys[name])
        throw new KskError('BAD_REQUEST', `Schema "${schema.name}" slot ${i + 1} names the key "${name}", which the policy's keys do not define.`);
    }
    if (slot.sign.length === 0) {
      throw new KskError('BAD_REQUEST', `Schema "${schema.name}" slot ${i + 1} signs with no key.`);
    }
  });
}

/** A schema that does the same in every slot. */
export function uniformSchema(name: string, slot: Partial<SchemaSlot>, slots = 9): Schema {
  return schemaFromSlots(
    name,
    Array.from({ length: slots }, () => slot),
  );
}

export function schemaFromSlots(name: string, slots: ReadonlyArray<Partial<SchemaSlot>>): Schema {
  return { name, slots: slots.map((s) => ({ publish: [...(s.publish ?? [])], revoke: [...(s.revoke ?? [])], sign: [...(s.sign ?? [])] })) };
}

/**
 * The emergency schema of a DR procedure that replaces a KSK: the new KSK is published and signs
 * every slot; while the old KSK is still usable it is published revoked (flags 385) and signs too,
 * so RFC 5011 validators see its self-signed revocation.
 */
export function replacementSchema(options: { name?: string; newKey: string; oldKey?: string; slots?: number }): Schema {
  const { newKey, oldKey, slots = 9 } = options;
  return uniformSchema(
    options.name ?? 'replace',
    oldKey ? { publish: [newKey], revoke: [oldKey], sign: [newKey, oldKey] } : { publish: [newKey], sign: [newKey] },
    slots,
  );
}

/**
 * IANA's seven schemas for a rollover from `current` to `next` (its example ksrsigner.yaml):
 * normal, pre-publish, rollover, revoke, publish+, rollover+, revoke+.
 */
export function standardSchemas(current: string, next: string): Record<string, Schema> {
  const both = [current, next];
  const bySlot = (name: string, first: Partial<SchemaSlot>, middle: Partial<SchemaSlot>, last: Partial<SchemaSlot> = middle): Schema =>
    schemaFromSlots(name, [first, ...Array.from({ length: 7 }, () => middle), last]);
  const revoking = { publish: [next], revoke: [current], sign: both };
  return {
    normal: uniformSchema('normal', { publish: [current], sign: [current] }),
    'pre-publish': bySlot('pre-publish', { publish: [current], sign: [current] }, { publish: both, sign: [current] }),
    rollover: bySlot('rollover', { publish: both, sign: [current] }, { publish: both, sign: [next] }),
    revoke: bySlot('revoke', { publish: both, sign: [next] }, revoking, { publish: [next], sign: [next] }),
    'publish+': uniformSchema('publish+', { publish: both, sign: [current] }),
    'rollover+': uniformSchema('rollover+', { publish: both, sign: [next] }),
    'revoke+': bySlot('revoke+', { publish: [next], sign: [next] }, revoking, { publish: [next], sign: [next] }),
  };
}

/** A key entry for a KSK read from the HSM, with its tag and DS computed (for policies built in code). */
export function kskKeyFromHsm(name: string, key: HsmKey, validity: { validFrom: UtcSeconds; validUntil?: UtcSeconds; description?: string }): KskKeyConfig {
  const dnskey = { flags: KSK_FLAGS, protocol: 3, algorithm: key.algorithm, publicKey: key.publicKey };
  const config: KskKeyConfig = {
    name,
    description: validity.description ?? `KSK ${key.label}`,
    label: key.label,
    keyTag: keyTag(dnskey),
    algorithm: key.algorithm,
    validFrom: validity.validFrom,
    dsSha256: dsRecord('.', dnskey).digest.toString('hex').toUpperCase(),
  };
  if (validity.validUntil !== undefined) config.validUntil = validity.validUntil;
  if (key.algorithm === Algorithm.RSASHA256) {
    config.rsaExponent = rsaExponent(key.publicKey);
    config.rsaSize = keySizeBits(key.algorithm, key.publicKey);
  }
  return config;
}

export function schemaNamed(policy: SigningPolicy, name: string): Schema {
  const schema = policy.schemas[name];
  if (!schema) {
    const known = Object.keys(policy.schemas);
    throw new KskError('BAD_REQUEST', `The policy has no schema "${name}"${known.length ? ` (it has: ${known.join(', ')})` : ''}.`);
  }
  return schema;
}
