import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { provisionRehearsalToken } from '../../../native/rehearsal.js';
import { cliPath } from '../../helpers/paths.js';
import { SOFTHSM_MODULE, softhsmToken, type TestToken } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';

function cli(args: string[], env: NodeJS.ProcessEnv, input = '') {
  const r = spawnSync(process.execPath, [cliPath, ...args], { env, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tokenArgs = (token: TestToken) => ['--module', SOFTHSM_MODULE, '--token', token.label, '--pin-env', 'KSK_PIN'];
const envOf = (token: TestToken, pin = token.userPin) => ({ ...token.env, KSK_PIN: pin });

test('ksk-ceremony hsm list shows the token with its serial, model and manufacturer', (t) => {
  const token = softhsmToken(t, 'LISTED');
  const human = cli(['hsm', 'list', '--module', SOFTHSM_MODULE], token.env);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /token "LISTED"\n\s+serial [0-9a-f]+, model SoftHSM v2, manufacturer SoftHSM project, firmware/);
  assert.match(
    human.stdout,
    /\n {4}can: generate:RSASHA256, sign:RSASHA256, .*backup-by-wrapping, restore-from-backup, split-pin-activation\n {4}cannot: - \(everything the app uses is offered\)/,
  );
  const json = JSON.parse(cli(['hsm', 'list', '--module', SOFTHSM_MODULE, '--json'], token.env).stdout) as {
    modules: { module: { slots: { token: { label: string } | null; capabilities: { id: string; supported: boolean }[] | null }[] } }[];
  };
  const listed = json.modules[0]?.module.slots.find((s) => s.token?.label === 'LISTED');
  assert.equal(listed?.capabilities?.find((c) => c.id === 'backup-by-wrapping')?.supported, true);
  const bad = cli(['hsm', 'list', '--module', '/nonexistent.so'], token.env);
  assert.equal(bad.code, 4);
  assert.match(bad.stderr, /^ksk-ceremony: There is no PKCS#11 module at \/nonexistent\.so\.\n$/);
});

test('ksk-ceremony key generate prints label, DNSKEY, key tag and DS in hex and PGP words; list and delete follow', (t) => {
  const token = softhsmToken(t);
  const generated = cli(['key', 'generate', ...tokenArgs(token), '--algorithm', 'ecdsap384sha384', '--label', 'Kcli001'], envOf(token));
  assert.equal(generated.code, 0, generated.stderr);
  assert.match(generated.stdout, /^label:\s+Kcli001$/m);
  assert.match(generated.stdout, /^DNSKEY:\s+\. 172800 IN DNSKEY 257 3 14 \S+$/m);
  const tag = /^key tag:\s+(\d+)$/m.exec(generated.stdout)?.[1];
  assert.match(generated.stdout, new RegExp(`^DS:\\s+\\. IN DS ${tag} 14 2 [0-9A-F]{64}$`, 'm'));
  assert.match(generated.stdout, /^DS words:\s+(\S+ ){31}\S+$/m);

  const rsa = JSON.parse(cli(['key', 'generate', ...tokenArgs(token), '--size', '3072', '--json'], envOf(token)).stdout) as {
    key: { label: string };
    keySizeBits: number;
    summary: { keyTag: number };
  };
  assert.equal(rsa.keySizeBits, 3072);
  assert.match(rsa.key.label, /^K[a-z2-7]{6}$/);

  const listed = JSON.parse(cli(['key', 'list', ...tokenArgs(token), '--json'], envOf(token)).stdout) as { keys: { label: string; keyTag: number }[] };
  assert.deepEqual(listed.keys.map((k) => k.label).sort(), ['Kcli001', rsa.key.label].sort());
  assert.equal(listed.keys.find((k) => k.label === 'Kcli001')?.keyTag, Number(tag));

  const declined = cli(['key', 'delete', ...tokenArgs(token), '--label', 'Kcli001'], envOf(token), 'no\n');
  assert.equal(declined.code, 6);
  assert.match(declined.stderr, /nothing was destroyed/);
  const confirmed = cli(['key', 'delete', ...tokenArgs(token), '--label', 'Kcli001', '--json'], envOf(token), 'Kcli001\n');
  assert.equal(confirmed.code, 0, confirmed.stderr);
  assert.equal((JSON.parse(confirmed.stdout) as { remainingObjects: number }).remainingObjects, 0);
  const deleted = cli(['key', 'delete', ...tokenArgs(token), '--label', rsa.key.label, '--yes'], envOf(token));
  assert.match(deleted.stdout, /0 object\(s\) labelled .* remain/);
  assert.match(cli(['key', 'list', ...tokenArgs(token)], envOf(token)).stdout, /^No keys on token "TEST"\.$/m);
});

test('ksk-ceremony key commands fail with distinct exit codes and no stack trace', (t) => {
  const token = softhsmToken(t);
  const wrongPin = cli(['key', 'list', ...tokenArgs(token)], envOf(token, '0000'));
  assert.equal(wrongPin.code, 4);
  assert.match(wrongPin.stderr, /CKR_PIN_INCORRECT/);
  assert.doesNotMatch(wrongPin.stderr, /\n\s+at /);
  assert.equal(cli(['key', 'list', '--module', SOFTHSM_MODULE, '--pin-env', 'KSK_PIN'], envOf(token)).code, 2);
  assert.equal(cli(['key', 'generate', ...tokenArgs(token), '--algorithm', 'ED25519', '--size', '2048'], envOf(token)).code, 2);
  assert.equal(cli(['key', 'generate', ...tokenArgs(token), '--size', '1024'], envOf(token)).code, 2);
  assert.equal(cli(['key', 'delete', ...tokenArgs(token), '--label', 'Knone', '--yes'], envOf(token)).code, 4);
  assert.match(cli(['key', 'list', ...tokenArgs(token)], { ...token.env }).stderr, /the variable KSK_PIN is not set/);
});

test('with --workspace, the SoftHSM2 module finds the workspace rehearsal token', async (t) => {
  const workspace = tempDir(t);
  const rehearsal = await provisionRehearsalToken(workspace);
  const env: NodeJS.ProcessEnv = { ...process.env, KSK_PIN: rehearsal.userPin };
  delete env.SOFTHSM2_CONF;
  const r = cli(
    [
      'key',
      'generate',
      '--workspace',
      workspace,
      '--module',
      rehearsal.modulePath,
      '--token',
      'REHEARSAL',
      '--pin-env',
      'KSK_PIN',
      '--algorithm',
      'ED25519',
      '--json',
    ],
    env,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { key: { algorithm: number } }).key.algorithm, 15);
});
