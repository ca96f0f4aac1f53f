import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { checkKsr, checkSignedSkr, failuresOf } from '../../../core/dnssec/checks.js';
import { REVOKED_KSK_FLAGS } from '../../../core/dnssec/dnskey.js';
import { writeFileAtomic } from '../../../core/dnssec/files.js';
import { parseKsr } from '../../../core/dnssec/ksrParse.js';
import { skrToXml } from '../../../core/dnssec/ksrWrite.js';
import type { Skr } from '../../../core/dnssec/model.js';
import { definePolicy, kskKeyFromHsm, replacementSchema, rootKskPolicy, uniformSchema } from '../../../core/dnssec/policy.js';
import { generateRehearsalKsr } from '../../../core/dnssec/rehearsal.js';
import { signKsr } from '../../../core/dnssec/sign.js';
import type { KskAlgorithm } from '../../../core/hsm/port.js';
import { shared } from '../../helpers/paths.js';
import { initToken, softhsmConfig } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';
import { importPem, sessionOn } from '../hsm/session.js';
import { validate } from './dnspython.js';

const T2027 = Date.UTC(2027, 0, 1) / 1000;

async function writeSkr(t: TestContext, skr: Skr): Promise<string> {
  const file = path.join(tempDir(t), 'skr.xml');
  await writeFileAtomic(file, skrToXml(skr));
  return file;
}

/** Two tokens of one SoftHSM2 configuration: the ZSK operator's rehearsal token and the KSK token. */
async function tokens(t: TestContext) {
  const config = softhsmConfig(t);
  const zskToken = initToken(config, 'rehearsal');
  const kskToken = initToken(config, 'KSK');
  return { kskToken, zsk: await sessionOn(t, zskToken), ksk: await sessionOn(t, kskToken) };
}

test('the golden SKR signed in SoftHSM2 validates with dnspython; a flipped bit does not', async (t) => {
  const config = softhsmConfig(t);
  const token = initToken(config, 'KSK');
  importPem(t, token, shared('keys', 'rsa-2048-1.pem'), 'RSA1');
  const session = await sessionOn(t, token);
  const key = await session.findKey('RSA1');
  assert.ok(key);
  const policy = definePolicy({
    keys: [kskKeyFromHsm('ksk', key, { validFrom: 0 })],
    schemas: [uniformSchema('normal', { publish: ['ksk'], sign: ['ksk'] })],
    kskPolicy: rootKskPolicy(),
  });
  const skr = await signKsr(parseKsr(readFileSync(shared('ksr', 'ksr-root-2018-q1-0-d_to_e.xml'))), { policy, schema: 'normal', signer: session });
  const file = await writeSkr(t, skr);
  const { status, report } = validate(file);
  assert.equal(status, 0, JSON.stringify(report));
  assert.equal(report.bundles.length, 9);
  assert.ok(report.bundles.every((b) => b.signatures.length === 1 && b.signatures[0]?.valid && b.signatures[0].keyTag === 25486));

  const xml = readFileSync(file, 'utf8');
  const tampered = xml.replace(/<SignatureData>(.)/, (_, c: string) => `<SignatureData>${c === 'A' ? 'B' : 'A'}`);
  writeFileSync(file, tampered);
  const bad = validate(file);
  assert.equal(bad.status, 1);
  assert.equal(bad.report.bundles[0]?.signatures[0]?.valid, false);
});

for (const algorithm of ['ECDSAP256SHA256', 'ECDSAP384SHA384', 'ED25519'] as const satisfies readonly KskAlgorithm[]) {
  test(`end to end with an ${algorithm} KSK in SoftHSM2: rehearsal KSR, every check, signing, dnspython validation`, async (t) => {
    const { zsk, ksk } = await tokens(t);
    const generated = await ksk.generateKsk({ algorithm, label: 'Kalg001' });
    const policy = definePolicy({
      keys: [kskKeyFromHsm('ksk', generated.key, { validFrom: T2027 })],
      schemas: [uniformSchema('normal', { publish: ['ksk'], sign: ['ksk'] })],
      kskPolicy: rootKskPolicy(),
      requestPolicy: { approvedAlgorithms: [algorithm], enableUnsupportedEcdsa: true },
    });
    const now = '2027-03-15T00:00:00Z';
    const ksr = await generateRehearsalKsr({ quarter: '2027Q2', token: zsk, now, algorithm });
    const results = await checkKsr(ksr, { policy, now, hsm: ksk, schema: policy.schemas.normal as never });
    assert.deepEqual(failuresOf(results), []);
    const skr = await signKsr(ksr, { policy, schema: 'normal', signer: ksk });
    assert.deepEqual(failuresOf(await checkSignedSkr(skr, { policy })), []);
    const { status, report } = validate(await writeSkr(t, skr));
    assert.equal(status, 0, JSON.stringify(report));
    assert.deepEqual(
      report.bundles.map((b) => b.keys),
      [3, 2, 2, 2, 2, 2, 2, 2, 3],
    );
  });
}

test('a revoked KSK (flags 385) self-signs under its own tag, and dnspython validates that signature too', async (t) => {
  const { kskToken, zsk, ksk } = await tokens(t);
  importPem(t, kskToken, shared('keys', 'rsa-2048-1.pem'), 'RSA1', '02');
  const old = await ksk.findKey('RSA1');
  const fresh = await ksk.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Knew001' });
  assert.ok(old);
  const schema = replacementSchema({ newKey: 'new', oldKey: 'old' });
  const policy = definePolicy({
    keys: [kskKeyFromHsm('old', old, { validFrom: 0 }), kskKeyFromHsm('new', fresh.key, { validFrom: T2027 })],
    schemas: [schema],
    kskPolicy: rootKskPolicy(),
  });
  const ksr = await generateRehearsalKsr({ quarter: '2027Q2', token: zsk, now: '2027-03-15T00:00:00Z' });
  const skr = await signKsr(ksr, { policy, schema, signer: ksk });
  for (const bundle of skr.bundles) {
    assert.equal(bundle.keys.find((k) => k.keyIdentifier === 'RSA1')?.flags, REVOKED_KSK_FLAGS);
    assert.deepEqual(bundle.signatures.map((s) => s.keyTag).sort(), [25614, fresh.summary.keyTag].sort());
  }
  const { status, report } = validate(await writeSkr(t, skr));
  assert.equal(status, 0, JSON.stringify(report));
  assert.ok(report.bundles.every((b) => b.signatures.length === 2 && b.signatures.some((s) => s.keyTag === 25614 && s.valid)));
});
