import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cliInProcess as cli } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/paths.js';

/** The conventions of git and openssl, for the ksk-ceremony command and the browser host. */

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

test('--version prints the name and version on stdout, exit 0; with --json as JSON', async () => {
  assert.deepEqual(await cli('--version'), { code: 0, stdout: `ksk-ceremony ${version}\n`, stderr: '' });
  assert.deepEqual(JSON.parse((await cli('--version', '--json')).stdout), { name: 'ksk-ceremony', version });
});

test('help asked for goes to stdout with exit 0; help COMMAND gives that command its usage', async () => {
  for (const asked of [['--help'], ['-h'], ['help']]) {
    const { code, stdout, stderr } = await cli(...asked);
    assert.equal(code, 0, asked.join(' '));
    assert.match(stdout, /^usage: ksk-ceremony COMMAND/m);
    assert.match(stdout, /^ {2}ksr check /m);
    assert.equal(stderr, '');
  }
  const hash = await cli('help', 'hash');
  assert.equal(hash.code, 0);
  assert.match(hash.stdout, /^usage: ksk-ceremony hash FILE/m);
  assert.match((await cli('hash', '--help')).stdout, /^usage: ksk-ceremony hash FILE/m);
});

test('a bare invocation prints the usage to stderr and exits 2; so does an unknown command, nothing on stdout', async () => {
  const bare = await cli();
  assert.equal(bare.code, 2);
  assert.equal(bare.stdout, '');
  assert.match(bare.stderr, /^usage: ksk-ceremony COMMAND/m);
  const unknown = await cli('frobnicate');
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

test('under --json an error is one JSON document on stderr with its code and exit code', async () => {
  const missing = await cli('hash', path.join(repoRoot, 'no-such-file'), '--json');
  assert.notEqual(missing.code, 0);
  assert.notEqual(missing.code, 70, 'a missing file is not an internal error');
  assert.equal(missing.stdout, '');
  const error = JSON.parse(missing.stderr) as { error: { code: string; message: string }; exitCode: number };
  assert.equal(error.exitCode, missing.code);
  assert.match(error.error.message, /no-such-file/);
  const usage = JSON.parse((await cli('hash', '--json')).stderr) as { error: { code: string; message: string }; exitCode: number };
  assert.deepEqual([usage.error.code, usage.exitCode], ['BAD_REQUEST', 2]);
  assert.match(usage.error.message, /usage: ksk-ceremony hash/);
  assert.equal(JSON.parse((await cli('frobnicate', '--json')).stderr).exitCode, 2);
  // Without --json, the same error is one line of text.
  assert.match((await cli('hash')).stderr, /^ksk-ceremony: hash takes exactly one FILE/);
});

function node(script: string, ...args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, 'dist', script), ...args], { encoding: 'utf8', timeout: 30_000 });
}

const stackTrace = /^\s+at .+:\d+:\d+\)?$/m;

test('every entry point answers --help on stdout with exit 0, and a bad option with its usage on stderr and exit 2, never a stack trace', () => {
  for (const script of ['core/cli/main.js', 'browser-host/main.js']) {
    const help = node(script, '--help');
    assert.equal(help.status, 0, `${script} --help: ${help.stderr}`);
    assert.match(help.stdout, /usage: /);
    assert.doesNotMatch(help.stdout + help.stderr, stackTrace);
    const bad = node(script, '--no-such-option');
    assert.equal(bad.status, 2, `${script} --no-such-option`);
    assert.match(bad.stderr, /usage: |--help/);
    assert.doesNotMatch(bad.stdout + bad.stderr, stackTrace);
  }
  const port = node('browser-host/main.js', '--port', 'eighty');
  assert.equal(port.status, 2);
  assert.match(port.stderr, /--port takes a port number/);
  assert.equal(node('browser-host/main.js', '--version').stdout, `ksk-ceremony ${version}\n`);
});
