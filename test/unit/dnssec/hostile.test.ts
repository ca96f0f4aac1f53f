import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { checkNames } from '../../../core/dnssec/checkNames.js';
import { checkKsr, failuresOf } from '../../../core/dnssec/checks.js';
import { parseKsr, parseSkr } from '../../../core/dnssec/ksrParse.js';
import { definePolicy } from '../../../core/dnssec/policy.js';
import { isKskError } from '../../../core/errors.js';
import { repoRoot, shared } from '../../helpers/paths.js';

interface Case {
  file: string;
  shared?: boolean;
  parse?: string;
  checks?: Record<string, string>;
  previous?: string;
  now?: string;
}

const corpus = path.join(repoRoot, 'test', 'fixtures', 'hostile');
const { cases } = JSON.parse(readFileSync(path.join(corpus, 'manifest.json'), 'utf8')) as { cases: Case[] };
const policy = definePolicy({ keys: [] });

test('the hostile corpus covers entity expansion, external entities, truncation and every check a KSR and SKR(n-1) can fail', () => {
  const files = cases.map((c) => c.file);
  for (const f of ['billion-laughs.xml', 'external-entity.xml', 'external-dtd.xml', 'truncated.xml']) assert.ok(files.includes(f), f);
  const named = new Set(cases.flatMap((c) => Object.keys(c.checks ?? {})));
  const needInputsBeyondAKsr = ['KSR-PREVIOUS', 'KSR-CHAIN-KEYS-HSM', 'KSK-KEY-USE', 'KSR-POLICY-SAFETY', 'SKR-VERIFY'];
  for (const check of checkNames.filter((n) => !needInputsBeyondAKsr.includes(n))) {
    assert.ok(named.has(check), check);
  }
});

for (const c of cases) {
  test(`hostile KSR ${c.file} fails cleanly`, async () => {
    const bytes = readFileSync(c.shared ? shared('ksr', c.file) : path.join(corpus, c.file));
    if (c.parse) {
      assert.throws(
        () => parseKsr(bytes),
        (e) => isKskError(e) && e.code === 'BAD_INPUT_FILE' && new RegExp(c.parse as string).test(e.message),
      );
      return;
    }
    const ksr = parseKsr(bytes);
    const results = await checkKsr(ksr, {
      policy,
      now: c.now ?? '2017-12-01T00:00:00Z',
      ...(c.previous ? { previousSkr: parseSkr(readFileSync(shared(c.previous))) } : {}),
    });
    const failures = failuresOf(results);
    for (const [check, message] of Object.entries(c.checks ?? {})) {
      const mine = failures.filter((r) => r.check === check);
      assert.ok(mine.length > 0, `${check} did not fail; failures: ${failures.map((r) => r.message).join(' | ')}`);
      assert.ok(
        mine.some((r) => new RegExp(message).test(r.message)),
        `${check} failed with: ${mine.map((r) => r.message).join(' | ')}`,
      );
    }
  });
}

test('a 50 MB KSR is refused as too large before any parsing', () => {
  const head = Buffer.from('<KSR id="x" domain="." serial="0"><Request>');
  const big = Buffer.alloc(50 * 1024 * 1024, ' ');
  head.copy(big);
  const started = process.hrtime.bigint();
  assert.throws(() => parseKsr(big), /too large \(52428800 bytes; the limit is 10485760\)/);
  assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 100, 'refused at once');
});

test('the limits are the caller’s to set: a smaller cap refuses a real KSR', () => {
  const bytes = readFileSync(shared('ksr', 'ksr-root-2018-q1-0-d_to_e.xml'));
  assert.throws(() => parseKsr(bytes, { maxBytes: 1000, maxDepth: 16 }), /too large/);
  assert.throws(() => parseKsr(bytes, { maxBytes: 1e6, maxDepth: 4 }), /nested more than 4 deep at line \d+/);
});
