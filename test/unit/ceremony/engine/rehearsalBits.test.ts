import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { castFor } from '../../../../core/ceremony/engine/rehearsal/cast.js';
import { RehearsalClock } from '../../../../core/ceremony/engine/rehearsal/clock.js';
import { signaturePng } from '../../../../core/ceremony/engine/rehearsal/png.js';
import { firstCeremonyScript } from '../../../../core/ceremony/engine/rehearsal/rehearse.js';
import { loadScript } from '../../../../core/ceremony/load.js';
import { runCli } from '../../../../core/cli/main.js';
import { shared } from '../../../helpers/paths.js';

test("a simulated participant's signature is a real PNG of their own", () => {
  const a = signaturePng('Ada Administrator');
  const b = signaturePng('Ines Witness');
  assert.ok(a.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])));
  assert.equal(a.readUInt32BE(16), 160);
  assert.equal(a.readUInt32BE(20), 48);
  const pixels = PNG.sync.read(a).data;
  assert.equal(pixels.length, 48 * 160 * 4);
  assert.ok(pixels.includes(0), 'there is ink');
  assert.ok(pixels.includes(255), 'there is paper');
  assert.ok(!a.equals(b));
});

test('the cast has seven Crypto Officers and seven RKSHs with stable ids', () => {
  assert.deepEqual(
    castFor('CO').map((p) => p.personId),
    ['co-1', 'co-2', 'co-3', 'co-4', 'co-5', 'co-6', 'co-7'],
  );
  assert.equal(castFor('RKSH').length, 7);
  assert.equal(castFor('IW')[0]?.personId, 'iw');
});

test('the rehearsal clock runs and only moves forward', () => {
  const clock = new RehearsalClock(new Date('2030-01-01T00:00:00Z'));
  assert.ok(Math.abs(clock.now().getTime() - Date.parse('2030-01-01T00:00:00Z')) < 1000);
  clock.advanceTo(new Date('2031-01-01T00:00:00Z'));
  clock.advanceTo(new Date('2030-06-01T00:00:00Z'));
  assert.ok(clock.now().getTime() >= Date.parse('2031-01-01T00:00:00Z'));
});

test("the world's first ceremony is the KSK generation template, adapted to commission HSM1, and it validates", () => {
  const script = loadScript(firstCeremonyScript(), 'rehearsal-first-ksk-generation.yaml');
  assert.equal(script.procedure, 'ksk-generation');
  const kinds = script.acts.flatMap((a) => a.steps.map((s) => s.action.kind));
  assert.ok(kinds.includes('hsm-initialize'));
  assert.ok(kinds.includes('generate-ksk') && kinds.includes('backup-ksk'));
});

test('triage --skr counts down to the last RRSIG of the SKR given', async () => {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const argv = [
    'triage',
    '--disaster',
    'lost',
    '--rkshs',
    'no',
    '--kmf',
    'yes',
    '--cos',
    'no',
    '--skr',
    shared('skr', 'skr-root-2018-q1-0-d_to_e.xml'),
    '--now',
    '2018-04-01T00:00:00Z',
    '--json',
  ];
  const code = await runCli(argv, { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {} });
  assert.equal(code, 0);
  const result = JSON.parse(Buffer.concat(chunks).toString());
  assert.equal(result.procedure, '4.3.2A');
  assert.equal(result.branch, 'cos-absent');
  assert.deepEqual(result.time, { sufficient: false, source: 'deadline', holdBy: '2018-04-10T00:00:00.000Z', unavoidableAt: '2018-03-27T00:00:00.000Z' });
  assert.equal(result.currentSkr.id, '4fe9bb10-6f6b-4503-8575-7824e2d66925');
  assert.equal(result.deadline.lastExpiration, '2018-04-12T00:00:00.000Z');
  assert.equal(result.deadline.state, 'insufficient');
  const both = await runCli([...argv.slice(0, -1), '--deadline', '2018-04-12T00:00:00Z'], {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    env: {},
  });
  assert.equal(both, 2);
});
