import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { deadlineStatus } from '../../../core/ceremony/deadline.js';
import { isDrProcedureId, type Disaster } from '../../../core/ceremony/procedures.js';
import { templateIdFor } from '../../../core/ceremony/script.js';
import { triage, type TriageAnswers, type TriageResult } from '../../../core/ceremony/triage.js';
import { repoRoot } from '../../helpers/paths.js';

/**
 * docs/dr-decisions.md is the decision table written from the DR document. This test reads the
 * table from the page itself and drives triage over every combination of answers (disaster × COs ×
 * KMF × backup × RKSHs × prolonged × time): each must match exactly one row, and triage must answer
 * what that row says, whether the time comes from a deadline or from an answer.
 */

const page = readFileSync(path.join(repoRoot, 'docs', 'dr-decisions.md'), 'utf8');

interface Row {
  line: number;
  disaster: string;
  cos: string;
  kmf: string;
  backup: string;
  rkshs: string;
  prolonged: string;
  time: string;
  decision: string;
  branch: string;
  also: string;
  note: string;
}

function tableUnder(heading: string): Row[] {
  const lines = page.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  assert.ok(start >= 0, `the page has the section "${heading}"`);
  const rows: Row[] = [];
  let header: string[] | null = null;
  for (let i = start + 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line.startsWith('## ')) break;
    if (!line.startsWith('|')) {
      if (header && rows.length > 0) break;
      continue;
    }
    const cells = line
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
    if (!header) {
      header = cells;
      continue;
    }
    if (cells.every((c) => /^-+$/.test(c))) continue;
    const [disaster, cos, kmf, backup, rkshs, prolonged, time, decision, branch, also, note] = cells as [string, ...string[]];
    rows.push({ line: i + 1, disaster, cos, kmf, backup, rkshs, prolonged, time, decision, branch, also, note } as Row);
  }
  assert.deepEqual(header, ['disaster', 'COs', 'KMF', 'backup', 'RKSHs', 'prolonged', 'time', 'decision', 'branch', 'also', 'note']);
  return rows;
}

const rows = tableUnder('## The decision table');

interface Combination {
  disaster: Disaster;
  cos: boolean;
  kmf: boolean;
  backup: boolean;
  rkshs: boolean;
  prolonged: boolean;
  time: boolean;
}

function* everyCombination(): Generator<Combination> {
  for (const disaster of ['signing', 'compromise', 'lost'] as const) {
    for (let bits = 0; bits < 64; bits++) {
      const [cos, kmf, backup, rkshs, prolonged, time] = [0, 1, 2, 3, 4, 5].map((i) => Boolean(bits & (1 << i))) as boolean[];
      yield { disaster, cos, kmf, backup, rkshs, prolonged, time } as Combination;
    }
  }
}

const yesNo = (cell: string, value: boolean) => cell === 'any' || cell === (value ? 'yes' : 'no');
const matches = (r: Row, c: Combination) =>
  r.disaster === c.disaster &&
  yesNo(r.cos, c.cos) &&
  yesNo(r.kmf, c.kmf) &&
  yesNo(r.backup, c.backup) &&
  yesNo(r.rkshs, c.rkshs) &&
  yesNo(r.prolonged, c.prolonged) &&
  (r.time === 'any' || r.time === (c.time ? 'sufficient' : 'insufficient'));

const answersOf = (c: Combination): TriageAnswers => ({
  disaster: c.disaster,
  cosAvailable: c.cos,
  kmfAvailable: c.kmf,
  backupAvailable: c.backup,
  rkshsAvailable: c.rkshs,
  // The command line and the wizard answer "no" for a signing disaster unless asked; the others never ask.
  prolonged: c.prolonged,
});

/** A deadline that leaves, or does not leave, the lead time before the SKR is due. */
const expiry = new Date('2030-06-30T00:00:00Z');
const deadlineFor = (sufficient: boolean) => deadlineStatus(expiry, new Date(sufficient ? '2030-05-01T00:00:00Z' : '2030-06-20T00:00:00Z'));

function assertRow(row: Row, result: TriageResult, what: string): void {
  const at = `${what}: docs/dr-decisions.md:${row.line}`;
  if (row.decision === 'reschedule') {
    assert.equal(result.decision, 'reschedule', at);
    assert.equal(result.procedure, null, at);
    assert.match(result.next, /^No DR procedure yet: /, at);
  } else {
    assert.equal(result.decision, 'procedure', at);
    assert.equal(result.procedure, row.decision, at);
    assert.ok(row.decision === 'ksr-signing' || isDrProcedureId(row.decision), `${at}: "${row.decision}" is a procedure`);
  }
  assert.equal(result.branch, row.branch === '—' ? null : row.branch, `${at}: branch`);
  assert.equal(result.plan, row.also === '—' ? null : row.also, `${at}: also`);
  assert.equal(result.template, result.procedure ? templateIdFor(result.procedure) : result.plan ? templateIdFor(result.plan) : null, `${at}: template`);
  assert.equal(result.interpretation !== null, row.note !== '—', `${at}: an interpretation exactly where the table notes one`);
  assert.equal(result.questionsAsked.includes('timeSufficient'), row.time !== 'any', `${at}: the time is weighed exactly where the table splits on it`);
}

test('every combination of answers matches exactly one row of the decision table, and triage answers what the row says', () => {
  const used = new Set<Row>();
  const noteTexts = new Map<string, string>();
  let count = 0;
  for (const c of everyCombination()) {
    const found = rows.filter((r) => matches(r, c));
    assert.equal(found.length, 1, `exactly one row for ${JSON.stringify(c)} (found lines ${found.map((r) => r.line).join(', ') || 'none'})`);
    const row = found[0] as Row;
    used.add(row);
    const byAnswer = triage({ ...answersOf(c), timeSufficient: c.time });
    assertRow(row, byAnswer, `${JSON.stringify(c)}, time answered`);
    const byDeadline = triage(answersOf(c), { deadline: deadlineFor(c.time) });
    assertRow(row, byDeadline, `${JSON.stringify(c)}, time from the deadline`);
    if (byDeadline.time) assert.equal(byDeadline.time.source, 'deadline');
    if (byDeadline.decision === 'reschedule') {
      const d = deadlineFor(c.time);
      assert.ok(byDeadline.next.includes(`held by ${d.skrDue}`) && byDeadline.next.includes(`Triage again by ${d.unavoidableAt}`), byDeadline.next);
    }
    if (row.note !== '—') {
      const text = byAnswer.interpretation as string;
      assert.equal(noteTexts.get(row.note) ?? text, text, `${row.note} is one interpretation wherever the table cites it`);
      noteTexts.set(row.note, text);
    }
    count++;
  }
  assert.equal(count, 3 * 64);
  assert.deepEqual(
    rows.filter((r) => !used.has(r)).map((r) => r.line),
    [],
    'no row of the table is unreachable',
  );
  assert.equal(new Set(noteTexts.values()).size, noteTexts.size, 'different notes are different interpretations');
  for (const note of noteTexts.keys()) assert.match(page, new RegExp(`^- \\*\\*${note}[.,]`, 'm'), `the page explains ${note} under "Interpretations"`);
});

test('every procedure of the document, and every branch triage can decide, appears in the table', () => {
  const decisions = new Set(rows.map((r) => r.decision));
  for (const id of [
    '4.1.1',
    '4.1.2A',
    '4.1.2B',
    '4.1.3',
    '4.2.1A',
    '4.2.1B',
    '4.2.2A',
    '4.2.2B',
    '4.3.1A',
    '4.3.1B',
    '4.3.1C',
    '4.3.2A',
    '4.3.2B',
    'ksr-signing',
    'reschedule',
  ]) {
    assert.ok(decisions.has(id), `${id} has a row`);
  }
  assert.deepEqual([...new Set(rows.map((r) => r.branch))].sort(), ['alternate-date', 'cos-absent', 'cos-present', 'proceed-now', '—']);
});

test('a deadline that contradicts the time answered is refused, naming the deadline', () => {
  assert.throws(
    () => triage({ disaster: 'signing', prolonged: false, cosAvailable: true, kmfAvailable: false, timeSufficient: true }, { deadline: deadlineFor(false) }),
    /contradicts the deadline of the current SKR: There is not sufficient time/,
  );
});
