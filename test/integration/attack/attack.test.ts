import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../helpers/tmp.js';
import { killedRehearsal, rehearse } from './fixtures.js';
import { crashTable, runCrashSuite, runTamperSuite, tamperTable } from './suites.js';

/** A seeded sample of every class of the attack and crash suites (the full runs: npm run test:attack). */
test('attack and crash suites, a seeded sample of every class: every trial detected, no acknowledged event lost', async (t) => {
  const scratch = tempDir(t, 'ksk-attack-');
  const sealed = path.join(scratch, 'sealed');
  rehearse(sealed);
  const open = path.join(scratch, 'open');
  assert.ok(await killedRehearsal(sealed, open, { afterCheckpoints: 40 }), 'the rehearsal was killed with its ceremony open');

  const tamper = await runTamperSuite({ sealed, open, scratch: path.join(scratch, 'tamper'), perClass: 4, sqlEdits: 12, seed: 18 });
  t.diagnostic(`\n${tamperTable(tamper)}`);
  for (const r of tamper) {
    assert.ok(r.trials > 0, `${r.name}: no trial ran`);
    assert.deepEqual(r.missed, [], r.name);
  }

  const crash = await runCrashSuite({ base: sealed, scratch: path.join(scratch, 'crash'), kills: 3, seed: 18, span: 90 });
  t.diagnostic(`\n${crashTable(crash)}`);
  assert.ok(crash.kills >= 1, 'at least one rehearsal was killed');
  assert.deepEqual(crash.failures, []);
  assert.equal(crash.acknowledgedLost, 0);
  assert.equal(crash.resumedExact, crash.kills);
});
