/**
 * How far `ksr check` and `ksr sign` are from the physical limit, for the 9-bundle 2018 Q1 KSR and
 * an RSA-2048 KSK in SoftHSM2, each against a baseline measured in the same run:
 * - in this process, the app's HSM port, checkKsr and signKsr against 9 bare C_Sign calls;
 * - as a command line, `ksk-ceremony ksr sign` (a process each time) against a bare process that
 *   does the same signing operations over pkcs11js (bench/lib/bareSign.ts): IANA's ksrsigner, the
 *   issue's reference, cannot be installed here (no PyPI).
 * Run: node dist/bench/ksr.js
 */
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkKsr, checkSignedSkr, failuresOf } from '../core/dnssec/checks.js';
import { parseKsr, parseSkr } from '../core/dnssec/ksrParse.js';
import { skrToXml } from '../core/dnssec/ksrWrite.js';
import { definePolicy, kskKeyFromHsm, rootKskPolicy, uniformSchema } from '../core/dnssec/policy.js';
import { rrsigSignedData } from '../core/dnssec/rrsig.js';
import { signKsr } from '../core/dnssec/sign.js';
import { openSession } from '../native/index.js';
import { BENCH_PIN as PIN, benchToken, SOFTHSM_MODULE as MODULE, withBareSigner } from './lib/bareHsm.js';
import { figure, medianMs as median, printFigures } from './lib/figures.js';
import { alternate, timeNodeProcess } from './lib/process.js';

const ROUNDS = 20;
const root = fileURLToPath(new URL('../../', import.meta.url));
const data = path.join(root, '..', 'shared', 'data');
const ksrFile = path.join(data, 'ksr', 'ksr-root-2018-q1-0-d_to_e.xml');
const cli = path.join(root, 'dist', 'core', 'cli', 'main.js');
const bareSign = path.join(root, 'dist', 'bench', 'lib', 'bareSign.js');

const dir = mkdtempSync(path.join(os.tmpdir(), 'ksk-bench-ksr-'));
try {
  const { conf, env, pkcs8 } = benchToken(dir, data);

  // What the 9 signatures sign: the RRSIG data of each bundle of the golden SKR.
  const golden = parseSkr(readFileSync(path.join(data, 'golden', 'skr-ksr-root-2018-q1-0-d_to_e-signed-by-rsa-2048-1.xml')));
  const blobs = golden.bundles.map((b) => rrsigSignedData(b.signatures[0] as (typeof b.signatures)[number], '.', b.keys));

  // Baseline: 9 bare C_Sign calls in this thread, while the app's module host has the module unloaded;
  // measured before and after the app, the faster kept.
  const bareSignatures = () => withBareSigner(conf, (sign) => median(ROUNDS, () => blobs.forEach((blob) => sign(blob))));
  const bareBefore = await bareSignatures();

  const session = await openSession({ modulePath: MODULE, tokenLabel: 'BENCH', pin: PIN, env: { SOFTHSM2_CONF: conf } });
  try {
    const key = await session.findKey('RSA1');
    if (!key) throw new Error('RSA1 is not in the bench token');
    const policy = definePolicy({
      keys: [kskKeyFromHsm('ksk', key, { validFrom: 0 })],
      schemas: [uniformSchema('normal', { publish: ['ksk'], sign: ['ksk'] })],
      kskPolicy: rootKskPolicy(),
    });
    const schema = policy.schemas.normal as NonNullable<typeof policy.schemas.normal>;
    const ksrBytes = readFileSync(ksrFile);
    const port = await median(ROUNDS, async () => {
      for (const blob of blobs) await session.sign('RSA1', blob);
    });
    const check = await median(ROUNDS, async () => {
      const results = await checkKsr(parseKsr(ksrBytes), { policy, now: '2017-12-01T00:00:00Z', hsm: session, schema });
      if (failuresOf(results).length > 0) throw new Error('the bench KSR fails a check');
    });
    let xml = '';
    const sign = await median(ROUNDS, async () => {
      const skr = await signKsr(parseKsr(ksrBytes), { policy, schema, signer: session });
      if (failuresOf(await checkSignedSkr(skr, { policy })).length > 0) throw new Error('the signed SKR fails a check');
      xml = skrToXml(skr);
    });
    if (xml !== readFileSync(path.join(data, 'golden', 'skr-ksr-root-2018-q1-0-d_to_e-signed-by-rsa-2048-1.xml'), 'utf8'))
      throw new Error('the bench SKR is not the golden SKR');
    await session.close();
    const bare = Math.min(bareBefore, await bareSignatures());

    // The command line, as an auditor or a script runs it: a process each time.
    const policyFile = path.join(dir, 'ksrsigner.yaml');
    writeFileSync(
      policyFile,
      `hsm:\n  softhsm:\n    module: ${MODULE}\n    pin: ${PIN}\n    env:\n      SOFTHSM2_CONF: ${conf}\nkeys:\n  ksk:\n    label: RSA1\n    algorithm: RSASHA256\n    valid_from: 2010-07-15T00:00:00+00:00\n` +
        `ksk_policy:\n  publish_safety: P10D\n  retire_safety: P10D\n  max_signature_validity: P21D\n  min_signature_validity: P21D\n  max_validity_overlap: P16D\n  min_validity_overlap: P9D\n` +
        `schemas:\n  normal:\n${Array.from({ length: 9 }, (_, i) => `    ${i + 1}: {publish: ksk, sign: ksk}\n`).join('')}`,
    );
    const publicKeyFile = path.join(dir, 'rsa1.pub.pem');
    writeFileSync(publicKeyFile, createPublicKey(readFileSync(pkcs8, 'utf8')).export({ type: 'spki', format: 'pem' }));
    const blobsFile = path.join(dir, 'blobs.json');
    writeFileSync(blobsFile, JSON.stringify(blobs.map((b) => Buffer.from(b).toString('hex'))));
    const cliRounds = 9;
    let n = 0;
    const cliRuns = alternate(cliRounds, {
      bare: () => timeNodeProcess([bareSign, MODULE, 'BENCH', PIN, 'RSA1', publicKeyFile, blobsFile], env),
      check: () => timeNodeProcess([cli, 'ksr', 'check', ksrFile, '--policy', policyFile, '--now', '2017-12-01'], env),
      sign: () =>
        timeNodeProcess([cli, 'ksr', 'sign', ksrFile, '--policy', policyFile, '--out', path.join(dir, `skr-${n++}.xml`), '--now', '2017-12-01', '--yes'], env),
    });
    if (readFileSync(path.join(dir, 'skr-0.xml'), 'utf8') !== xml) throw new Error('the command line did not write the golden SKR');
    const peak = (r: { peakMb: number | null }) => (r.peakMb !== null ? { peakMb: r.peakMb } : {});

    const bareSigns = { what: '9 bare C_Sign (pkcs11js), the physical limit', ms: bare };
    printFigures(
      `ksr bench: 2018 Q1 KSR (9 bundles), RSA-2048 KSK in SoftHSM2; in process median of ${ROUNDS}, command line median of ${cliRounds} alternating`,
      [
        figure({ what: '9 signatures through the HSM port (worker thread + software verification)', ms: port, baseline: bareSigns }),
        figure({ what: 'checkKsr: parse + every check (with HSM)', ms: check, baseline: bareSigns }),
        figure({ what: 'signKsr: 9 signatures + SKR-VERIFY + XML', ms: sign, baseline: bareSigns }),
        figure({
          what: '`ksk-ceremony ksr sign --yes` (process, every check, re-verification, atomic write)',
          ms: cliRuns.sign.ms,
          baseline: { what: 'a bare process doing the same 9 signatures and their verification over pkcs11js', ms: cliRuns.bare.ms },
          goal: { maxRatio: 1.5, maxMb: 60 },
          ...peak(cliRuns.sign),
          note: cliRuns.bare.peakMb !== null ? `bare process ${cliRuns.bare.peakMb.toFixed(0)} MB peak` : undefined,
        }),
        figure({
          what: '`ksk-ceremony ksr check` (process, every check, with HSM)',
          ms: cliRuns.check.ms,
          baseline: { what: 'the same bare signing process', ms: cliRuns.bare.ms },
          ...peak(cliRuns.check),
        }),
      ],
    );
  } finally {
    await session.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
