import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { publicKeyRdataFromKeyObject } from '../../../core/dnssec/algorithms.js';
import { dnskeyPresentation, dsPresentation, dsRecord, KSK_FLAGS, keyTag, REVOKED_KSK_FLAGS, type Dnskey } from '../../../core/dnssec/dnskey.js';
import { parseSkr } from '../../../core/dnssec/ksrParse.js';
import { trustAnchorEntries } from '../../../core/dnssec/trustAnchor.js';
import { shared } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

function ksk(key: ReturnType<typeof createPublicKey>, flags = KSK_FLAGS): Dnskey {
  return { flags, protocol: 3, ...publicKeyRdataFromKeyObject(key) };
}

/** Every algorithm the app signs with, a revoked key, and the real root KSKs of an SKR. */
function keys(): { id: string; dnskey: Dnskey }[] {
  const rsa1 = createPublicKey(readFileSync(shared('keys', 'rsa-2048-1.pem'), 'utf8'));
  const generated = (['P-256', 'P-384'] as const).map((namedCurve) => ({ id: namedCurve, dnskey: ksk(generateKeyPairSync('ec', { namedCurve }).publicKey) }));
  const skr = parseSkr(readFileSync(shared('skr', 'skr-root-2018-q1-0-d_to_e.xml')));
  const root = (skr.bundles[0]?.keys ?? []).filter((k) => k.flags === KSK_FLAGS).map((k) => ({ id: k.keyIdentifier, dnskey: k }));
  assert.equal(root.length, 2);
  return [
    { id: 'RSA1', dnskey: ksk(rsa1) },
    { id: 'RSA1-revoked', dnskey: ksk(rsa1, REVOKED_KSK_FLAGS) },
    ...generated,
    { id: 'Ed25519', dnskey: ksk(generateKeyPairSync('ed25519').publicKey) },
    ...root,
  ];
}

/** ldns (Debian's ldnsutils), reading the DNSKEY in presentation form on its own: "tag alg type digest". */
function ldnsDs(dir: string, dnskey: string, digestType: 2 | 4): string {
  const file = path.join(dir, `${digestType}-${Math.random().toString(36).slice(2)}.key`);
  writeFileSync(file, `${dnskey}\n`);
  const r = spawnSync('/usr/bin/ldns-key2ds', ['-n', `-${digestType}`, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const fields = r.stdout.trim().split(/\s+/);
  assert.equal(fields[3], 'DS', r.stdout);
  return fields.slice(4).join(' ').toLowerCase();
}

const ours = (ds: string) => ds.split(/\s+/).slice(3).join(' ').toLowerCase();

test('key tags and DS records (SHA-256 and SHA-384) are the ones ldns computes, for every algorithm and a revoked key; the trust anchor publishes the same', (t) => {
  const dir = tempDir(t);
  const all = keys();
  assert.equal(all.length, 7);
  assert.deepEqual(new Set(all.map((k) => k.dnskey.algorithm)), new Set([8, 13, 14, 15]));
  for (const { id, dnskey } of all) {
    const presentation = dnskeyPresentation('.', 172800, dnskey);
    assert.equal(ours(dsPresentation(dsRecord('.', dnskey, 2))), ldnsDs(dir, presentation, 2), `${id} SHA-256`);
    assert.equal(ours(dsPresentation(dsRecord('.', dnskey, 4))), ldnsDs(dir, presentation, 4), `${id} SHA-384`);
  }
  const tag = (id: string) => keyTag(all.find((k) => k.id === id)!.dnskey);
  assert.notEqual(tag('RSA1-revoked'), tag('RSA1'), 'a revoked key has its own tag');
  assert.ok(
    all.some((k) => keyTag(k.dnskey) === 20326),
    'the root KSK-2017',
  );

  const anchors = trustAnchorEntries(all.filter((k) => k.dnskey.flags === KSK_FLAGS).map((k) => ({ ...k, validFrom: 0 })));
  assert.equal(anchors.length, 6);
  for (const e of anchors) {
    assert.equal(ours(e.dsSha256), ldnsDs(dir, e.dnskey, 2), `${e.id} anchor SHA-256`);
    assert.equal(ours(e.dsSha384), ldnsDs(dir, e.dnskey, 4), `${e.id} anchor SHA-384`);
    assert.equal(e.dsSha256.split(/\s+/)[3], String(e.keyTag));
  }
});

test('a DS that differs from the DNSKEY by one bit is caught by the comparison', (t) => {
  const dir = tempDir(t);
  const { dnskey } = keys()[0]!;
  const flipped = dnskeyPresentation('.', 172800, dnskey).replace(/(\S)(\S)$/, (_, a: string, b: string) => `${a}${b === 'A' ? 'B' : 'A'}`);
  assert.notEqual(ours(dsPresentation(dsRecord('.', dnskey, 2))), ldnsDs(dir, flipped, 2));
});
