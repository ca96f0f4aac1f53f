import assert from 'node:assert/strict';
import { test } from 'node:test';
import { switchedOff } from '../../../core/dnssec/checkResult.js';
import { parseSigningPolicy } from '../../../core/dnssec/policyYaml.js';
import { standardSchemas } from '../../../core/dnssec/policy.js';

/** An operator's ksrsigner.yaml as IANA's kskm reads it today (its config/ksrsigner.yaml, current key names). */
const ianaFile = `---
hsm:
  softhsm:
    module: /usr/lib/softhsm/libsofthsm2.so
    pin: 0123
    env:
      SOFTHSM2_CONF: /tmp/softhsm.conf
  aep:
    module: /usr/local/lib/pkcs11.GCC4.0.2.so.4.07
    so_pin: 123456
    env:
      KEYPER_LIBRARY_PATH: /var/dnssec/ksr/AEP

filenames:
  previous_skr: prev-skr.xml
  input_ksr: ksr.xml
  output_skr: skr.xml

keys:
  ksk_current:
    description: Root DNSSEC KSK 2010
    label: Kjqmt7v
    key_tag: 19036
    algorithm: RSASHA256
    rsa_size: 2048
    rsa_exponent: 65537
    valid_from: 2010-07-15T00:00:00+00:00
    valid_until: 2019-01-11T00:00:00+00:00
    ds_sha256: 49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5
  ksk_next:
    description: Root DNSSEC KSK 2017
    label: Klajeyz
    key_tag: 20326
    algorithm: RSASHA256
    rsa_size: 2048
    rsa_exponent: 65537
    valid_from: 2017-02-02T00:00:00+00:00
    ds_sha256: e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d

request_policy:
  acceptable_domains:
    - "."
  num_bundles: 9
  validate_signatures: True
  keys_match_zsk_policy: yes
  check_bundle_overlap: True
  signature_validity_match_zsk_policy: True
  signature_horizon_days: 180
  check_chain_keys_in_hsm: False
  rsa_approved_key_sizes: [2048, 4096]
  min_bundle_interval: P9D
  dns_ttl: 0

response_policy:
  num_bundles: 9
  validate_signatures: True

ksk_policy:
  publish_safety: PT0S
  retire_safety: P28D
  max_signature_validity: P21D
  min_signature_validity: P21D
  max_validity_overlap: P16D
  min_validity_overlap: P9D
  ttl: 172800

schemas:
  normal:
    1: {publish: ksk_current, sign: ksk_current}
    2: {publish: ksk_current, sign: ksk_current}
    3: {publish: ksk_current, sign: ksk_current}
    4: {publish: ksk_current, sign: ksk_current}
    5: {publish: ksk_current, sign: ksk_current}
    6: {publish: ksk_current, sign: ksk_current}
    7: {publish: ksk_current, sign: ksk_current}
    8: {publish: ksk_current, sign: ksk_current}
    9: {publish: ksk_current, sign: ksk_current}
  revoke:
    1:
      publish:
        - ksk_current
        - ksk_next
      sign: ksk_next
${[2, 3, 4, 5, 6, 7, 8].map((n) => `    ${n}:\n      publish: ksk_next\n      revoke: ksk_current\n      sign:\n        - ksk_current\n        - ksk_next\n`).join('')}    9:
      publish: ksk_next
      sign: ksk_next
`;

const lineOf = (needle: string) => ianaFile.split('\n').findIndex((l) => l.includes(needle)) + 1;

test("IANA's ksrsigner.yaml loads as it is, with its exact scalars", () => {
  const p = parseSigningPolicy(ianaFile);
  assert.deepEqual(
    p.hsm.map((h) => [h.name, h.module, h.pin, h.soPin, h.env]),
    [
      ['softhsm', '/usr/lib/softhsm/libsofthsm2.so', '0123', undefined, { SOFTHSM2_CONF: '/tmp/softhsm.conf' }],
      ['aep', '/usr/local/lib/pkcs11.GCC4.0.2.so.4.07', undefined, '123456', { KEYPER_LIBRARY_PATH: '/var/dnssec/ksr/AEP' }],
    ],
  );
  assert.deepEqual(p.keys.ksk_current, {
    name: 'ksk_current',
    description: 'Root DNSSEC KSK 2010',
    label: 'Kjqmt7v',
    keyTag: 19036,
    algorithm: 8,
    rsaSize: 2048,
    rsaExponent: 65537,
    validFrom: Date.UTC(2010, 6, 15) / 1000,
    validUntil: Date.UTC(2019, 0, 11) / 1000,
    dsSha256: '49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5',
  });
  assert.equal(p.keys.ksk_next?.dsSha256, 'E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D');
  assert.equal(p.requestPolicy.keysMatchZskPolicy, true);
  assert.deepEqual(p.requestPolicy.rsaApprovedKeySizes, [2048, 4096]);
  assert.equal(p.requestPolicy.dnsTtl, 172800, 'dns_ttl 0 means the ksk_policy TTL');
  assert.equal(p.requestPolicy.numDifferentKeysInAllBundles, 3, 'defaults fill what the file leaves out');
  assert.equal(p.kskPolicy.retireSafety, 28 * 86400);
  assert.equal(p.kskPolicy.publishSafety, 0);
  assert.equal(p.filenames.previousSkr, 'prev-skr.xml');
  assert.deepEqual(p.schemas.revoke, standardSchemas('ksk_current', 'ksk_next').revoke);
  assert.deepEqual(p.schemas.normal, standardSchemas('ksk_current', 'ksk_next').normal);
  assert.equal(switchedOff(p, 'KSR-CHAIN-KEYS-HSM'), 'switched off by policy (request_policy.check_chain_keys_in_hsm: false)');
  assert.equal(switchedOff(p, 'KSR-BUNDLE-POP'), null);
});

test('an unknown key is an error naming the key and its line, so a typo cannot switch a check off', () => {
  const typo = ianaFile.replace('  check_bundle_overlap: True', '  check_bundle_overlaps: False');
  assert.throws(
    () => parseSigningPolicy(typo, 'ksrsigner.yaml'),
    new RegExp(`^KskError: ksrsigner.yaml line ${lineOf('check_bundle_overlap')}: "request_policy.check_bundle_overlaps" is not a setting of ksrsigner.yaml`),
  );
  assert.throws(() => parseSigningPolicy(`${ianaFile}\nfilename:\n  x: y\n`), /"filename" is not a setting/);
  assert.throws(
    () => parseSigningPolicy(ianaFile.replace('    label: Klajeyz', '    label: Klajeyz\n    lable: x')),
    /line \d+: "keys.ksk_next.lable" is not a setting/,
  );
});

test('bad values are refused with their line and the reason', () => {
  assert.throws(
    () => parseSigningPolicy(ianaFile.replace('retire_safety: P28D', 'retire_safety: P1M')),
    new RegExp(`line ${lineOf('retire_safety')}: ksk_policy.retire_safety: "P1M" is not an ISO 8601 duration`),
  );
  assert.throws(
    () => parseSigningPolicy(ianaFile.replace('validate_signatures: True', 'validate_signatures: maybe')),
    /request_policy.validate_signatures: "maybe" is not true or false/,
  );
  assert.throws(() => parseSigningPolicy(ianaFile.replace('algorithm: RSASHA256', 'algorithm: RSAMD5')), /keys.ksk_current.algorithm "RSAMD5" is not one of/);
  assert.throws(
    () => parseSigningPolicy(ianaFile.replace('    5: {publish: ksk_current, sign: ksk_current}\n', '')),
    /schema "normal" must number its slots 1, 2, 3 ... without gaps/,
  );
  assert.throws(
    () => parseSigningPolicy(ianaFile.replace('sign: ksk_next\n', 'sign: ksk_nxet\n')),
    /Schema "revoke" slot 1 names the key "ksk_nxet", which the policy.s keys do not define/,
  );
  assert.throws(() => parseSigningPolicy('keys: [\n'), /ksrsigner.yaml line \d+:/);
  assert.throws(() => parseSigningPolicy('a: 1\na: 2\n'), /line 2: .*unique/i);
});
