import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { FollowUpKind } from '../../../core/ceremony/actions.js';
import { scriptHash } from '../../../core/ceremony/hash.js';
import { checkScript, loadScript, scriptFromValue } from '../../../core/ceremony/load.js';
import { drProcedureIds, type DrProcedureId } from '../../../core/ceremony/procedures.js';
import { actApplies, branchPaths } from '../../../core/ceremony/branches.js';
import { participantRoles, scriptSteps, type Act, type Script, type Step } from '../../../core/ceremony/script.js';
import { loadTemplate, templateIds } from '../../../core/ceremony/templates.js';
import { scriptToYaml } from '../../../core/ceremony/write.js';
import { resourcePath } from '../../../core/resources.js';
import { parseSeed } from './seedText.js';

const seed = parseSeed();
const normal = (text: string) => text.replace(/\s+/g, ' ').trim();
const steps = (script: Script): Step[] => [...scriptSteps(script)].map((s) => s.step);
const ceremonySteps = (script: Script): Step[] => [...scriptSteps(script)].filter((s) => s.act.phase === 'ceremony').map((s) => s.step);
const actOf = (script: Script, step: Step): Act => script.acts.find((a) => a.steps.includes(step)) as Act;

test('the templates are the standard ceremonies, the extraordinary ceremony, the RRSIG release and the thirteen DR procedures', () => {
  assert.deepEqual(templateIds(), ['ksr-signing', 'ksk-generation', 'extraordinary', 'rrsig-release', ...drProcedureIds.map((id) => `dr-${id}`)]);
});

for (const id of templateIds()) {
  test(`template ${id} is valid without warnings and resolves to a plain document`, () => {
    const file = resourcePath('scripts', `${id}.yaml`);
    const { script, issues, sha256 } = checkScript(readFileSync(file, 'utf8'), file);
    assert.deepEqual(issues, []);
    assert.ok(script && sha256);
    assert.equal(script.id, id);
    const json = JSON.stringify(script);
    assert.doesNotMatch(json, /\{\{|"include"/, 'no include or parameter is left');
    assert.equal(scriptHash(loadScript(scriptToYaml(script), 'copy.yaml')), sha256, 'the same hash through YAML');
    assert.equal(scriptHash(scriptFromValue(JSON.parse(json))), sha256, 'the same hash through JSON');
  });
}

/** The key each procedure signs with, read from the wording of its steps. */
function seedSigningKey(texts: string[]): 'temporary' | 'new' | 'reconstructed' | 'existing' {
  const all = texts.join(' ');
  if (/Generate a temporary KSK/.test(all)) return 'temporary';
  if (/Generate a new KSK/.test(all)) return 'new';
  if (/Reconstruct the existing KSK/.test(all)) return 'reconstructed';
  return 'existing';
}

/** Follow-ups named by the seed's steps. */
function seedFollowUps(texts: string[]): Set<FollowUpKind> {
  const all = texts.join(' ');
  const kinds = new Set<FollowUpKind>();
  if (/extraordinary Key Ceremony/.test(all)) kinds.add('extraordinary-ceremony');
  if (/RFC 5011/.test(all)) kinds.add('rfc5011-rollover');
  if (/distribute (appropriate )?credentials/.test(all)) kinds.add('distribute-credentials');
  if (/new keys for the safe deposit box/.test(all)) kinds.add('replace-safe-deposit-keys');
  if (/compromised (HSMs|hardware)/.test(all)) kinds.add('replace-hardware');
  if (/Provide RRSIGs to RZM/.test(all)) kinds.add('release-rrsigs');
  if (/Schedule an alternate date for the Key Ceremony/.test(all)) kinds.add('rescheduled-ceremony');
  return kinds;
}

/** From the decision table: procedures run without the Crypto Officers in the room. */
const withoutCos: readonly DrProcedureId[] = ['4.1.2A', '4.1.2B', '4.2.2A', '4.2.2B', '4.3.2A', '4.3.2B'];

for (const procedure of drProcedureIds) {
  const seedSteps = seed.steps.get(procedure) as string[];
  const script = () => loadTemplate(`dr-${procedure}`);

  test(`dr-${procedure} carries out every step of the seed, in order, opening with the seed's words`, () => {
    const all = steps(script());
    let previous = -1;
    seedSteps.forEach((text, i) => {
      const ref = `${procedure}.${i + 1}`;
      const first = all.findIndex((s) => s.seedStep === ref);
      assert.ok(first >= 0, `seed step ${ref} is carried out`);
      assert.ok(first > previous, `seed step ${ref} comes after the one before it`);
      assert.ok(normal((all[first] as Step).text).startsWith(normal(text)), `step ${(all[first] as Step).number} quotes seed step ${ref}`);
      previous = first;
    });
    assert.ok(all.every((s) => !s.seedStep || s.seedStep.startsWith(`${procedure}.`)));
  });

  test(`dr-${procedure} signs the SKR with the key the seed names, in the HSM it names`, () => {
    const s = script();
    const expected = seedSigningKey(seedSteps);
    const all = steps(s);
    const signs = all.filter((step) => step.action.kind === 'sign-ksr');
    assert.ok(signs.length >= 1);
    for (const sign of signs) {
      if (sign.action.kind !== 'sign-ksr') continue;
      const { signWith, overridableChecks, hsm } = sign.action.inputs;
      if (expected === 'existing') {
        assert.equal(signWith, 'current');
        assert.deepEqual(overridableChecks, [], 'the existing KSK has no reason to override a check');
        continue;
      }
      assert.notEqual(signWith, 'current');
      const source = all.find((step) => signWith !== 'current' && step.id === signWith.fromStep)?.action;
      const declared = s.hsms.find((h) => h.id === hsm);
      assert.ok(source && declared);
      if (expected === 'reconstructed') {
        assert.equal(source.kind, 'reconstruct-ksk');
        assert.deepEqual(overridableChecks, [], 'the reconstructed KSK is the existing one');
      } else {
        assert.equal(source.kind, 'generate-ksk');
        if (source.kind === 'generate-ksk') assert.equal(source.inputs.key, expected);
      }
      const where = seedSteps.join(' ');
      if (/outside of the Key Management Facility/.test(where)) assert.equal(declared.location, 'outside-kmf');
      else assert.equal(declared.location, 'kmf');
      if (/in a new HSM/.test(where)) assert.equal(declared.provenance, 'new');
      if (/in another HSM/.test(where)) assert.equal(declared.provenance, 'another');
    }
  });

  test(`dr-${procedure} has the Crypto Officers in the room exactly when the seed has them, on every branch`, () => {
    const s = script();
    for (const path of branchPaths(s)) {
      const applies = (step: Step) => actApplies(actOf(s, step), path);
      const activations = ceremonySteps(s).filter((step) => applies(step) && step.action.kind === 'hsm-activate');
      const on = `on the branch ${path.map((b) => b.id).join(' + ') || '(none)'}`;
      if (path.some((b) => b.ends)) {
        assert.equal(activations.length, 0, `${on}: a branch that ends the ceremony uses no HSM`);
        continue;
      }
      assert.ok(activations.length >= 1, on);
      const byStaff = activations.map((step) => step.action.kind === 'hsm-activate' && step.action.inputs.presentedBy === 'operator-staff');
      // 4.3.2 "is applicable whether or not COs are available": its cos-present branch has them.
      if (withoutCos.includes(procedure) && !path.some((b) => b.id === 'cos-present')) {
        assert.ok(!participantRoles(s, applies).includes('CO'), `${on}: no step of the ceremony is performed by a Crypto Officer`);
        assert.ok(byStaff.every(Boolean), `${on}: every activation is by operator staff, as an exception`);
      } else {
        assert.ok(participantRoles(s, applies).includes('CO'), on);
        assert.ok(
          byStaff.every((b) => !b),
          `${on}: the Crypto Officers activate the HSMs themselves`,
        );
      }
    }
  });

  test(`dr-${procedure} leaves the follow-up obligations its seed steps name`, () => {
    const s = script();
    assert.deepEqual(new Set(s.followUps.map((f) => f.kind)), seedFollowUps(seedSteps));
    const opened = steps(s).flatMap((step) => (step.action.kind === 'follow-up' ? step.action.inputs.create : []));
    assert.deepEqual(opened.sort(), s.followUps.map((f) => f.id).sort());
  });
}

test('every follow-up a DR procedure leaves can be discharged by a template', () => {
  const dischargeable = new Set(
    templateIds().flatMap((id) => steps(loadTemplate(id)).flatMap((s) => (s.action.kind === 'discharge-follow-up' ? s.action.inputs.kinds : []))),
  );
  for (const procedure of drProcedureIds) {
    for (const f of loadTemplate(`dr-${procedure}`).followUps) assert.ok(dischargeable.has(f.kind), `${f.kind} of dr-${procedure}`);
  }
});

test('an HSM’s TEB is checked against the custody record if the operator sealed it, against the delivery record if it is new or brought from outside', () => {
  for (const id of templateIds()) {
    const script = loadTemplate(id);
    for (const s of steps(script)) {
      if (s.action.kind !== 'teb-check' || !s.action.inputs.custody.startsWith('hsm:')) continue;
      const hsm = script.hsms.find((h) => `hsm:${h.id}` === (s.action.kind === 'teb-check' ? s.action.inputs.custody : ''));
      assert.ok(hsm, `${id} ${s.id}`);
      const sealedHere = hsm.provenance !== 'new' && hsm.location === 'kmf';
      assert.equal(s.action.inputs.expected, sealedHere ? 'custody' : 'manifest', `${id} ${s.id}`);
    }
  }
});

test('the KSK generation ceremony generates with the chosen algorithm, backs the key up and prepares its trust anchor', () => {
  const all = steps(loadTemplate('ksk-generation'));
  const kinds = all.map((s) => s.action.kind);
  for (const kind of ['choose-algorithm', 'hsm-activate', 'generate-ksk', 'backup-ksk', 'publish-trust-anchor', 'hsm-deactivate'] as const)
    assert.ok(kinds.includes(kind), kind);
  const generate = all.find((s) => s.action.kind === 'generate-ksk');
  assert.ok(generate?.action.kind === 'generate-ksk');
  assert.deepEqual(generate.action.inputs.algorithm, { fromStep: 'choose-algorithm' });
  assert.ok(kinds.indexOf('choose-algorithm') < kinds.indexOf('generate-ksk') && kinds.indexOf('generate-ksk') < kinds.indexOf('backup-ksk'));
});

test('the quarterly ceremony signs with the current KSK after the RZM reads the hash, and overrides nothing', () => {
  const sign = steps(loadTemplate('ksr-signing')).find((s) => s.action.kind === 'sign-ksr');
  assert.ok(sign?.action.kind === 'sign-ksr');
  assert.deepEqual({ ...sign.action.inputs }, { hsm: 'HSM1', signWith: 'current', publish: [], schema: 'normal', hashReadBy: 'RZM', overridableChecks: [] });
});
