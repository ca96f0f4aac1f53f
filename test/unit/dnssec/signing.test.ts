import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkKsr, checkSignedSkr, failuresOf } from '../../../core/dnssec/checks.js';
import { keyTag, REVOKED_KSK_FLAGS } from '../../../core/dnssec/dnskey.js';
import { parseKsr, parseSkr } from '../../../core/dnssec/ksrParse.js';
import { ksrToXml, skrToXml } from '../../../core/dnssec/ksrWrite.js';
import type { BundleKey } from '../../../core/dnssec/model.js';
import { definePolicy, kskKeyFromHsm, replacementSchema, rootKskPolicy, uniformSchema, type SigningPolicy } from '../../../core/dnssec/policy.js';
import { generateRehearsalKsr, isRehearsalKsr } from '../../../core/dnssec/rehearsal.js';
import { rrsigSignedData } from '../../../core/dnssec/rrsig.js';
import { signKsr } from '../../../core/dnssec/sign.js';
import { verifySkr } from '../../../core/dnssec/verify.js';
import type { KskAlgorithm } from '../../../core/hsm/port.js';
import { SoftwareToken } from './softwareToken.js';

/** Pure tests of the signing logic with node:crypto keys; the proof in SoftHSM2 is in test/integration/dnssec. */

const T2027 = Date.UTC(2027, 0, 1) / 1000;

async function setup(algorithm: KskAlgorithm) {
  const token = new SoftwareToken();
  const { key } = await token.generateKsk({ algorithm, label: 'Ktest01' });
  const policy = definePolicy({
    keys: [kskKeyFromHsm('ksk', key, { validFrom: T2027 })],
    schemas: [uniformSchema('normal', { publish: ['ksk'], sign: ['ksk'] })],
    kskPolicy: rootKskPolicy(),
    requestPolicy: { approvedAlgorithms: ['RSASHA256', 'ECDSAP256SHA256', 'ECDSAP384SHA384', 'ED25519'], enableUnsupportedEcdsa: true },
  });
  return { token, policy };
}

async function sign(
  policy: SigningPolicy,
  token: SoftwareToken,
  quarter: string,
  algorithm: KskAlgorithm,
  now: string,
  previousSkr?: ReturnType<typeof parseSkr>,
) {
  const ksr = parseKsr(Buffer.from(ksrToXml(await generateRehearsalKsr({ quarter, token, now, algorithm, ...(previousSkr ? { previousSkr } : {}) }))));
  const results = await checkKsr(ksr, { policy, now, hsm: token, schema: policy.schemas.normal as never, ...(previousSkr ? { previousSkr } : {}) });
  const skr = await signKsr(ksr, { policy, schema: 'normal', signer: token });
  return { ksr, results, skr: parseSkr(Buffer.from(skrToXml(skr))), after: await checkSignedSkr(skr, { policy, ...(previousSkr ? { previousSkr } : {}) }) };
}

for (const algorithm of ['ECDSAP256SHA256', 'ECDSAP384SHA384', 'ED25519', 'RSASHA256'] as const) {
  test(`a ${algorithm} rehearsal KSR passes every check, is signed by a ${algorithm} KSK, and the next quarter chains to it`, async () => {
    const { token, policy } = await setup(algorithm);
    const q2 = await sign(policy, token, '2027Q2', algorithm, '2027-03-15T00:00:00Z');
    assert.ok(isRehearsalKsr(q2.ksr));
    assert.match(q2.ksr.id, /^rehearsal-2027Q2-/);
    assert.deepEqual(failuresOf([...q2.results, ...q2.after]), []);
    assert.equal(verifySkr(q2.skr).ok, true);
    assert.deepEqual(
      q2.skr.kskPolicy.algorithms.map((a) => a.kind),
      [algorithm === 'RSASHA256' ? 'RSA' : algorithm === 'ED25519' ? 'EdDSA' : 'ECDSA'],
    );
    const q3 = await sign(policy, token, '2027Q3', algorithm, '2027-06-15T00:00:00Z', q2.skr);
    const statuses = Object.fromEntries(q3.results.map((r) => [r.check, r.status]));
    assert.deepEqual(failuresOf([...q3.results, ...q3.after]), []);
    for (const check of ['KSR-PREVIOUS', 'KSR-ID', 'KSR-CHAIN-KEYS', 'KSR-CHAIN-OVERLAP', 'KSR-CHAIN-KEYS-HSM', 'KSK-KEY-USE', 'KSR-POLICY-SAFETY'])
      assert.equal(statuses[check], 'pass', check);
    assert.equal(q3.ksr.bundles[0]?.keys[1]?.keyIdentifier, q2.ksr.bundles[8]?.keys[1]?.keyIdentifier, 'the pre-published ZSK becomes current');
  });
}

test('a KSK of one algorithm cannot sign ZSKs of another alone (RFC 4035 §2.2)', async () => {
  const { token, policy } = await setup('ECDSAP256SHA256');
  const ksr = await generateRehearsalKsr({ quarter: '2027Q2', token, now: '2027-03-15T00:00:00Z' });
  await assert.rejects(
    signKsr(ksr, { policy, schema: 'normal', signer: token }),
    /bundle 1 .*keys of algorithm RSASHA256 but schema "normal" signs it with none of that algorithm/,
  );
});

test('the DR replacement: new KSK publishes and signs, the old one is published revoked and self-signs; safety asks for an exception', async () => {
  const { token, policy: old } = await setup('RSASHA256');
  const q2 = await sign(old, token, '2027Q2', 'RSASHA256', '2027-03-15T00:00:00Z');
  const { key: fresh } = await token.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Knew001' });
  const schema = replacementSchema({ newKey: 'new', oldKey: 'ksk' });
  const policy = definePolicy({
    keys: [old.keys.ksk as never, kskKeyFromHsm('new', fresh, { validFrom: T2027 })],
    schemas: [schema],
    kskPolicy: rootKskPolicy(),
    requestPolicy: old.requestPolicy,
  });
  const ksr = await generateRehearsalKsr({ quarter: '2027Q3', token, now: '2027-06-15T00:00:00Z', previousSkr: q2.skr });
  const before = await checkKsr(ksr, { policy, now: '2027-06-15T00:00:00Z', previousSkr: q2.skr, hsm: token, schema });
  const safety = failuresOf(before);
  assert.deepEqual([...new Set(safety.map((r) => r.check))], ['KSR-POLICY-SAFETY']);
  assert.match(safety[0]?.message ?? '', /KSK Knew001 signs the first new bundle but was not published in the last bundle of the previous SKR/);
  const skr = await signKsr(ksr, { policy, schema, signer: token });
  const oldKey = q2.skr.bundles[0]?.keys.find((k) => k.keyIdentifier === 'Ktest01') as BundleKey;
  for (const bundle of skr.bundles) {
    const revoked = bundle.keys.find((k) => k.keyIdentifier === 'Ktest01');
    assert.equal(revoked?.flags, REVOKED_KSK_FLAGS);
    assert.equal(revoked?.keyTag, (keyTag({ ...oldKey, flags: 257 }) + 128) % 65536);
    assert.deepEqual(
      bundle.signatures.map((s) => [s.keyIdentifier, s.keyTag]).sort(),
      [
        ['Knew001', keyTag({ flags: 257, protocol: 3, algorithm: 13, publicKey: fresh.publicKey })],
        ['Ktest01', revoked?.keyTag],
      ].sort(),
    );
  }
  assert.equal(verifySkr(skr).ok, true);
  const after = await checkSignedSkr(skr, { policy, previousSkr: q2.skr });
  assert.deepEqual([...new Set(failuresOf(after).map((r) => r.check))], ['KSR-POLICY-SAFETY']);
});

test('a KSK that stops being published while its signature is valid, or is removed too soon, fails KSR-POLICY-SAFETY', async () => {
  const { token, policy } = await setup('RSASHA256');
  const q2 = await sign(policy, token, '2027Q2', 'RSASHA256', '2027-03-15T00:00:00Z');
  const { key: fresh } = await token.generateKsk({ algorithm: 'RSASHA256', label: 'Knew002' });
  const abrupt = uniformSchema('abrupt', { publish: ['new'], sign: ['new'] });
  const twoKeys = definePolicy({
    keys: [policy.keys.ksk as never, kskKeyFromHsm('new', fresh, { validFrom: T2027 })],
    schemas: [abrupt],
    kskPolicy: rootKskPolicy(),
  });
  const ksr = await generateRehearsalKsr({ quarter: '2027Q3', token, now: '2027-06-15T00:00:00Z', previousSkr: q2.skr });
  const results = failuresOf(await checkKsr(ksr, { policy: twoKeys, now: '2027-06-15T00:00:00Z', previousSkr: q2.skr, schema: abrupt }));
  const messages = results.filter((r) => r.check === 'KSR-POLICY-SAFETY').map((r) => r.message);
  assert.ok(
    messages.some((m) => /KSK Ktest01 signed slot 9 of the previous SKR but is not published in bundle 1 .*, while that signature is still valid/.test(m)),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /KSK Ktest01 stops signing at bundle 1 .* and is removed at bundle 1 .* after 0 days, less than the retire safety P10D/.test(m)),
    messages.join('\n'),
  );
  const lenient = { ...twoKeys, requestPolicy: { ...twoKeys.requestPolicy, checkKeysPublishSafety: false, checkKeysRetireSafety: false } };
  const skipped = (await checkKsr(ksr, { policy: lenient, now: '2027-06-15T00:00:00Z', previousSkr: q2.skr, schema: abrupt })).find(
    (r) => r.check === 'KSR-POLICY-SAFETY',
  );
  assert.equal(skipped?.status, 'skipped');
});

test('signing is deterministic for RSA: the same KSR and key give the same SKR bytes', async () => {
  const { token, policy } = await setup('RSASHA256');
  const ksr = await generateRehearsalKsr({ quarter: '2027Q2', token, now: '2027-03-15T00:00:00Z' });
  const a = skrToXml(await signKsr(ksr, { policy, schema: 'normal', signer: token }));
  const b = skrToXml(await signKsr(ksr, { policy, schema: 'normal', signer: token }));
  assert.equal(a, b);
});

test('a rehearsal cannot chain to an SKR whose ZSKs are not in its token', async () => {
  const { token, policy } = await setup('RSASHA256');
  const q2 = await sign(policy, token, '2027Q2', 'RSASHA256', '2027-03-15T00:00:00Z');
  await assert.rejects(
    generateRehearsalKsr({ quarter: '2027Q3', token: new SoftwareToken(), now: '2027-06-15T00:00:00Z', previousSkr: q2.skr }),
    /The previous SKR's ZSK ZSK-2027Q2-current is not held in the rehearsal token/,
  );
});

/** A KSR whose current ZSK is the KSK's own public key (flags 256), with a real proof of possession. */
async function kskOfferedAsZsk(token: SoftwareToken, kskLabel: string) {
  const ksr = await generateRehearsalKsr({ quarter: '2027Q2', token, now: '2027-03-15T00:00:00Z', algorithm: 'RSASHA256' });
  const ksk = (await token.findKey(kskLabel)) as NonNullable<Awaited<ReturnType<SoftwareToken['findKey']>>>;
  const current = ksr.bundles[1]?.keys[0]?.keyIdentifier;
  for (const bundle of ksr.bundles) {
    bundle.keys = bundle.keys.map((k) => {
      if (k.keyIdentifier !== current) return k;
      const dnskey = { flags: 256, protocol: 3, algorithm: ksk.algorithm, publicKey: ksk.publicKey };
      return { ...dnskey, keyIdentifier: kskLabel, keyTag: keyTag(dnskey), ttl: k.ttl };
    });
    bundle.signatures = await Promise.all(
      bundle.keys.map(async (key) => {
        const template = bundle.signatures[0] as NonNullable<(typeof bundle.signatures)[number]>;
        const fields = { ...template, keyTag: key.keyTag, algorithm: key.algorithm, keyIdentifier: key.keyIdentifier };
        const { signatureData: _old, keyIdentifier: _id, ttl: _ttl, ...signed } = fields;
        return { ...fields, signatureData: await token.sign(key.keyIdentifier, rrsigSignedData(signed, ksr.domain, bundle.keys)) };
      }),
    );
  }
  return parseKsr(Buffer.from(ksrToXml(ksr)));
}

test('KSR-ZSK-NOT-KSK: a KSR offering the KSK as a ZSK is refused by the checks (with or without the HSM) and by the signer', async () => {
  const { token, policy } = await setup('RSASHA256');
  const ksr = await kskOfferedAsZsk(token, 'Ktest01');
  for (const hsm of [token, undefined]) {
    const failed = failuresOf(await checkKsr(ksr, { policy, now: '2027-03-15T00:00:00Z', ...(hsm ? { hsm } : {}), schema: policy.schemas.normal as never }));
    const named = failed.filter((r) => r.check === 'KSR-ZSK-NOT-KSK');
    assert.equal(named.length, 1, JSON.stringify(failed));
    assert.match(named[0]?.message ?? '', /key Ktest01 in bundle 1 .* has the public key of KSK ksk/);
    assert.equal(failed.filter((r) => r.check === 'KSR-BUNDLE-POP').length, 0, 'the proof of possession is real: only the new check catches it');
  }
  const before = token.signatures;
  await assert.rejects(signKsr(ksr, { policy, schema: 'normal', signer: token }), (e: Error) =>
    /^KSR-ZSK-NOT-KSK: key Ktest01 in bundle 1 .*has the public key of the KSK Ktest01/.test(e.message),
  );
  assert.equal(token.signatures, before, 'nothing was signed');
});
