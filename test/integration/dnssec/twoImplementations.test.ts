import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { checkSignedSkr, failuresOf } from '../../../core/dnssec/checks.js';
import { writeFileAtomic } from '../../../core/dnssec/files.js';
import { skrToXml } from '../../../core/dnssec/ksrWrite.js';
import { definePolicy, kskKeyFromHsm, rootKskPolicy, uniformSchema } from '../../../core/dnssec/policy.js';
import { generateRehearsalKsr } from '../../../core/dnssec/rehearsal.js';
import { signKsr } from '../../../core/dnssec/sign.js';
import type { GeneratedKsk } from '../../../core/hsm/port.js';
import { openSession } from '../../../native/index.js';
import { cliPath, shared } from '../../helpers/paths.js';
import { initToken, SOFTHSM_MODULE, softhsmConfig } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';
import { startTpm2, tpm2Unavailable, type Tpm2Token } from '../../helpers/tpm2.js';
import { sessionOn } from '../hsm/session.js';
import { validate } from './dnspython.js';
import { writePolicyFile, type PolicyHsm } from './policyFile.js';

/**
 * The same KSR signed on SoftHSM2 and on tpm2-pkcs11 (swtpm) with a KSK of the same algorithm
 * generated on each, through the command line an operator uses: both SKRs pass `skr verify` and
 * dnspython's validation, and each implementation's trust anchor names its own key.
 */
const skip = tpm2Unavailable() ?? false;
let tpm: Tpm2Token;
before(async () => {
  if (!skip) tpm = await startTpm2();
});
after(() => tpm?.stop());

const ksrFile = shared('ksr', 'ksr-root-2018-q1-0-d_to_e.xml');

function cli(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env });
}

/** Both implementations as a policy's hsm section and a process environment for the CLI. */
function implementations(t: TestContext): { name: string; hsm: PolicyHsm; env: NodeJS.ProcessEnv }[] {
  const soft = initToken(softhsmConfig(t), 'KSK');
  return [
    { name: 'SoftHSM2', hsm: { modulePath: SOFTHSM_MODULE, label: soft.label, userPin: soft.userPin, env: { SOFTHSM2_CONF: soft.conf } }, env: soft.env },
    { name: 'tpm2-pkcs11', hsm: tpm, env: tpm.processEnv },
  ];
}

test(
  'the same root KSR is signed with an RSASHA256 KSK on SoftHSM2 and on tpm2-pkcs11: key generate, ksr sign, skr verify, dnspython, trust-anchor',
  { skip },
  async (t) => {
    const dir = tempDir(t);
    const skrs: { name: string; keyTag: number; skr: string }[] = [];
    for (const { name, hsm, env } of implementations(t)) {
      const pinEnv = { ...env, KSK_PIN: hsm.userPin };
      const label = name === 'SoftHSM2' ? 'Ksofths' : 'Ktpm2rs';
      const made = spawnSync(
        process.execPath,
        [
          cliPath,
          'key',
          'generate',
          '--module',
          hsm.modulePath,
          '--token',
          hsm.label,
          '--pin-env',
          'KSK_PIN',
          '--algorithm',
          'RSASHA256',
          '--label',
          label,
          '--json',
        ],
        { encoding: 'utf8', env: pinEnv },
      );
      assert.equal(made.status, 0, `${name}: ${made.stderr}`);
      const ksk = JSON.parse(made.stdout) as GeneratedKsk;
      assert.equal(ksk.keySizeBits, 2048);
      assert.equal(ksk.attributes.sensitive && ksk.attributes.private && ksk.attributes.sign, true, name);
      assert.notEqual(ksk.attributes.decrypt, true, name);

      const keys = `  ksk_${label}:\n    description: generated on ${name}\n    label: ${label}\n    key_tag: ${ksk.summary.keyTag}\n    algorithm: RSASHA256\n    rsa_size: 2048\n    rsa_exponent: 65537\n    valid_from: 2017-01-01T00:00:00+00:00\n    ds_sha256: ${ksk.summary.dsDigestHex}\n`;
      const policy = writePolicyFile(t, hsm, keys, { normal: () => `{publish: ksk_${label}, sign: ksk_${label}}` });
      const out = path.join(dir, `skr-${name}.xml`);
      const signed = cli(['ksr', 'sign', ksrFile, '--policy', policy, '--out', out, '--now', '2017-12-01', '--yes'], env);
      assert.equal(signed.status, 0, `${name}: ${signed.stderr}`);
      assert.match(signed.stderr, /PASS {2}SKR-VERIFY: all 9 signatures in 9 bundles verified in software/);

      const verified = cli(['skr', 'verify', out], env);
      assert.equal(verified.status, 0, `${name}: ${verified.stderr}`);
      assert.equal((verified.stdout.match(/^OK {4}bundle/gm) ?? []).length, 9);
      const { status, report } = validate(out);
      assert.equal(status, 0, `${name}: ${JSON.stringify(report)}`);
      assert.ok(
        report.bundles.every((b) => b.signatures.length === 1 && b.signatures[0]?.valid && b.signatures[0].keyTag === ksk.summary.keyTag),
        name,
      );

      const anchor = path.join(dir, `root-anchors-${name}.xml`);
      const ta = cli(['trust-anchor', '--policy', policy, '--out', anchor, '--json'], env);
      assert.equal(ta.status, 0, `${name}: ${ta.stderr}`);
      const xml = readFileSync(anchor, 'utf8');
      assert.match(xml, new RegExp(`<KeyTag>${ksk.summary.keyTag}</KeyTag>`));
      assert.match(xml, new RegExp(`<Digest>${ksk.summary.dsDigestHex}</Digest>`));
      skrs.push({ name, keyTag: ksk.summary.keyTag, skr: readFileSync(out, 'utf8') });
    }
    // The same request, answered by two different keys: same bundles, different signers.
    const [soft, tpm2] = skrs;
    assert.notEqual(soft?.keyTag, tpm2?.keyTag);
    const ids = (xml: string) => [...xml.matchAll(/<ResponseBundle id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(ids(soft?.skr ?? ''), ids(tpm2?.skr ?? ''));
    assert.equal(ids(soft?.skr ?? '').length, 9);
  },
);

test('the same rehearsal KSR is signed with an ECDSAP256SHA256 KSK on SoftHSM2 and on tpm2-pkcs11; both SKRs validate with dnspython', { skip }, async (t) => {
  const config = softhsmConfig(t);
  // SoftHSM2 reads its tokens when the module starts: both exist before the first session.
  const [zskToken, kskToken] = [initToken(config, 'rehearsal'), initToken(config, 'KSK')];
  const zsk = await sessionOn(t, zskToken);
  const now = '2027-03-15T00:00:00Z';
  const ksr = await generateRehearsalKsr({ quarter: '2027Q2', token: zsk, now, algorithm: 'ECDSAP256SHA256' });
  const softKsk = await sessionOn(t, kskToken);
  const tpmKsk = await openSession({ modulePath: tpm.modulePath, tokenLabel: tpm.label, pin: tpm.userPin, env: tpm.env });
  t.after(() => tpmKsk.close());
  const tags: number[] = [];
  for (const [name, signer] of [
    ['SoftHSM2', softKsk],
    ['tpm2-pkcs11', tpmKsk],
  ] as const) {
    const generated = await signer.generateKsk({ algorithm: 'ECDSAP256SHA256', label: `Kec${name.slice(0, 4)}` });
    const policy = definePolicy({
      keys: [kskKeyFromHsm('ksk', generated.key, { validFrom: Date.UTC(2027, 0, 1) / 1000 })],
      schemas: [uniformSchema('normal', { publish: ['ksk'], sign: ['ksk'] })],
      kskPolicy: rootKskPolicy(),
      requestPolicy: { approvedAlgorithms: ['ECDSAP256SHA256'], enableUnsupportedEcdsa: true },
    });
    const skr = await signKsr(ksr, { policy, schema: 'normal', signer });
    assert.deepEqual(failuresOf(await checkSignedSkr(skr, { policy })), [], name);
    const file = path.join(tempDir(t), 'skr.xml');
    await writeFileAtomic(file, skrToXml(skr));
    const verified = cli(['skr', 'verify', file], process.env);
    assert.equal(verified.status, 0, `${name}: ${verified.stderr}`);
    const { status, report } = validate(file);
    assert.equal(status, 0, `${name}: ${JSON.stringify(report)}`);
    assert.ok(
      report.bundles.every((b) => b.signatures.every((s) => s.valid) && b.signatures.some((s) => s.keyTag === generated.summary.keyTag)),
      name,
    );
    tags.push(generated.summary.keyTag);
  }
  assert.equal(new Set(tags).size, 2);
});
