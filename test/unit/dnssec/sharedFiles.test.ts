import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkKsr, failuresOf, type CheckResult } from '../../../core/dnssec/checks.js';
import { parseKsr, parseSkr } from '../../../core/dnssec/ksrParse.js';
import { skrToXml } from '../../../core/dnssec/ksrWrite.js';
import { definePolicy } from '../../../core/dnssec/policy.js';
import { lastExpiration, verifySkr } from '../../../core/dnssec/verify.js';
import { shared } from '../../helpers/paths.js';

const ksr = (name: string) => parseKsr(readFileSync(shared('ksr', name)));
const skr = (name: string) => parseSkr(readFileSync(shared('skr', name)));
const policy = definePolicy({ keys: [] });
const failedChecks = (results: CheckResult[]) => [...new Set(failuresOf(results).map((r) => r.check))].sort();

test('every shared KSR and SKR parses, with its bundles, keys and policy', () => {
  const counts = { 'ksr-root-2009-q4-2.xml': 6, 'ksr-root-2016-q3-0.xml': 9, 'ksr-root-2017-q2-0.xml': 9, 'ksr-root-2018-q1-0-d_to_e.xml': 9 };
  for (const [name, bundles] of Object.entries(counts)) assert.equal(ksr(name).bundles.length, bundles, name);
  const q1 = ksr('ksr-root-2018-q1-0-d_to_e.xml');
  assert.equal(q1.id, '4fe9bb10-6f6b-4503-8575-7824e2d66925');
  assert.equal(q1.bundles[0]?.inception, Date.UTC(2018, 0, 1) / 1000);
  assert.deepEqual(q1.zskPolicy.algorithms, [{ kind: 'RSA', algorithm: 8, size: 2048, exponent: 65537 }]);
  assert.equal(q1.zskPolicy.maxValidityOverlap, 12 * 86400);
  assert.deepEqual(
    ksr('ksr-root-2016-q3-0.xml').zskPolicy.algorithms.map((a) => a.size),
    [2048, 1024],
  );
  for (const name of ['skr-root-2017-q1-0.xml', 'skr-root-2017-q2-0.xml', 'skr-root-2017-q3-0-c_to_d.xml', 'skr-root-2018-q1-0-d_to_e.xml']) {
    assert.equal(skr(name).bundles.length, 9, name);
  }
});

test('the real root SKRs verify completely, KSK-2010 and KSK-2017 alike', () => {
  for (const name of ['skr-root-2017-q1-0.xml', 'skr-root-2017-q2-0.xml', 'skr-root-2017-q3-0-c_to_d.xml', 'skr-root-2018-q1-0-d_to_e.xml']) {
    const verdict = verifySkr(skr(name));
    assert.equal(verdict.ok, true, `${name}: ${JSON.stringify(verdict.bundles.filter((b) => !b.ok))}`);
  }
  const rollover = verifySkr(skr('skr-root-2018-q1-0-d_to_e.xml'));
  assert.deepEqual(
    rollover.bundles.map((b) => b.signatures.map((s) => s.keyTag).join()),
    ['19036', ...Array(8).fill('20326')],
  );
  assert.equal(lastExpiration(skr('skr-root-2018-q1-0-d_to_e.xml')), '2018-04-12T00:00:00.000Z');
});

test('a flipped bit in a real SKR signature is found and located', () => {
  const bytes = readFileSync(shared('skr', 'skr-root-2017-q1-0.xml'), 'utf8');
  const data = /<SignatureData>([^<]+)<\/SignatureData>/g;
  const matches = [...bytes.matchAll(data)];
  const third = matches[2] as RegExpMatchArray;
  const sig = Buffer.from(third[1] as string, 'base64');
  sig[100] = (sig[100] as number) ^ 1;
  const tampered =
    bytes.slice(0, third.index) + `<SignatureData>${sig.toString('base64')}</SignatureData>` + bytes.slice((third.index as number) + third[0].length);
  const verdict = verifySkr(parseSkr(Buffer.from(tampered)));
  assert.equal(verdict.ok, false);
  assert.deepEqual(
    verdict.bundles.filter((b) => !b.ok).map((b) => b.index),
    [2],
  );
  assert.match(verdict.bundles[2]?.signatures[0]?.reason ?? '', /does not verify/);
});

test('the SKR writer reproduces the golden file byte for byte from its own model', () => {
  const golden = readFileSync(shared('golden', 'skr-ksr-root-2018-q1-0-d_to_e-signed-by-rsa-2048-1.xml'), 'utf8');
  assert.equal(skrToXml(parseSkr(Buffer.from(golden))), golden);
});

test('the 2018 Q1 KSR passes every KSR check at its time; its swapped twin fails KSR-BUNDLE-POP only', async () => {
  const good = await checkKsr(ksr('ksr-root-2018-q1-0-d_to_e.xml'), { policy, now: '2017-12-01T00:00:00Z' });
  assert.deepEqual(failedChecks(good), []);
  assert.equal(good.filter((r) => r.status === 'pass').length, 13);
  const swapped = await checkKsr(ksr('ksr-root-2018-q1-0-swapped-zsk-signatures.xml'), { policy, now: '2017-12-01T00:00:00Z' });
  assert.deepEqual(failedChecks(swapped), ['KSR-BUNDLE-POP']);
  const pop = failuresOf(swapped);
  assert.equal(pop.length, 2);
  for (const r of pop) {
    assert.deepEqual(r.bundle, { index: 1, id: '0a8f7774-3bd3-4702-a923-f1d73f653bd6' });
    assert.match(r.message, /^KSR-BUNDLE-POP: the signature by 302e.* \(tag (46809|41824)\) in bundle 1 .* does not verify/);
  }
});

test('old samples fail KSR-POLICY-SIG-HORIZON unless "now" is fixed', async () => {
  const results = await checkKsr(ksr('ksr-root-2018-q1-0-d_to_e.xml'), { policy, now: '2026-11-28T00:00:00Z' });
  assert.deepEqual(failedChecks(results), ['KSR-POLICY-SIG-HORIZON']);
  assert.match(failuresOf(results)[0]?.message ?? '', /expired .* ago \(2018-01-22T00:00:00.000Z; now is 2026-11-28/);
});

test('the 2009 KSR fails the named policy checks of today', async () => {
  const results = await checkKsr(ksr('ksr-root-2009-q4-2.xml'), { policy, now: '2009-10-15T00:00:00Z' });
  assert.deepEqual(failedChecks(results), [
    'KSR-BUNDLE-COUNT',
    'KSR-BUNDLE-CYCLE-DURATION',
    'KSR-BUNDLE-KEYS',
    'KSR-POLICY-ALG',
    'KSR-POLICY-BUNDLE-INTERVALS',
    'KSR-POLICY-KEYS',
    'KSR-POLICY-SIG-OVERLAP',
    'KSR-POLICY-SIG-VALIDITY',
  ]);
  const messages = failuresOf(results).map((r) => r.message);
  assert.ok(messages.includes('KSR-BUNDLE-COUNT: the KSR has 6 bundles, not 9'));
  assert.ok(messages.includes('KSR-POLICY-ALG: the ZSK policy has RSA-1024; approved sizes are 2048'));
  assert.ok(messages.includes('KSR-POLICY-ALG: the ZSK policy has RSA exponent 3; approved exponents are 65537'));
  // Its keys have exponent 65537 although its policy says 3: the historic mistake IANA's knob forgives.
  assert.ok(messages.some((m) => /\(RSA-1024 exponent 65537\) does not match the KSR's ZSK policy/.test(m)));
  const lenient = definePolicy({ keys: [], requestPolicy: { rsaExponentMatchZskPolicy: false } });
  assert.ok(!failedChecks(await checkKsr(ksr('ksr-root-2009-q4-2.xml'), { policy: lenient, now: '2009-10-15T00:00:00Z' })).includes('KSR-BUNDLE-KEYS'));
});

test('the 2017 Q2 KSR chains to the 2017 Q1 SKR: every chain check passes', async () => {
  const results = await checkKsr(ksr('ksr-root-2017-q2-0.xml'), { policy, now: '2017-03-01T00:00:00Z', previousSkr: skr('skr-root-2017-q1-0.xml') });
  assert.deepEqual(failedChecks(results), []);
  for (const check of ['KSR-PREVIOUS', 'KSR-ID', 'KSR-CHAIN-KEYS', 'KSR-CHAIN-OVERLAP'] as const) {
    assert.equal(results.find((r) => r.check === check)?.status, 'pass', check);
  }
  assert.match(results.find((r) => r.check === 'KSR-CHAIN-OVERLAP')?.message ?? '', /by 10 days, within P9D to P12D/);
  assert.equal(results.find((r) => r.check === 'KSR-CHAIN-KEYS-HSM')?.status, 'skipped');
});

test('the 2017 Q2 KSR does not chain to the wrong SKR', async () => {
  const results = await checkKsr(ksr('ksr-root-2017-q2-0.xml'), { policy, now: '2017-03-01T00:00:00Z', previousSkr: skr('skr-root-2018-q1-0-d_to_e.xml') });
  assert.deepEqual(failedChecks(results), ['KSR-CHAIN-KEYS', 'KSR-CHAIN-OVERLAP']);
  assert.match(failuresOf(results)[0]?.message ?? '', /is not in the last bundle of the previous SKR/);
});
