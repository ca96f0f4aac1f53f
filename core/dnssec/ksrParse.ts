import { KskError } from '../errors.js';
import type { AlgorithmPolicy, Bundle, BundleKey, BundleSignature, Ksr, SignaturePolicy, Skr } from './model.js';
import { TYPE_DNSKEY } from './model.js';
import { MAX_DNSKEY_PUBLIC_KEY_BYTES, MAX_RRSIG_SIGNATURE_BYTES } from './wireLimits.js';
import { parseDuration, parseKsrTime } from './time.js';
import { defaultXmlLimits, readXml, type XmlElement, type XmlLimits } from './xmlReader.js';

/**
 * KSR and SKR files to the object model, held to the 2010 RELAX NG schema: an unknown element or
 * attribute, a missing one, or a value out of range is refused with its line.
 */

class Shape {
  constructor(readonly what: string) {}

  fail(el: XmlElement, message: string): never {
    throw new KskError('BAD_INPUT_FILE', `${this.what}: ${message} (<${el.name}> at line ${el.line}).`);
  }

  /** Only the listed children and attributes; the required attributes present; no stray text. */
  check(el: XmlElement, children: readonly string[], required: readonly string[], optional: readonly string[] = []): void {
    for (const child of el.children) {
      if (!children.includes(child.name)) {
        throw new KskError('BAD_INPUT_FILE', `${this.what}: unexpected element <${child.name}> inside <${el.name}> at line ${child.line}.`);
      }
    }
    for (const name of Object.keys(el.attrs)) {
      if (!required.includes(name) && !optional.includes(name)) this.fail(el, `unexpected attribute ${name}="${el.attrs[name]}"`);
    }
    for (const name of required) if (el.attrs[name] === undefined) this.fail(el, `the attribute ${name} is missing`);
    if (el.children.length > 0 && el.text.trim() !== '') this.fail(el, `unexpected text "${el.text.trim().slice(0, 40)}"`);
  }

  one(el: XmlElement, name: string): XmlElement {
    const found = el.children.filter((c) => c.name === name);
    if (found.length === 0) this.fail(el, `<${name}> is missing`);
    if (found.length > 1) this.fail(found[1] as XmlElement, `<${name}> appears more than once in <${el.name}>`);
    return found[0] as XmlElement;
  }

  all(el: XmlElement, name: string): XmlElement[] {
    return el.children.filter((c) => c.name === name);
  }

  text(el: XmlElement): string {
    if (el.children.length > 0) this.fail(el, `<${el.children[0]?.name}> is not allowed here`);
    return el.text.trim();
  }

  childText(el: XmlElement, name: string): string {
    const child = this.one(el, name);
    this.check(child, [], []);
    return this.text(child);
  }

  integer(value: string, el: XmlElement, field: string, max: number): number {
    if (!/^\d+$/.test(value)) this.fail(el, `${field} "${value}" is not a whole number`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n > max) this.fail(el, `${field} ${value} is larger than ${max}`);
    return n;
  }

  childInteger(el: XmlElement, name: string, max: number): number {
    return this.integer(this.childText(el, name), this.one(el, name), name, max);
  }

  time(el: XmlElement, name: string): number {
    const child = this.one(el, name);
    return parseKsrTime(this.childText(el, name), `${this.what}, <${name}> at line ${child.line}`);
  }

  duration(el: XmlElement, name: string): number {
    const child = this.one(el, name);
    return parseDuration(this.childText(el, name), `${this.what}, <${name}> at line ${child.line}`);
  }

  /** Base64 bytes, at most `maxBytes` of them: the most the field can hold on the wire. */
  base64(el: XmlElement, name: string, maxBytes: number): Buffer {
    const child = this.one(el, name);
    const compact = this.childText(el, name).replace(/\s+/g, '');
    if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
      this.fail(child, `<${name}> is not valid base64`);
    }
    const bytes = Buffer.from(compact, 'base64');
    if (bytes.length > maxBytes)
      this.fail(child, `<${name}> has ${bytes.length} bytes; the DNS wire format holds at most ${maxBytes} here (RDATA is at most 65535 bytes)`);
    return bytes;
  }
}

const policyFields = ['PublishSafety', 'RetireSafety', 'MaxSignatureValidity', 'MinSignatureValidity', 'MaxValidityOverlap', 'MinValidityOverlap'] as const;

function parseAlgorithmPolicy(s: Shape, el: XmlElement): AlgorithmPolicy {
  s.check(el, ['RSA', 'DSA', 'ECDSA', 'EdDSA'], ['algorithm']);
  const algorithm = s.integer(el.attrs.algorithm as string, el, 'algorithm', 255);
  if (el.children.length !== 1) s.fail(el, 'a <SignatureAlgorithm> holds exactly one of <RSA>, <DSA>, <ECDSA>, <EdDSA>');
  const params = el.children[0] as XmlElement;
  if (params.name === 'RSA') {
    s.check(params, [], ['size', 'exponent']);
    return {
      kind: 'RSA',
      algorithm,
      size: s.integer(params.attrs.size as string, params, 'size', 65535),
      exponent: s.integer(params.attrs.exponent as string, params, 'exponent', Number.MAX_SAFE_INTEGER),
    };
  }
  s.check(params, [], ['size']);
  return { kind: params.name as 'DSA' | 'ECDSA' | 'EdDSA', algorithm, size: s.integer(params.attrs.size as string, params, 'size', 65535) };
}

function parsePolicy(s: Shape, el: XmlElement): SignaturePolicy {
  s.check(el, [...policyFields, 'SignatureAlgorithm'], []);
  const algorithms = s.all(el, 'SignatureAlgorithm').map((a) => parseAlgorithmPolicy(s, a));
  if (algorithms.length === 0) s.fail(el, 'the policy names no <SignatureAlgorithm>');
  return {
    publishSafety: s.duration(el, 'PublishSafety'),
    retireSafety: s.duration(el, 'RetireSafety'),
    maxSignatureValidity: s.duration(el, 'MaxSignatureValidity'),
    minSignatureValidity: s.duration(el, 'MinSignatureValidity'),
    maxValidityOverlap: s.duration(el, 'MaxValidityOverlap'),
    minValidityOverlap: s.duration(el, 'MinValidityOverlap'),
    algorithms,
  };
}

function parseKey(s: Shape, el: XmlElement): BundleKey {
  s.check(el, ['TTL', 'Flags', 'Protocol', 'Algorithm', 'PublicKey'], ['keyIdentifier', 'keyTag']);
  return {
    keyIdentifier: el.attrs.keyIdentifier as string,
    keyTag: s.integer(el.attrs.keyTag as string, el, 'keyTag', 65535),
    ttl: s.childInteger(el, 'TTL', 0xffffffff),
    flags: s.childInteger(el, 'Flags', 65535),
    protocol: s.childInteger(el, 'Protocol', 255),
    algorithm: s.childInteger(el, 'Algorithm', 255),
    publicKey: s.base64(el, 'PublicKey', MAX_DNSKEY_PUBLIC_KEY_BYTES),
    line: el.line,
  };
}

const signatureFields = [
  'TTL',
  'TypeCovered',
  'Algorithm',
  'Labels',
  'OriginalTTL',
  'SignatureExpiration',
  'SignatureInception',
  'KeyTag',
  'SignersName',
  'SignatureData',
] as const;

function parseSignature(s: Shape, el: XmlElement): BundleSignature {
  s.check(el, signatureFields, ['keyIdentifier']);
  const typeCovered = s.childText(el, 'TypeCovered');
  if (typeCovered !== 'DNSKEY' && typeCovered !== String(TYPE_DNSKEY)) {
    s.fail(s.one(el, 'TypeCovered'), `the signature covers "${typeCovered}"; KSR and SKR signatures cover DNSKEY only`);
  }
  return {
    keyIdentifier: el.attrs.keyIdentifier as string,
    ttl: s.childInteger(el, 'TTL', 0xffffffff),
    typeCovered: TYPE_DNSKEY,
    algorithm: s.childInteger(el, 'Algorithm', 255),
    labels: s.childInteger(el, 'Labels', 255),
    originalTtl: s.childInteger(el, 'OriginalTTL', 0xffffffff),
    expiration: s.time(el, 'SignatureExpiration'),
    inception: s.time(el, 'SignatureInception'),
    keyTag: s.childInteger(el, 'KeyTag', 65535),
    signersName: s.childText(el, 'SignersName'),
    signatureData: s.base64(el, 'SignatureData', MAX_RRSIG_SIGNATURE_BYTES),
    line: el.line,
  };
}

function parseBundle(s: Shape, el: XmlElement, request: boolean): Bundle {
  s.check(el, ['Inception', 'Expiration', 'Key', 'Signature', ...(request ? ['Signer'] : [])], ['id']);
  const keys = s.all(el, 'Key').map((k) => parseKey(s, k));
  if (keys.length === 0) s.fail(el, 'the bundle has no <Key>');
  const signers = s.all(el, 'Signer').map((signer) => {
    s.check(signer, [], ['keyIdentifier']);
    return signer.attrs.keyIdentifier as string;
  });
  return {
    id: el.attrs.id as string,
    inception: s.time(el, 'Inception'),
    expiration: s.time(el, 'Expiration'),
    keys,
    signatures: s.all(el, 'Signature').map((sig) => parseSignature(s, sig)),
    signers,
    line: el.line,
  };
}

function parseRoot(s: Shape, root: XmlElement, expected: 'Request' | 'Response') {
  if (root.name !== 'KSR') s.fail(root, `the root element is <${root.name}>, not <KSR>`);
  s.check(root, ['Request', 'Response'], ['id', 'serial', 'domain']);
  if (root.children.length !== 1) s.fail(root, 'a <KSR> holds exactly one <Request> or <Response>');
  const body = root.children[0] as XmlElement;
  if (body.name !== expected) {
    s.fail(body, expected === 'Request' ? 'this is an SKR (a <Response>), not a KSR' : 'this is a KSR (a <Request>), not an SKR');
  }
  const timestamp = body.attrs.timestamp;
  return {
    id: root.attrs.id as string,
    serial: s.integer(root.attrs.serial as string, root, 'serial', Number.MAX_SAFE_INTEGER),
    domain: root.attrs.domain as string,
    ...(timestamp === undefined ? {} : { timestamp }),
    body,
  };
}

export function parseKsr(bytes: Uint8Array, limits: XmlLimits = defaultXmlLimits): Ksr {
  const s = new Shape('KSR');
  const { body, ...header } = parseRoot(s, readXml(bytes, 'KSR', limits), 'Request');
  s.check(body, ['RequestPolicy', 'RequestBundle'], [], ['timestamp']);
  const policy = s.one(body, 'RequestPolicy');
  s.check(policy, ['ZSK'], []);
  const bundles = s.all(body, 'RequestBundle').map((b) => parseBundle(s, b, true));
  if (bundles.length === 0) s.fail(body, 'the request has no <RequestBundle>');
  return { kind: 'KSR', ...header, zskPolicy: parsePolicy(s, s.one(policy, 'ZSK')), bundles };
}

export function parseSkr(bytes: Uint8Array, limits: XmlLimits = defaultXmlLimits): Skr {
  const s = new Shape('SKR');
  const { body, ...header } = parseRoot(s, readXml(bytes, 'SKR', limits), 'Response');
  s.check(body, ['ResponsePolicy', 'ResponseBundle'], [], ['timestamp']);
  const policy = s.one(body, 'ResponsePolicy');
  s.check(policy, ['KSK', 'ZSK'], []);
  const bundles = s.all(body, 'ResponseBundle').map((b) => parseBundle(s, b, false));
  if (bundles.length === 0) s.fail(body, 'the response has no <ResponseBundle>');
  return {
    kind: 'SKR',
    ...header,
    kskPolicy: parsePolicy(s, s.one(policy, 'KSK')),
    zskPolicy: parsePolicy(s, s.one(policy, 'ZSK')),
    bundles,
  };
}
