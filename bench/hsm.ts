import { createHash } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { Mechanism } from '../core/hsm/capabilities.js';
import type { KskAlgorithm } from '../core/hsm/port.js';
import { CK } from '../native/ck.js';
import { openSession } from '../native/index.js';
import { SOFTHSM_MODULE, softhsmToken } from '../test/helpers/softhsm.js';
import { printFigures, rateFigure } from './lib/figures.js';

/**
 * Signing through the app's HSM layer (worker thread, key cache, software verification of every
 * signature) against raw pkcs11js calls on the same SoftHSM2 token in the same run, and key
 * generation time per algorithm. The two are measured in turn, twice, and the better of each is
 * kept, so a busy machine penalises neither side. Run: node dist/bench/hsm.js [seconds, default 2]
 */
const seconds = Number(process.argv[2] ?? 2);
const cleanups: (() => void)[] = [];
const token = softhsmToken({ after: (fn: () => void) => cleanups.push(fn) }, 'BENCH');
const env = { SOFTHSM2_CONF: token.conf };
const data = Buffer.from('a DNSKEY RRset of typical size'.repeat(20));

async function rate(fn: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 20; i++) await fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await fn();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

/** The baseline: C_SignInit + C_Sign straight through pkcs11js on this thread, as a bare script would. */
async function rawRate(label: string, algorithm: number): Promise<number> {
  process.env.SOFTHSM2_CONF = token.conf;
  const p11 = new pkcs11js.PKCS11();
  p11.load(SOFTHSM_MODULE);
  p11.C_Initialize();
  try {
    const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === 'BENCH') as Buffer;
    const session = p11.C_OpenSession(slot, CK.CKF_SERIAL_SESSION | CK.CKF_RW_SESSION);
    p11.C_Login(session, CK.CKU_USER, token.userPin);
    p11.C_FindObjectsInit(session, [
      { type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY },
      { type: CK.CKA_LABEL, value: label },
    ]);
    const key = p11.C_FindObjects(session) as Buffer;
    p11.C_FindObjectsFinal(session);
    const { mechanism, input } =
      algorithm === 8
        ? { mechanism: Mechanism.CKM_SHA256_RSA_PKCS, input: data }
        : algorithm === 15
          ? { mechanism: Mechanism.CKM_EDDSA, input: data }
          : { mechanism: Mechanism.CKM_ECDSA, input: createHash('sha256').update(data).digest() };
    const out = Buffer.alloc(1024);
    return await rate(() => {
      p11.C_SignInit(session, { mechanism }, key);
      return p11.C_Sign(session, input, out);
    });
  } finally {
    p11.C_Finalize();
    p11.close();
  }
}

async function appRate(label: string): Promise<number> {
  const session = await openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: 'BENCH', pin: token.userPin, env });
  try {
    return await rate(() => session.sign(label, data));
  } finally {
    await session.close();
  }
}

async function main(): Promise<void> {
  const session = await openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: 'BENCH', pin: token.userPin, env });
  const generation: { name: string; ms: number[] }[] = [];
  const plan: { name: string; algorithm: KskAlgorithm; rsaBits?: number; runs: number }[] = [
    { name: 'RSASHA256-2048', algorithm: 'RSASHA256', rsaBits: 2048, runs: 3 },
    { name: 'RSASHA256-3072', algorithm: 'RSASHA256', rsaBits: 3072, runs: 2 },
    { name: 'RSASHA256-4096', algorithm: 'RSASHA256', rsaBits: 4096, runs: 2 },
    { name: 'ECDSAP256SHA256', algorithm: 'ECDSAP256SHA256', runs: 5 },
    { name: 'ECDSAP384SHA384', algorithm: 'ECDSAP384SHA384', runs: 5 },
    { name: 'ED25519', algorithm: 'ED25519', runs: 5 },
  ];
  for (const { name, algorithm, rsaBits, runs } of plan) {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await session.generateKsk({ algorithm, ...(rsaBits ? { rsaBits } : {}), label: `G-${name}-${i}` });
      ms.push(performance.now() - start);
    }
    generation.push({ name, ms });
  }
  for (const [label, algorithm] of [
    ['S-RSA', 'RSASHA256'],
    ['S-P256', 'ECDSAP256SHA256'],
    ['S-ED', 'ED25519'],
  ] as const) {
    await session.generateKsk({ algorithm, label });
  }
  await session.close();

  // Key generation has no bare counterpart worth the name (the app reads the key back and test-signs
  // with it): its times are printed for reference, the signing figures below carry the baselines.
  console.log(`KSK generation on SoftHSM2 through the app (worker, read-back, test signature), ms:`);
  for (const { name, ms } of generation) {
    console.log(
      `  ${name.padEnd(16)} mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(0).padStart(6)}  min ${Math.min(...ms)
        .toFixed(0)
        .padStart(6)}  max ${Math.max(...ms)
        .toFixed(0)
        .padStart(6)}  (${ms.length} runs)`,
    );
  }
  const figures = [];
  for (const [label, algorithm, name] of [
    ['S-RSA', 8, 'RSASHA256-2048'],
    ['S-P256', 13, 'ECDSAP256SHA256'],
    ['S-ED', 15, 'ED25519'],
  ] as const) {
    let raw = 0;
    let app = 0;
    for (let round = 0; round < 2; round++) {
      raw = Math.max(raw, await rawRate(label, algorithm));
      app = Math.max(app, await appRate(label));
    }
    figures.push(
      rateFigure({
        what: `${name} signatures through the app's HSM layer (worker round trip, software verification of each)`,
        perSecond: app,
        unit: 'signatures',
        baseline: { what: 'raw pkcs11js C_SignInit + C_Sign on the same token', perSecond: raw },
      }),
    );
  }
  printFigures(`hsm bench: signing ${data.length} bytes, best of 2 rounds of ${seconds} s each`, figures);
}

try {
  await main();
} finally {
  for (const fn of cleanups) fn();
}
