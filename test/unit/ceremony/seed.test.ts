import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drProcedureIds, drProcedures, parseSeedStep, procedureTitle, disasterHeading } from '../../../core/ceremony/procedures.js';
import { parseSeed } from './seedText.js';

const seed = parseSeed();

test('the seed has exactly the thirteen procedures of the catalogue', () => {
  assert.deepEqual([...seed.steps.keys()].sort(), [...drProcedureIds].sort());
});

test('every step of every procedure is the seed’s own wording, in the seed’s numbering', () => {
  for (const id of drProcedureIds) {
    assert.deepEqual(drProcedures[id].steps, seed.steps.get(id), `steps of ${id}`);
  }
});

test('the headings of each procedure are the seed’s', () => {
  const title = (id: string) => seed.headings.find((h) => h.id === id)?.title;
  for (const id of drProcedureIds) {
    const { disaster, section, headings } = drProcedures[id];
    assert.equal(headings.disaster, title(disasterHeading(disaster).number), `disaster heading of ${id}`);
    assert.equal(headings.section, title(section), `section heading of ${id}`);
    assert.equal(headings.variant, drProcedures[id].variant ? title(id) : null, `variant heading of ${id}`);
    assert.ok(procedureTitle(id).startsWith(headings.disaster));
  }
});

test('seed step references are parsed, and refused beyond a procedure’s last step', () => {
  assert.deepEqual(parseSeedStep('4.2.1A.8'), { procedure: '4.2.1A', number: 8 });
  assert.deepEqual(parseSeedStep('4.1.3.7'), { procedure: '4.1.3', number: 7 });
  assert.equal(parseSeedStep('4.2.1A.9'), null);
  assert.equal(parseSeedStep('4.2.1.1'), null, '4.2.1 has variants A and B only');
  assert.equal(parseSeedStep('4.1.1A.1'), null);
  assert.equal(parseSeedStep('4.3.1C.0'), null);
});
