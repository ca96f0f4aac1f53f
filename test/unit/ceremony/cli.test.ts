import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { scriptHash } from '../../../core/ceremony/hash.js';
import { loadScript } from '../../../core/ceremony/load.js';
import { loadTemplate, templateIds } from '../../../core/ceremony/templates.js';
import { cliInProcess as cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

test('triage prints the procedure, why, and the answers that decided', async () => {
  const { code, stdout } = await cli('triage', '--disaster', 'lost', '--cos', 'yes', '--kmf', 'yes', '--backup', 'no', '--rkshs', 'yes');
  assert.equal(code, 0);
  assert.match(stdout, /^Decision: {3}DR 4\.3\.1 B {2}\(template dr-4\.3\.1B\)$/m);
  assert.match(stdout, /^Now: {8}Run DR 4\.3\.1 B now\.$/m);
  assert.match(stdout, /^Why: .*section 4\.3\.1 B of the DR procedure/m);
  assert.match(stdout, /^Answers: {4}disaster=lost, rkshs=yes, cos=yes, kmf=yes, backup=no$/m);
});

test('triage --json records the answers and, with --deadline, the countdown and its consequence; the time decides', async () => {
  const { code, stdout } = await cli(
    'triage',
    '--disaster',
    'signing',
    '--cos',
    'no',
    '--kmf',
    'yes',
    '--rkshs',
    'no',
    '--deadline',
    '2024-04-10T00:00:00Z',
    '--now',
    '2024-03-20T00:00:00Z',
    '--json',
  );
  assert.equal(code, 0);
  const result = JSON.parse(stdout);
  assert.equal(result.procedure, '4.1.2A');
  assert.equal(result.branch, 'alternate-date', 'with time for it, 4.1.2 A step 2 schedules an alternate date');
  assert.deepEqual(result.questionsAsked, ['disaster', 'prolonged', 'cosAvailable', 'kmfAvailable', 'timeSufficient']);
  assert.deepEqual(result.answers, { disaster: 'signing', prolonged: 'no', cosAvailable: 'no', kmfAvailable: 'yes', timeSufficient: 'yes' });
  assert.deepEqual(result.ignored, ['rkshsAvailable']);
  assert.equal(result.deadline.state, 'sufficient');
  assert.equal(result.deadline.countdown, '21 days 00:00:00 left');
  const prolonged = JSON.parse((await cli('triage', '--disaster', 'signing', '--prolonged', '--cos', 'yes', '--kmf', 'yes', '--json')).stdout);
  assert.equal(prolonged.procedure, '4.1.3');
});

test('triage with 150 days left answers no DR procedure yet for a KMF that can be repaired: reschedule by the due date, triage again when it becomes unavoidable', async () => {
  const { code, stdout } = await cli(
    'triage',
    '--disaster',
    'signing',
    '--cos',
    'yes',
    '--kmf',
    'no',
    '--deadline',
    '2024-08-17T00:00:00Z',
    '--now',
    '2024-03-20T00:00:00Z',
  );
  assert.equal(code, 0);
  assert.match(stdout, /^Decision: {3}No DR procedure yet$/m);
  assert.match(
    stdout,
    /^Now: {8}No DR procedure yet: repair a Key Management Facility \(or move to the other one\) so that the quarterly KSR signing ceremony is held by 2024-08-15T00:00:00\.000Z\. Triage again by 2024-08-01T00:00:00\.000Z: /m,
  );
  assert.match(stdout, /^Answers: .*time=yes \(from the deadline\)$/m);
  assert.doesNotMatch(stdout, /^Next:/m, 'no ceremony to start');
  const late = await cli(
    'triage',
    '--disaster',
    'signing',
    '--cos',
    'yes',
    '--kmf',
    'no',
    '--deadline',
    '2024-08-17T00:00:00Z',
    '--now',
    '2024-08-05T00:00:00Z',
    '--json',
  );
  assert.equal(JSON.parse(late.stdout).procedure, '4.1.1', 'once a ceremony can no longer be convened in time, the procedure');
});

test('triage --prolonged names the procedure needed now and DR 4.1.3 beside it', async () => {
  const { code, stdout } = await cli(
    'triage',
    '--disaster',
    'signing',
    '--cos',
    'no',
    '--kmf',
    'no',
    '--prolonged',
    '--deadline',
    '2024-03-26T00:00:00Z',
    '--now',
    '2024-03-20T00:00:00Z',
  );
  assert.equal(code, 0);
  assert.match(stdout, /^Decision: {3}DR 4\.1\.2 B {2}\(template dr-4\.1\.2B\)$/m);
  assert.match(stdout, /^Also: {7}DR 4\.1\.3, for the prolonged unavailability$/m);
  assert.doesNotMatch(stdout, /Not needed/);
});

test('triage refuses missing and malformed answers as usage errors, naming the option', async () => {
  const missing = await cli('triage', '--disaster', 'compromise', '--cos', 'yes');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Is at least one Key Management Facility available\? Answer with --kmf yes\|no\./);
  const malformed = await cli('triage', '--disaster', 'flood');
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /--disaster takes signing, compromise, lost, not "flood"/);
  assert.equal((await cli('triage', '--disaster', 'lost', '--rkshs', 'maybe')).code, 2);
  assert.match(
    (await cli('triage', '--disaster', 'signing', '--cos', 'yes', '--kmf', 'no', '--now', '2024-01-01T00:00:00Z')).stderr,
    /apply to the deadline \(--deadline, --skr or --workspace\), which is missing/,
  );
  const noTime = await cli('triage', '--disaster', 'signing', '--cos', 'yes', '--kmf', 'no');
  assert.equal(noTime.code, 2);
  assert.match(
    noTime.stderr,
    /Whether there is time to reschedule or repair decides here\. Answer with --skr SKR, --deadline TIME, --workspace DIR \(its current SKR\) or --time sufficient\|insufficient\./,
  );
  assert.equal(
    JSON.parse((await cli('triage', '--disaster', 'signing', '--cos', 'yes', '--kmf', 'no', '--time', 'insufficient', '--json')).stdout).procedure,
    '4.1.1',
  );
  assert.match(
    (await cli('triage', '--disaster', 'signing', '--cos', 'yes', '--kmf', 'no', '--time', 'soon')).stderr,
    /--time takes sufficient or insufficient/,
  );
  assert.match(
    (await cli('triage', '--disaster', 'signing', '--cos', 'yes', '--kmf', 'no', '--time', 'sufficient', '--deadline', '2024-01-01T00:00:00Z')).stderr,
    /Give the time once/,
  );
  assert.match(
    (await cli('triage', '--disaster', 'signing', '--cos', 'yes', '--kmf', 'no', '--deadline', '2024-01-01')).stderr,
    /not a time in ISO 8601 with its zone/,
  );
});

test('script list names every template with the hash of its resolved script', async () => {
  const { code, stdout } = await cli('script', 'list', '--json');
  assert.equal(code, 0);
  const list = JSON.parse(stdout) as { id: string; sha256: string }[];
  assert.deepEqual(
    list.map((t) => t.id),
    templateIds(),
  );
  for (const t of list) assert.equal(t.sha256, scriptHash(loadTemplate(t.id)));
});

test('script show prints the acts and steps, and --yaml the plain document with the same hash', async () => {
  const human = await cli('script', 'show', 'dr-4.1.1');
  assert.equal(human.code, 0);
  assert.match(human.stdout, new RegExp(`sha256 ${scriptHash(loadTemplate('dr-4.1.1'))}`));
  assert.match(human.stdout, /^ {2}4\.1 {3}generate-ksk {2}\[generate-ksk; CA; IW initials; seed 4\.1\.1\.3\]$/m);
  const yaml = await cli('script', 'show', 'dr-4.1.1', '--yaml');
  assert.equal(scriptHash(loadScript(yaml.stdout, 'shown.yaml')), scriptHash(loadTemplate('dr-4.1.1')));
  const missing = await cli('script', 'show', '/nonexistent/script.yaml');
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /No ceremony script at \/nonexistent\/script\.yaml/);
});

test('an operator adapts a template into a file, edits it, and validates it', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'east-ksr-signing.yaml');
  const adapted = await cli('script', 'adapt', 'ksr-signing', '--out', file);
  assert.equal(adapted.code, 0, adapted.stderr);
  const copy = loadScript(readFileSync(file, 'utf8'), file);
  assert.deepEqual(copy.basedOn, { id: 'ksr-signing', version: '1.0', sha256: scriptHash(loadTemplate('ksr-signing')) });
  assert.equal((await cli('script', 'adapt', 'ksr-signing', '--out', file)).code, 3, 'an existing file is never overwritten');

  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace('id: ksr-signing', 'id: east-ksr-signing')
      .replace(/m: 3\n/, 'm: 2\n'),
  );
  const valid = await cli('script', 'validate', file, '--json');
  assert.equal(valid.code, 0, valid.stdout);
  assert.equal(JSON.parse(valid.stdout).valid, true);

  writeFileSync(file, readFileSync(file, 'utf8').replace(/m: 2\n/, 'm: 9\n'));
  const invalid = await cli('script', 'validate', file);
  assert.equal(invalid.code, 3);
  const line =
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('m: 9')) + 1;
  assert.match(
    invalid.stdout,
    new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${line}: quorums\\.co\\.m: quorum co asks for 9 of 7: m cannot exceed n$`, 'm'),
  );
  assert.match(invalid.stdout, /not valid \(1 errors\)$/m);
});
