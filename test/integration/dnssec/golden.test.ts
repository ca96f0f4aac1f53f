import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { checkKsr, checkSignedSkr, failuresOf } from '../../../core/dnssec/checks.js';
import { parseKsr, parseSkr } from '../../../core/dnssec/ksrParse.js';
import { skrToXml } from '../../../core/dnssec/ksrWrite.js';
import { schemaNamed } from '../../../core/dnssec/policy.js';
import { parseSigningPolicy } from '../../../core/dnssec/policyYaml.js';
import { signKsr } from '../../../core/dnssec/sign.js';
import { cliPath, shared } from '../../helpers/paths.js';
import { softhsmToken } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';
import { importPem, sessionOn } from '../hsm/session.js';
import { RSA1_KEY, writePolicyFile } from './policyFile.js';

const ksrFile = shared('ksr', 'ksr-root-2018-q1-0-d_to_e.xml');
const goldenFile = shared('golden', 'skr-ksr-root-2018-q1-0-d_to_e-signed-by-rsa-2048-1.xml');
const golden = readFileSync(goldenFile, 'utf8');
const normal = { normal: () => '{publish: ksk_RSA1, sign: ksk_RSA1}' };

function rsa1Token(t: Parameters<typeof softhsmToken>[0]) {
  const token = softhsmToken(t, 'KSK');
  importPem(t, token, shared('keys', 'rsa-2048-1.pem'), 'RSA1');
  return token;
}

/** Each ResponseBundle of a file, as text. */
const responseBundles = (xml: string) => xml.match(/<ResponseBundle [\s\S]*?<\/ResponseBundle>/g) ?? [];

test('signed in SoftHSM2 with RSA1, the 2018 Q1 KSR gives every SignatureData and every bundle of the golden SKR', async (t) => {
  const token = rsa1Token(t);
  const session = await sessionOn(t, token);
  const policy = parseSigningPolicy(readFileSync(writePolicyFile(t, token, RSA1_KEY, normal), 'utf8'));
  const ksr = parseKsr(readFileSync(ksrFile));
  const schema = schemaNamed(policy, 'normal');

  const before = await checkKsr(ksr, { policy, now: '2017-12-01T00:00:00Z', hsm: session, schema });
  assert.deepEqual(failuresOf(before), []);
  assert.equal(before.find((r) => r.check === 'KSK-KEY-USE')?.status, 'pass');

  const skr = await signKsr(ksr, { policy, schema, signer: session });
  const expected = parseSkr(Buffer.from(golden));
  assert.equal(skr.bundles.length, 9);
  skr.bundles.forEach((bundle, i) => {
    const want = expected.bundles[i];
    assert.equal(bundle.signatures.length, 1);
    assert.equal(
      bundle.signatures[0]?.signatureData.toString('base64'),
      want?.signatures[0]?.signatureData.toString('base64'),
      `SignatureData of bundle ${i + 1}`,
    );
  });
  const xml = skrToXml(skr);
  assert.deepEqual(responseBundles(xml), responseBundles(golden));
  assert.equal(xml, golden, 'the whole SKR, byte for byte');
  assert.deepEqual(failuresOf(await checkSignedSkr(skr, { policy })), []);

  const again = skrToXml(await signKsr(ksr, { policy, schema, signer: session }));
  assert.equal(again, xml, 'same inputs, same bytes');
});

test('ksk-ceremony ksr sign writes the golden SKR and prints both hashes; without confirmation nothing is signed', async (t) => {
  const token = rsa1Token(t);
  const policyFile = writePolicyFile(t, token, RSA1_KEY, normal);
  const dir = tempDir(t);
  const out = path.join(dir, 'skr.xml');
  const signed = spawnSync(process.execPath, [cliPath, 'ksr', 'sign', ksrFile, '--policy', policyFile, '--out', out, '--now', '2017-12-01', '--yes'], {
    encoding: 'utf8',
    env: token.env,
  });
  assert.equal(signed.status, 0, signed.stderr);
  assert.equal(readFileSync(out, 'utf8'), golden);
  assert.match(signed.stderr, /KSR: .*ksr-root-2018-q1-0-d_to_e.xml\n {2}SHA-256: [0-9a-f]{64}\n {2}words: {3}\w+/);
  assert.match(signed.stderr, /PASS {2}SKR-VERIFY: all 9 signatures in 9 bundles verified in software/);
  const goldenHash = spawnSync(process.execPath, [cliPath, 'hash', goldenFile], { encoding: 'utf8' }).stdout.match(/SHA-256: ([0-9a-f]{64})/)?.[1];
  assert.ok(goldenHash);
  assert.match(signed.stdout, new RegExp(`SKR written: ${out}\n {2}SHA-256: ${goldenHash}`));
  assert.match(signed.stdout, /last signature expires: 2018-04-12T00:00:00.000Z/);
  assert.deepEqual(readFileSync(dir.concat('/skr.xml')).length, Buffer.byteLength(golden));

  const refused = path.join(dir, 'refused.xml');
  const no = spawnSync(process.execPath, [cliPath, 'ksr', 'sign', ksrFile, '--policy', policyFile, '--out', refused, '--now', '2017-12-01'], {
    encoding: 'utf8',
    env: token.env,
    input: 'no\n',
  });
  assert.equal(no.status, 6, no.stderr);
  assert.match(no.stderr, /Type Yes to sign: ksk-ceremony: Signing was not confirmed; nothing was signed\.\n$/);
  assert.equal(existsSync(refused), false);

  const ksrHash = spawnSync(process.execPath, [cliPath, 'hash', ksrFile], { encoding: 'utf8' }).stdout;
  const words = /words: +(.+)/.exec(ksrHash)?.[1] as string;
  const hex = /SHA-256: ([0-9a-f]{64})/.exec(ksrHash)?.[1] as string;
  const wrongHash = `${hex.slice(0, 10)}${hex[10] === '0' ? '1' : '0'}${hex.slice(11)}`;
  const mismatch = spawnSync(process.execPath, [cliPath, 'ksr', 'sign', ksrFile, '--policy', policyFile, '--out', refused, '--ksr-hash', wrongHash, '--yes'], {
    encoding: 'utf8',
    env: token.env,
  });
  assert.equal(mismatch.status, 1);
  assert.match(
    mismatch.stderr,
    /ksk-ceremony: The KSR's SHA-256 does not match the hash given out of band \(hex; first difference at byte 6\)\. Nothing was signed\.\n$/,
  );
  assert.equal(existsSync(refused), false);

  const yes = spawnSync(
    process.execPath,
    [cliPath, 'ksr', 'sign', ksrFile, '--policy', policyFile, '--out', refused, '--now', '2017-12-01', '--ksr-hash', words.toUpperCase()],
    {
      encoding: 'utf8',
      env: token.env,
      input: 'Yes\n',
    },
  );
  assert.equal(yes.status, 0, yes.stderr);
  assert.match(yes.stderr, /the KSR's SHA-256 matches the hash given out of band \(words\)/);
  assert.equal(readFileSync(refused, 'utf8'), golden);

  const again = spawnSync(process.execPath, [cliPath, 'ksr', 'sign', ksrFile, '--policy', policyFile, '--out', out, '--yes'], {
    encoding: 'utf8',
    env: token.env,
  });
  assert.equal(again.status, 3);
  assert.match(again.stderr, /already exists; an SKR is never overwritten/);
});

test('a KSR that fails a check is not signed, and the failing checks are listed by name', async (t) => {
  const token = rsa1Token(t);
  const policyFile = writePolicyFile(t, token, RSA1_KEY, normal);
  const out = path.join(tempDir(t), 'skr.xml');
  const swapped = shared('ksr', 'ksr-root-2018-q1-0-swapped-zsk-signatures.xml');
  const r = spawnSync(process.execPath, [cliPath, 'ksr', 'sign', swapped, '--policy', policyFile, '--out', out, '--yes'], { encoding: 'utf8', env: token.env });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /FAIL {2}KSR-BUNDLE-POP: the signature by 302e\S+ \(tag 46809\) in bundle 1/);
  assert.match(r.stderr, /FAIL {2}KSR-POLICY-SIG-HORIZON: bundle 1 /);
  assert.match(r.stdout, /The KSR was not signed: a check failed\./);
  assert.equal(existsSync(out), false);
});

test('HSM errors have their own exit code: a wrong PIN, a key missing from the token', async (t) => {
  const token = rsa1Token(t);
  const out = path.join(tempDir(t), 'skr.xml');
  const wrongPin = writePolicyFile(t, { ...token, userPin: '9999' }, RSA1_KEY, normal);
  const r = spawnSync(process.execPath, [cliPath, 'ksr', 'sign', ksrFile, '--policy', wrongPin, '--out', out, '--now', '2017-12-01', '--yes'], {
    encoding: 'utf8',
    env: token.env,
  });
  assert.equal(r.status, 4, r.stderr);
  assert.match(r.stderr, /\nksk-ceremony: Could not log in .*The PIN is wrong[^\n]*\n$/);
  const missing = writePolicyFile(t, token, RSA1_KEY.replace('label: RSA1', 'label: RSA2'), normal);
  const m = spawnSync(process.execPath, [cliPath, 'ksr', 'sign', ksrFile, '--policy', missing, '--out', out, '--now', '2017-12-01', '--yes'], {
    encoding: 'utf8',
    env: token.env,
  });
  assert.equal(m.status, 1, m.stderr);
  assert.match(m.stderr, /FAIL {2}KSK-KEY-USE: the HSM has no key labelled RSA2/);
  assert.equal(existsSync(out), false);
});

test('ksk-ceremony trust-anchor reads the KSK from the HSM and writes the KeyDigest IANA writes', async (t) => {
  const token = rsa1Token(t);
  const policyFile = writePolicyFile(t, token, RSA1_KEY, normal);
  const out = path.join(tempDir(t), 'root-anchors.xml');
  const r = spawnSync(process.execPath, [cliPath, 'trust-anchor', '--policy', policyFile, '--out', out, '--rfc7958', '--id', 'peer-test-anchor'], {
    encoding: 'utf8',
    env: token.env,
  });
  assert.equal(r.status, 0, r.stderr);
  const block = (xml: string) => /<KeyDigest id="RSA1"[\s\S]*?<\/KeyDigest>/.exec(xml)?.[0];
  assert.equal(block(readFileSync(out, 'utf8')), block(readFileSync(shared('golden', 'root-anchors-example.xml'), 'utf8')));
  assert.match(r.stdout, /\. IN DS 25486 8 2 6E7DF8A5D641564597B4E1B598B21A301C07A66A79E6A8ECBB43A31D20E89C20/);
  assert.match(r.stdout, /\. 172800 IN DNSKEY 257 3 8 AwEAA/);
  assert.match(r.stdout, /digest words: (\w+ ){31}\w+/);
  const rfc9718 = path.join(path.dirname(out), 'rfc9718.xml');
  const json = spawnSync(process.execPath, [cliPath, 'trust-anchor', '--policy', policyFile, '--out', rfc9718, '--json'], { encoding: 'utf8', env: token.env });
  assert.equal(json.status, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { keys: { keyTag: number }[] }).keys[0]?.keyTag, 25486);
  assert.match(readFileSync(rfc9718, 'utf8'), /<Flags>257<\/Flags>/);
});
