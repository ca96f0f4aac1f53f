import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readRegularFileSync } from '../../../core/system/inputFiles.js';
import { cliPath, shared } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

/** Inputs that are not what they claim, through the real command: refused by name, fast, never INTERNAL (70). */

function cli(args: string[]) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { ...run, ms: Date.now() - started };
}

function refused(run: ReturnType<typeof cli>, pattern: RegExp): void {
  assert.equal(run.signal, null, `killed after ${run.ms} ms: it hung`);
  assert.equal(run.status, 3, run.stderr);
  assert.match(run.stderr, pattern);
  assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
  assert.ok(run.ms < 10_000, `took ${run.ms} ms`);
}

test('ksr check /dev/zero is refused as a device before a byte is read', () => {
  refused(cli(['ksr', 'check', '/dev/zero']), /^ksk-ceremony: The KSR \/dev\/zero is a character device, not a regular file: only regular files are read\.\n$/);
});

test('a FIFO is refused by name instead of blocking forever; so is a folder', (t) => {
  const dir = tempDir(t);
  const fifo = path.join(dir, 'ksr.xml');
  const made = spawnSync('mkfifo', [fifo]);
  assert.equal(made.status, 0, String(made.stderr));
  refused(cli(['ksr', 'check', fifo]), /The KSR \S+ksr\.xml is a FIFO \(named pipe\), not a regular file/);
  refused(cli(['skr', 'verify', fifo]), /The SKR \S+ksr\.xml is a FIFO \(named pipe\), not a regular file/);
  refused(cli(['hash', fifo]), /is a FIFO \(named pipe\), not a regular file/);
  const folder = path.join(dir, 'folder.xml');
  mkdirSync(folder);
  refused(cli(['ksr', 'check', folder]), /The KSR \S+folder\.xml is a folder, not a regular file/);
  refused(cli(['script', 'validate', folder]), /The ceremony script \S+folder\.xml is a folder, not a regular file/);
});

test('a 70 kB PublicKey is refused as longer than the DNS wire format holds, not "internal error ... out of range"', (t) => {
  const xml = readFileSync(shared('ksr', 'ksr-root-2017-q2-0.xml'), 'utf8');
  const huge = Buffer.alloc(70 * 1024, 7).toString('base64');
  const edited = xml.replace(/<PublicKey>[^<]+<\/PublicKey>/, `<PublicKey>${huge}</PublicKey>`);
  assert.notEqual(edited, xml);
  const file = path.join(tempDir(t), 'huge-key.xml');
  writeFileSync(file, edited);
  refused(cli(['ksr', 'check', file]), /<PublicKey> has 71680 bytes; the DNS wire format holds at most 65531 here/);
});

test('the cap counts the bytes read, not the size stat claims (/proc files say 0)', () => {
  assert.equal(statSync('/proc/self/maps').size, 0);
  assert.throws(
    () => readRegularFileSync('/proc/self/maps', 'KSR', 16),
    /^KskError: The KSR \/proc\/self\/maps is too large \(more than 16 bytes were read; the limit is 16\)\.$/,
  );
  assert.ok(readRegularFileSync('/proc/self/maps', 'KSR', 1024 * 1024).length > 16);
});
