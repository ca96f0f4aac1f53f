import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkNames } from '../../../core/dnssec/checkNames.js';
import { checkKsr, failuresOf } from '../../../core/dnssec/checks.js';
import { parseKsr, parseSkr } from '../../../core/dnssec/ksrParse.js';
import { definePolicy, uniformSchema } from '../../../core/dnssec/policy.js';
import type { HsmKey } from '../../../core/hsm/port.js';
import { shared } from '../../helpers/paths.js';

const DAY = 86400;
const q1Ksr = () => parseKsr(readFileSync(shared('ksr', 'ksr-root-2018-q1-0-d_to_e.xml')));
const q2Ksr = () => parseKsr(readFileSync(shared('ksr', 'ksr-root-2017-q2-0.xml')));
const q1Skr = () => parseSkr(readFileSync(shared('skr', 'skr-root-2017-q1-0.xml')));
const now = '2017-12-01T00:00:00Z';

test('KSR-POLICY-SIG-VALIDITY holds each bound to its own limit (IANA compares the lower bound with the maximum)', async () => {
  const policy = definePolicy({ keys: [] });
  const ksr = q1Ksr();
  ksr.zskPolicy.minSignatureValidity = 14 * DAY;
  const third = ksr.bundles[2] as (typeof ksr.bundles)[number];
  third.expiration -= DAY; // 20 days: within P14D..P21D, which IANA's tool would refuse as "< P21D"
  const validity = async () => (await checkKsr(ksr, { policy, now })).filter((r) => r.check === 'KSR-POLICY-SIG-VALIDITY');
  assert.deepEqual(
    (await validity()).map((r) => r.status),
    ['pass'],
  );
  third.expiration -= 7 * DAY; // 13 days
  const [short] = await validity();
  assert.equal(short?.status, 'fail');
  assert.match(short?.message ?? '', /bundle 3 .* is valid 13 days, shorter than the KSR's MinSignatureValidity P14D/);
  assert.deepEqual(short?.values, { validity: 'P13D', min: 'P14D', max: 'P21D' });
  assert.deepEqual(short?.bundle, { index: 3, id: third.id });
  third.expiration += 9 * DAY; // 22 days
  const [long] = await validity();
  assert.match(long?.message ?? '', /is valid 22 days, longer than the KSR's MaxSignatureValidity P21D/);
});

test('KSR-POLICY-SIG-HORIZON refuses signatures beyond the horizon and in the past', async () => {
  const policy = definePolicy({ keys: [], requestPolicy: { signatureHorizonDays: 100 } });
  const horizon = async (at: string) => failuresOf(await checkKsr(q1Ksr(), { policy, now: at })).filter((r) => r.check === 'KSR-POLICY-SIG-HORIZON');
  const far = await horizon('2017-12-01T00:00:00Z');
  assert.deepEqual(
    far.map((r) => r.bundle?.index),
    [6, 7, 8, 9],
  );
  assert.match(far[0]?.message ?? '', /bundle 6 .* expires 102 days from now \(2018-03-13T00:00:00.000Z\), beyond the 100-day horizon/);
  assert.equal((await horizon('2018-01-10T00:00:00Z')).length, 0);
  const late = await horizon('2018-02-05T00:00:00Z');
  assert.deepEqual(
    late.map((r) => r.bundle?.index),
    [1, 2],
  );
});

test('a check switched off by the policy file or by the app is reported as skipped, saying by what', async () => {
  const swapped = parseKsr(readFileSync(shared('ksr', 'ksr-root-2018-q1-0-swapped-zsk-signatures.xml')));
  const byFile = definePolicy({ keys: [], requestPolicy: { validateSignatures: false } });
  const pop = (await checkKsr(swapped, { policy: byFile, now })).filter((r) => r.check === 'KSR-BUNDLE-POP');
  assert.deepEqual(pop, [
    {
      check: 'KSR-BUNDLE-POP',
      status: 'skipped',
      ok: true,
      message: 'KSR-BUNDLE-POP: skipped: switched off by policy (request_policy.validate_signatures: false).',
    },
  ]);
  const byApp = definePolicy({ keys: [], checkSwitches: { 'KSR-POLICY-SIG-HORIZON': false, 'KSR-BUNDLE-UNIQUE': false } });
  const results = await checkKsr(q1Ksr(), { policy: byApp, now: '2030-01-01T00:00:00Z' });
  assert.equal(
    results.find((r) => r.check === 'KSR-POLICY-SIG-HORIZON')?.message,
    'KSR-POLICY-SIG-HORIZON: skipped: switched off by the app for this procedure.',
  );
  assert.equal(results.find((r) => r.check === 'KSR-BUNDLE-UNIQUE')?.status, 'pass', 'KSR-BUNDLE-UNIQUE cannot be switched off');
});

test('with a previous SKR, an HSM and a schema, every check reports, each under its own name', async () => {
  const previous = q1Skr();
  const kjqmt7v = previous.bundles[8]?.keys.find((k) => k.keyIdentifier === 'Kjqmt7v');
  assert.ok(kjqmt7v);
  const hsmKey: HsmKey = { label: 'Kjqmt7v', idHex: '01', algorithm: 8, publicKey: kjqmt7v.publicKey };
  const hsm = { findKey: async (label: string) => (label === 'Kjqmt7v' ? hsmKey : null) };
  const policy = definePolicy({
    keys: [
      {
        name: 'ksk_current',
        description: 'KSK-2010',
        label: 'Kjqmt7v',
        keyTag: 19036,
        algorithm: 8,
        rsaSize: 2048,
        rsaExponent: 65537,
        validFrom: Date.UTC(2010, 6, 15) / 1000,
      },
    ],
    schemas: [uniformSchema('normal', { publish: ['ksk_current'], sign: ['ksk_current'] })],
  });
  const results = await checkKsr(q2Ksr(), { policy, now: '2017-03-01T00:00:00Z', previousSkr: previous, hsm, schema: policy.schemas.normal as never });
  assert.deepEqual(
    [...new Set(results.map((r) => r.check))],
    checkNames.filter((n) => n !== 'SKR-VERIFY'),
  );
  assert.deepEqual(failuresOf(results), []);
  assert.ok(results.every((r) => r.status === 'pass'));
});

test('KSR-CHAIN-KEYS-HSM fails when the previous signer is not in the HSM, or is another key there', async () => {
  const policy = definePolicy({ keys: [] });
  const previous = q1Skr();
  const missing = await checkKsr(q2Ksr(), { policy, now: '2017-03-01T00:00:00Z', previousSkr: previous, hsm: { findKey: async () => null } });
  const [gone] = failuresOf(missing);
  assert.equal(gone?.check, 'KSR-CHAIN-KEYS-HSM');
  assert.match(gone?.message ?? '', /key Kjqmt7v, which signed the last bundle of the previous SKR, is not in the HSM/);
  assert.deepEqual(gone?.bundle, { index: 9, id: previous.bundles[8]?.id });
  const other: HsmKey = { label: 'Kjqmt7v', idHex: '01', algorithm: 8, publicKey: previous.bundles[8]?.keys[0]?.publicKey as Buffer };
  const wrong = await checkKsr(q2Ksr(), { policy, now: '2017-03-01T00:00:00Z', previousSkr: previous, hsm: { findKey: async () => other } });
  assert.match(failuresOf(wrong)[0]?.message ?? '', /the HSM's key Kjqmt7v is not the key that signed/);
});

test('KSK-KEY-USE refuses a KSK outside its validity, and one whose HSM key is not the configured one', async () => {
  const previous = q1Skr();
  const kjqmt7v = previous.bundles[8]?.keys.find((k) => k.keyIdentifier === 'Kjqmt7v') as { publicKey: Buffer };
  const policy = definePolicy({
    keys: [
      {
        name: 'ksk_current',
        description: '',
        label: 'Kjqmt7v',
        keyTag: 19036,
        algorithm: 8,
        validFrom: Date.UTC(2010, 6, 15) / 1000,
        validUntil: Date.UTC(2017, 4, 1) / 1000,
        dsSha256: '00',
      },
    ],
    schemas: [uniformSchema('normal', { publish: ['ksk_current'], sign: ['ksk_current'] })],
  });
  const hsm = { findKey: async () => ({ label: 'Kjqmt7v', idHex: '01', algorithm: 8 as const, publicKey: kjqmt7v.publicKey }) };
  const results = await checkKsr(q2Ksr(), { policy, now: '2017-03-01T00:00:00Z', hsm, schema: policy.schemas.normal as never });
  const keyUse = failuresOf(results).filter((r) => r.check === 'KSK-KEY-USE');
  assert.deepEqual(
    keyUse.filter((r) => r.bundle).map((r) => r.bundle?.index),
    [2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.match(keyUse[0]?.message ?? '', /valid until 2017-05-01T00:00:00.000Z, before the expiration of bundle 2 .*\(2017-05-02T00:00:00.000Z\)/);
  assert.match(keyUse[keyUse.length - 1]?.message ?? '', /has DS SHA-256 49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5 in the HSM, not 00/);
});
