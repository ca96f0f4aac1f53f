import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { workspaceAt } from '../../../core/workspace/workspace.js';
import { cliPath, repoRoot, shared } from '../../helpers/paths.js';
import { initToken, type TestToken } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';
import { importPem } from '../hsm/session.js';
import { RSA1_KEY, writePolicyFile } from './policyFile.js';

function cli(args: string[], env: NodeJS.ProcessEnv = process.env, input?: string) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env, ...(input === undefined ? {} : { input }) });
}

test('ksr check: exit 0 when every enabled check passes, 1 listing each failed check by name', () => {
  const ok = cli(['ksr', 'check', shared('ksr', 'ksr-root-2017-q2-0.xml'), '--previous-skr', shared('skr', 'skr-root-2017-q1-0.xml'), '--now', '2017-03-01']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /PASS {2}KSR-CHAIN-KEYS: /);
  assert.match(ok.stdout, /SKIP {2}KSR-CHAIN-KEYS-HSM: skipped: no HSM is connected\./);
  assert.match(ok.stdout, /every enabled check passed\n$/);

  const swapped = cli(['ksr', 'check', shared('ksr', 'ksr-root-2018-q1-0-swapped-zsk-signatures.xml'), '--now', '2017-12-01']);
  assert.equal(swapped.status, 1);
  assert.match(swapped.stdout, /FAIL {2}KSR-BUNDLE-POP: the signature by \S+ \(tag 46809\) in bundle 1 \(0a8f7774-3bd3-4702-a923-f1d73f653bd6\) fails/);
  assert.match(swapped.stdout, /2 failure\(s\) in: KSR-BUNDLE-POP\n$/);

  const old = cli(['ksr', 'check', shared('ksr', 'ksr-root-2009-q4-2.xml'), '--now', '2009-10-15', '--json']);
  assert.equal(old.status, 1);
  const report = JSON.parse(old.stdout) as { ok: boolean; results: { check: string; status: string; bundle?: { index: number } }[] };
  assert.equal(report.ok, false);
  assert.ok(report.results.some((r) => r.check === 'KSR-BUNDLE-COUNT' && r.status === 'fail'));
  assert.ok(report.results.some((r) => r.check === 'KSR-POLICY-SIG-VALIDITY' && r.bundle?.index === 1));
});

test('errors are one line with a distinct exit code: usage 2, bad input 3', (t) => {
  const usage = cli(['ksr', 'check']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^ksk-ceremony: ksr check takes exactly one KSR\.\nusage: ksk-ceremony ksr check KSR/);
  const unknown = cli(['ksr', 'check', 'x.xml', '--previous', 'y']);
  assert.equal(unknown.status, 2);

  const dtd = cli(['ksr', 'check', path.join(repoRoot, 'test', 'fixtures', 'hostile', 'external-entity.xml')]);
  assert.equal(dtd.status, 3);
  assert.match(dtd.stderr, /^ksk-ceremony: \S+external-entity.xml: KSR: a document type declaration \(DTD\) at line 2 is refused[^\n]*\n$/);
  assert.equal(dtd.stdout, '');

  const missing = cli(['skr', 'verify', '/nonexistent/skr.xml']);
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /^ksk-ceremony: No SKR at \/nonexistent\/skr.xml\.\n$/);

  const huge = path.join(tempDir(t), 'huge-ksr.xml');
  const fd = openSync(huge, 'w');
  writeSync(fd, '<KSR id="x" domain="." serial="0"><Request>');
  ftruncateSync(fd, 50 * 1024 * 1024);
  closeSync(fd);
  const big = cli(['ksr', 'check', huge]);
  assert.equal(big.status, 3);
  assert.match(big.stderr, /^ksk-ceremony: The KSR \S+huge-ksr.xml is too large \(52428800 bytes; the limit is 10485760\)\.\n$/);

  const badPolicy = path.join(tempDir(t), 'ksrsigner.yaml');
  writeFileSync(badPolicy, 'request_policy:\n  check_chain_key: false\n');
  const typo = cli(['ksr', 'check', shared('ksr', 'ksr-root-2017-q2-0.xml'), '--policy', badPolicy]);
  assert.equal(typo.status, 3);
  assert.match(typo.stderr, /line 2: "request_policy.check_chain_key" is not a setting of ksrsigner.yaml/);
});

test('skr verify: the real root SKRs verify; a tampered one fails at its bundle', (t) => {
  const real = cli(['skr', 'verify', shared('skr', 'skr-root-2017-q3-0-c_to_d.xml')]);
  assert.equal(real.status, 0, real.stderr);
  assert.equal((real.stdout.match(/^OK {4}bundle/gm) ?? []).length, 9);
  assert.match(real.stdout, /every signature verifies; the last expires 2017-10-10T00:00:00.000Z/);
  const xml = readFileSync(shared('skr', 'skr-root-2017-q3-0-c_to_d.xml'), 'utf8');
  const file = path.join(tempDir(t), 'tampered.xml');
  const parts = xml.split('<Expiration>2017-08-01T00:00:00+00:00</Expiration>');
  assert.equal(parts.length, 2);
  writeFileSync(file, parts.join('<Expiration>2017-08-02T00:00:00+00:00</Expiration>'));
  const bad = cli(['skr', 'verify', file]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /FAIL {2}bundle 2 .*does not cover the bundle's/);
  assert.match(bad.stdout, /the SKR does NOT verify\n$/);
});

test('a rehearsal from the command line: generate a KSR, sign it, chain the next quarter to the SKR, with every check on', (t) => {
  const dir = tempDir(t);
  const ws = path.join(dir, 'workspace');
  const q2 = path.join(dir, 'ksr-2027Q2.xml');
  const gen = cli(['ksr', 'generate', '--workspace', ws, '--quarter', '2027Q2', '--now', '2027-03-15', '--out', q2]);
  assert.equal(gen.status, 0, gen.stderr);
  assert.match(gen.stdout, /rehearsal KSR written: .*\n {2}SHA-256: [0-9a-f]{64}\n {2}words: .*\nid: rehearsal-2027Q2-/);

  const layout = workspaceAt(ws);
  const config = { conf: layout.softhsmConf, tokenDir: layout.tokens, env: { ...process.env, SOFTHSM2_CONF: layout.softhsmConf } };
  const kskToken: TestToken = initToken(config, 'KSK');
  importPem(t, kskToken, shared('keys', 'rsa-2048-1.pem'), 'RSA1');
  const policy = writePolicyFile(t, kskToken, RSA1_KEY, { normal: () => '{publish: ksk_RSA1, sign: ksk_RSA1}' });

  const skr2 = path.join(dir, 'skr-2027Q2.xml');
  const signed = cli(['ksr', 'sign', q2, '--policy', policy, '--out', skr2, '--now', '2027-03-15', '--yes'], kskToken.env);
  assert.equal(signed.status, 0, signed.stderr);
  assert.equal(cli(['skr', 'verify', skr2]).status, 0);

  const q3 = path.join(dir, 'ksr-2027Q3.xml');
  const next = cli(['ksr', 'generate', '--workspace', ws, '--quarter', '2027Q3', '--previous-skr', skr2, '--now', '2027-06-15', '--out', q3]);
  assert.equal(next.status, 0, next.stderr);

  const check = cli(['ksr', 'check', q3, '--previous-skr', skr2, '--policy', policy, '--schema', 'normal', '--now', '2027-06-15', '--json']);
  assert.equal(check.status, 0, check.stdout);
  const statuses = Object.fromEntries((JSON.parse(check.stdout) as { results: { check: string; status: string }[] }).results.map((r) => [r.check, r.status]));
  assert.deepEqual(
    Object.entries(statuses).filter(([, s]) => s !== 'pass'),
    [['KSR-CHAIN-KEYS-HSM', 'skipped']],
  );

  const skr3 = path.join(dir, 'skr-2027Q3.xml');
  const chained = cli(['ksr', 'sign', q3, '--policy', policy, '--previous-skr', skr2, '--out', skr3, '--now', '2027-06-15', '--yes'], kskToken.env);
  assert.equal(chained.status, 0, chained.stderr);
  assert.match(chained.stderr, /PASS {2}KSR-CHAIN-KEYS-HSM: the 1 KSK\(s\) that signed the previous SKR's last bundle are in the HSM/);
  assert.match(chained.stderr, /PASS {2}KSR-POLICY-SAFETY: /);
  assert.ok(existsSync(skr3));

  const taken = cli(['ksr', 'generate', '--workspace', ws, '--quarter', '2027Q4', '--out', q3]);
  assert.equal(taken.status, 3);
  assert.match(taken.stderr, /already exists/);
});
