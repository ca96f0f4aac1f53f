import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { KskError } from '../errors.js';
import { algorithmNumber } from './algorithms.js';
import {
  defaultKskPolicy,
  defaultRequestPolicy,
  validateSchema,
  type HsmModuleConfig,
  type KskKeyConfig,
  type KskPolicy,
  type RequestPolicy,
  type SchemaSlot,
  type SigningPolicy,
} from './policy.js';
import { parseDuration } from './time.js';

/**
 * IANA's ksrsigner.yaml, read as it is. Every scalar is read as text (YAML's failsafe schema) and
 * typed here, so a PIN like 0123 or a hex digest that looks like a number keeps its exact
 * characters; booleans are PyYAML's (True, yes, on ...). Unknown keys are an error, with the line.
 */

const MAX_POLICY_BYTES = 1024 * 1024;

const text = z.string();
const bool = z.string().transform((v, ctx) => {
  const lower = v.toLowerCase();
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (['false', 'no', 'off'].includes(lower)) return false;
  ctx.addIssue({ code: 'custom', message: `"${v}" is not true or false` });
  return z.NEVER;
});
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.string().transform((v, ctx) => {
    const n = /^[+]?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });
const duration = z.string().transform((v, ctx) => {
  try {
    return parseDuration(v, 'duration');
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not an ISO 8601 duration such as P21D or PT0S` });
    return z.NEVER;
  }
});
const isoDate = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const timestamp = z.string().transform((v, ctx) => {
  const trimmed = v.trim();
  if (!isoDate.test(trimmed)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a date and time such as 2017-02-02T00:00:00+00:00` });
    return z.NEVER;
  }
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) || !/[T ]/.test(trimmed) ? trimmed : `${trimmed}Z`;
  return Math.floor(Date.parse(zoned.replace(' ', 'T')) / 1000);
});
const names = z.union([text, z.array(text)]).transform((v) => (Array.isArray(v) ? v : [v]));
const keyName = z.string().regex(/^\w+$/, 'a key name is letters, digits and underscores');

const hsmSchema = z.strictObject({
  module: text,
  pin: text.optional(),
  so_pin: text.optional(),
  env: z.record(z.string(), text).optional(),
  /** This app's one addition: open only this token of the module (IANA's tool opens every slot). */
  token_label: text.optional(),
});

const keySchema = z.strictObject({
  description: text.optional(),
  label: z.string().regex(/^\w+$/, 'a label is letters, digits and underscores'),
  key_tag: int(1, 65535).optional(),
  algorithm: text,
  valid_from: timestamp,
  valid_until: timestamp.optional(),
  rsa_size: int(1, 65535).optional(),
  rsa_exponent: int(1).optional(),
  ds_sha256: z
    .string()
    .regex(/^[0-9a-fA-F]+$/, 'a DS digest is hex')
    .optional(),
});

const requestPolicySchema = z.strictObject({
  acceptable_domains: z.array(text).optional(),
  num_bundles: int(1).optional(),
  validate_signatures: bool.optional(),
  keys_match_zsk_policy: bool.optional(),
  rsa_exponent_match_zsk_policy: bool.optional(),
  enable_unsupported_ecdsa: bool.optional(),
  check_cycle_length: bool.optional(),
  min_cycle_inception_length: duration.optional(),
  max_cycle_inception_length: duration.optional(),
  min_bundle_interval: duration.optional(),
  max_bundle_interval: duration.optional(),
  check_bundle_overlap: bool.optional(),
  signature_algorithms_match_zsk_policy: bool.optional(),
  approved_algorithms: z.array(text).optional(),
  rsa_approved_exponents: z.array(int(1)).optional(),
  rsa_approved_key_sizes: z.array(int(1, 65535)).optional(),
  signature_validity_match_zsk_policy: bool.optional(),
  check_keys_match_ksk_operator_policy: bool.optional(),
  num_keys_per_bundle: z.array(int(1)).optional(),
  num_different_keys_in_all_bundles: int(1).optional(),
  dns_ttl: int(0).optional(),
  signature_check_expire_horizon: bool.optional(),
  signature_horizon_days: int(1).optional(),
  check_bundle_intervals: bool.optional(),
  check_chain_keys: bool.optional(),
  check_chain_keys_in_hsm: bool.optional(),
  check_chain_overlap: bool.optional(),
  check_keys_publish_safety: bool.optional(),
  check_keys_retire_safety: bool.optional(),
});

const kskPolicySchema = z.strictObject({
  publish_safety: duration.optional(),
  retire_safety: duration.optional(),
  max_signature_validity: duration.optional(),
  min_signature_validity: duration.optional(),
  max_validity_overlap: duration.optional(),
  min_validity_overlap: duration.optional(),
  ttl: int(0).optional(),
  signers_name: z
    .string()
    .regex(/^[\w.]+$/, 'a domain name')
    .optional(),
});

const slotSchema = z.strictObject({ publish: names, sign: names, revoke: names.optional() });

const fileSchema = z.strictObject({
  hsm: z.record(z.string(), hsmSchema).optional(),
  filenames: z
    .strictObject({ previous_skr: text.optional(), input_ksr: text.optional(), output_skr: text.optional(), output_trustanchor: text.optional() })
    .optional(),
  keys: z.record(keyName, keySchema).optional(),
  request_policy: requestPolicySchema.optional(),
  response_policy: z.strictObject({ num_bundles: int(1).optional(), validate_signatures: bool.optional() }).optional(),
  ksk_policy: kskPolicySchema.optional(),
  schemas: z.record(z.string(), z.record(z.string().regex(/^\d+$/, 'a slot is a number'), slotSchema)).optional(),
});

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Copies the keys the file sets over the defaults, snake_case to camelCase. */
function overlay<T extends object>(defaults: T, given: Record<string, unknown> | undefined): T {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(given ?? {})) if (v !== undefined) out[camel(k)] = v;
  return out as T;
}

function toKey(name: string, k: z.output<typeof keySchema>, where: (path: string[]) => string): KskKeyConfig {
  let algorithm;
  try {
    algorithm = algorithmNumber(k.algorithm);
  } catch {
    throw new KskError(
      'BAD_INPUT_FILE',
      `${where(['keys', name, 'algorithm'])}: keys.${name}.algorithm "${k.algorithm}" is not one of RSASHA256, ECDSAP256SHA256, ECDSAP384SHA384, ED25519.`,
    );
  }
  const key: KskKeyConfig = { name, description: k.description ?? '', label: k.label, algorithm, validFrom: k.valid_from };
  if (k.key_tag !== undefined) key.keyTag = k.key_tag;
  if (k.rsa_size !== undefined) key.rsaSize = k.rsa_size;
  if (k.rsa_exponent !== undefined) key.rsaExponent = k.rsa_exponent;
  if (k.valid_until !== undefined) key.validUntil = k.valid_until;
  if (k.ds_sha256 !== undefined) key.dsSha256 = k.ds_sha256.toUpperCase();
  return key;
}

/** Reads a ksrsigner.yaml; `source` names the file in messages. */
export function parseSigningPolicy(yamlText: string, source = 'ksrsigner.yaml'): SigningPolicy {
  if (Buffer.byteLength(yamlText) > MAX_POLICY_BYTES) throw new KskError('BAD_INPUT_FILE', `${source} is too large for a signing policy (over 1 MB).`);
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { schema: 'failsafe', lineCounter, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new KskError('BAD_INPUT_FILE', `${source} line ${line}: ${first.message.split('\n')[0]}`);
  }
  const where = (path: ReadonlyArray<string | number>) => {
    for (let i = path.length; i >= 0; i--) {
      const node = doc.getIn(path.slice(0, i), true);
      if (isNode(node) && node.range) return `${source} line ${lineCounter.linePos(node.range[0]).line}`;
    }
    return source;
  };

  const raw: unknown = doc.toJS({ maxAliasCount: 50 }) ?? {};
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] as string;
      const full = [...path, key].join('.');
      throw new KskError(
        'BAD_INPUT_FILE',
        `${where([...path, key])}: "${full}" is not a setting of ksrsigner.yaml (unknown keys are refused, so a typo cannot switch a check off).`,
      );
    }
    throw new KskError('BAD_INPUT_FILE', `${where(path)}: ${path.join('.') || 'the file'}: ${issue.message}.`);
  }
  const file = parsed.data;

  const keys: Record<string, KskKeyConfig> = {};
  for (const [name, k] of Object.entries(file.keys ?? {})) keys[name] = toKey(name, k, where);

  const hsm: HsmModuleConfig[] = Object.entries(file.hsm ?? {}).map(([name, h]) => {
    const config: HsmModuleConfig = { name, module: h.module, env: { ...h.env } };
    if (h.pin !== undefined) config.pin = h.pin;
    if (h.so_pin !== undefined) config.soPin = h.so_pin;
    if (h.token_label !== undefined) config.tokenLabel = h.token_label;
    return config;
  });

  const schemas: SigningPolicy['schemas'] = {};
  for (const [name, slotMap] of Object.entries(file.schemas ?? {})) {
    const numbers = Object.keys(slotMap)
      .map(Number)
      .sort((a, b) => a - b);
    numbers.forEach((n, i) => {
      if (n !== i + 1)
        throw new KskError(
          'BAD_INPUT_FILE',
          `${where(['schemas', name])}: schema "${name}" must number its slots 1, 2, 3 ... without gaps (found ${numbers.join(', ')}).`,
        );
    });
    const slots = numbers.map((n): SchemaSlot => {
      const s = slotMap[String(n)] as z.output<typeof slotSchema>;
      return { publish: s.publish, revoke: s.revoke ?? [], sign: s.sign };
    });
    const schema = { name, slots };
    try {
      validateSchema(schema, keys);
    } catch (e) {
      throw new KskError('BAD_INPUT_FILE', `${where(['schemas', name])}: ${(e as Error).message}`);
    }
    schemas[name] = schema;
  }

  const requestPolicy = overlay<RequestPolicy>(defaultRequestPolicy(), file.request_policy);
  const kskPolicy = overlay<KskPolicy>(defaultKskPolicy(), file.ksk_policy);
  if (requestPolicy.dnsTtl === 0) requestPolicy.dnsTtl = kskPolicy.ttl;
  for (const name of requestPolicy.approvedAlgorithms) {
    try {
      algorithmNumber(name);
    } catch {
      throw new KskError(
        'BAD_INPUT_FILE',
        `${where(['request_policy', 'approved_algorithms'])}: approved algorithm "${name}" is not one of RSASHA256, ECDSAP256SHA256, ECDSAP384SHA384, ED25519.`,
      );
    }
  }
  return {
    hsm,
    keys,
    requestPolicy,
    responsePolicy: overlay({ numBundles: 9, validateSignatures: true }, file.response_policy),
    kskPolicy,
    schemas,
    filenames: overlay<Record<string, string>>({}, file.filenames),
    checkSwitches: {},
  };
}
