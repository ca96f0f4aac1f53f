import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkKeyLabel, rootStyleLabel, rootStyleLabelTime } from '../../../core/hsm/label.js';

test('root-style labels reproduce the root KSKs: Kjqmt7v (KSK-2010) and Klajeyz (KSK-2017) decode to their ceremony days', () => {
  assert.equal(rootStyleLabelTime('Kjqmt7v')?.toISOString().slice(0, 10), '2010-06-16');
  assert.equal(rootStyleLabelTime('Klajeyz')?.toISOString().slice(0, 10), '2016-10-27');
  assert.equal(rootStyleLabel(rootStyleLabelTime('Kjqmt7v') as Date), 'Kjqmt7v');
  assert.equal(rootStyleLabel(rootStyleLabelTime('Klajeyz') as Date), 'Klajeyz');
});

test('a root-style label is K and 6 base32 characters, and moves every 4 seconds', () => {
  const at = new Date('2026-01-15T12:00:00Z');
  const label = rootStyleLabel(at);
  assert.match(label, /^K[a-z2-7]{6}$/);
  assert.equal(rootStyleLabel(new Date(at.getTime() + 3999)), label);
  assert.notEqual(rootStyleLabel(new Date(at.getTime() + 4000)), label);
  assert.equal(rootStyleLabelTime('not-a-label'), null);
});

test('labels are printable ASCII of at most 32 characters, without surrounding spaces', () => {
  assert.equal(checkKeyLabel('RSA1'), 'RSA1');
  assert.equal(checkKeyLabel('KSK 2024 a'), 'KSK 2024 a');
  for (const bad of ['', ' K', 'K ', 'x'.repeat(33), 'K\u00e9', 'K\n1']) assert.throws(() => checkKeyLabel(bad), /label/);
});
