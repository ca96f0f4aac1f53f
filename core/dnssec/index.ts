/**
 * The KSR/SKR API the ceremony engine and the service call. Everything here is plain Node: the HSM
 * comes in through the KeySigner port (core/hsm/port.ts).
 */
export { checkNames, checkDescriptions, alwaysOnChecks, type CheckName } from './checkNames.js';
export { checkKsr, checkSignedSkr, failuresOf, type CheckOptions, type CheckResult } from './checks.js';
export { parseKsr, parseSkr } from './ksrParse.js';
export { ksrToXml, skrToXml, writeSkrAtomic } from './ksrWrite.js';
export { readInputFile, writeFileAtomic } from './files.js';
export type { Bundle, BundleKey, BundleSignature, Ksr, Skr, SignaturePolicy } from './model.js';
export {
  definePolicy,
  kskKeyFromHsm,
  replacementSchema,
  rootKskPolicy,
  schemaFromSlots,
  schemaNamed,
  standardSchemas,
  uniformSchema,
  type KskKeyConfig,
  type Schema,
  type SchemaSlot,
  type SigningPolicy,
} from './policy.js';
export { parseSigningPolicy } from './policyYaml.js';
export { signKsr, type SignOptions } from './sign.js';
export { lastExpiration, verifySkr, type SkrVerdict } from './verify.js';
export { trustAnchorEntries, trustAnchorXml, type TrustAnchorKey } from './trustAnchor.js';
export { planRollover, type RolloverPlan } from './rollover.js';
export { generateRehearsalKsr, isRehearsalKsr, type ZskToken } from './rehearsal.js';
