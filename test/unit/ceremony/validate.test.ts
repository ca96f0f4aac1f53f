import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scriptHash } from '../../../core/ceremony/hash.js';
import { checkScript, InvalidScriptError, loadScript, type ScriptIssue } from '../../../core/ceremony/load.js';
import type { PartLoader } from '../../../core/ceremony/resolve.js';
import { scriptSteps, type Script, type Step } from '../../../core/ceremony/script.js';
import { loadTemplate } from '../../../core/ceremony/templates.js';
import { scriptToYaml } from '../../../core/ceremony/write.js';

/** An operator's adaptation: the resolved template, changed, written as YAML; numbers are left to the resolver. */
function adapt(id: string, change: (script: Script) => void): ScriptIssue[] {
  const script = structuredClone(loadTemplate(id));
  change(script);
  for (const act of script.acts as Partial<Script['acts'][number]>[]) {
    delete act.number;
    for (const step of act.steps ?? []) delete (step as Partial<Step>).number;
  }
  return checkScript(scriptToYaml(script), 'adapted.yaml').issues;
}

const messages = (issues: ScriptIssue[], severity: ScriptIssue['severity'] = 'error') =>
  issues.filter((i) => i.severity === severity).map((i) => `${i.where}: ${i.message}`);

function step(script: Script, id: string): Step {
  const found = [...scriptSteps(script)].find((s) => s.step.id === id);
  assert.ok(found, `step ${id}`);
  return found.step;
}

function removeStep(script: Script, id: string): void {
  for (const act of script.acts) act.steps = act.steps.filter((s) => s.id !== id);
}

function assertRefused(issues: ScriptIssue[], expected: RegExp): void {
  const errors = messages(issues);
  assert.ok(
    errors.some((m) => expected.test(m)),
    `expected ${expected}, got:\n${errors.join('\n')}`,
  );
}

test('an adaptation to a facility, its quorums and its own steps is valid, and has its own hash', () => {
  const template = loadTemplate('dr-4.2.1A');
  const script = structuredClone(template);
  script.id = 'example-dr-4.2.1A';
  script.version = '2.1';
  script.facility = 'Example KMF East';
  script.quorums = { co: { role: 'CO', m: 2, n: 5 }, rksh: { role: 'RKSH', m: 3, n: 5 } };
  script.acts[1]?.steps.splice(1, 0, {
    id: 'badge-check',
    number: '2.2',
    text: 'The SA checks every badge.',
    roles: ['SA'],
    initial: true,
    action: { kind: 'manual', inputs: {} },
  });
  script.acts[1]?.steps.forEach((s, i) => (s.number = `2.${i + 1}`));
  const result = checkScript(scriptToYaml(script), 'east.yaml');
  assert.deepEqual(result.issues, []);
  assert.ok(result.script);
  assert.notEqual(result.sha256, scriptHash(template));
});

test('an operator may rename a role everywhere, e.g. Crypto Officers as key holders', () => {
  const script = JSON.parse(JSON.stringify(loadTemplate('ksr-signing')).replaceAll('"CO"', '"KH"')) as Script;
  assert.deepEqual(checkScript(JSON.stringify(script), 'kh.json').issues, []);
});

const refusals: [string, string, (s: Script) => void, RegExp][] = [
  [
    'a duplicate step id',
    'dr-4.2.1A',
    (s) => (step(s, 'ksr-request').id = 'notify'),
    /step 1\.3 \(notify\): id: step id "notify" is already used by step 1\.1/,
  ],
  ['a role nobody declared', 'dr-4.2.1A', (s) => step(s, 'notify').roles.push('CHEF'), /step 1\.1 \(notify\): roles\[1\]: role CHEF is not declared/],
  ['a script without an IW', 'ksr-signing', (s) => (s.roles = s.roles.filter((r) => r.id !== 'IW')), /the IW role must be declared/],
  [
    'a quorum of more holders than exist',
    'dr-4.2.1A',
    (s) => (s.quorums.co = { role: 'CO', m: 8, n: 7 }),
    /quorums\.co\.m: quorum co asks for 8 of 7: m cannot exceed n/,
  ],
  [
    'a quorum of an undeclared role',
    'dr-4.2.1A',
    (s) => (s.quorums.co = { role: 'OFFICER', m: 3, n: 7 }),
    /quorum co names role OFFICER, which is not declared/,
  ],
  [
    'an unknown action kind',
    'dr-4.2.1A',
    (s) => (step(s, 'facility-log').action = { kind: 'teleport', inputs: {} } as unknown as Step['action']),
    /step 2\.2 \(facility-log\): action\.kind: unknown action kind "teleport"/,
  ],
  [
    'a key reference that is neither the current KSK nor a step',
    'dr-4.2.1A',
    (s) => Object.assign(step(s, 'sign-ksr').action.inputs, { signWith: 'currnet' }),
    /action\.inputs\.signWith: must be "current" or a mapping, not "currnet"/,
  ],
  [
    'a misspelt step reference',
    'dr-4.2.1A',
    (s) => Object.assign(step(s, 'sign-ksr').action.inputs, { signWith: { fromStpe: 'generate-ksk' } }),
    /action\.inputs\.signWith\.fromStpe: unknown field "fromStpe"/,
  ],
  [
    'an algorithm DNSSEC no longer allows',
    'dr-4.1.1',
    (s) => Object.assign(step(s, 'generate-ksk').action.inputs, { algorithm: { algorithm: 'RSASHA1', size: 2048 } }),
    /action\.inputs\.algorithm\.algorithm: must be one of "RSASHA256", "ECDSAP256SHA256", "ECDSAP384SHA384", "ED25519", not "RSASHA1"/,
  ],
  [
    'a version YAML reads as a number',
    'ksr-signing',
    (s) => ((s as { version: unknown }).version = 2),
    /version: must be text, not the number 2: write it in quotes/,
  ],
  [
    'an input left out',
    'dr-4.2.1A',
    (s) => delete (step(s, 'laptop-teb-check').action.inputs as { custody?: string }).custody,
    /action\.inputs\.custody: custody is required/,
  ],
  ['a misspelt field', 'dr-4.2.1A', (s) => Object.assign(step(s, 'notify'), { intial: true }), /step 1\.1 \(notify\): intial: unknown field "intial"/],
  [
    'a reference to a later step',
    'dr-4.2.1A',
    (s) => Object.assign(step(s, 'publish-trust-anchor').action.inputs, { key: { fromStep: 'follow-up' } }),
    /no earlier step has the id "follow-up" \(it comes later\)/,
  ],
  [
    'a reference to a step of the wrong kind',
    'dr-4.2.1A',
    (s) => Object.assign(step(s, 'generate-ksk').action.inputs, { algorithm: { fromStep: 'notify' } }),
    /step 1\.1 \("notify"\) is a notify step; this needs a choose-algorithm step/,
  ],
  [
    'an undeclared quorum',
    'dr-4.2.1A',
    (s) => Object.assign(step(s, 'hsm-activate-HSM2').action.inputs, { quorum: 'cx' }),
    /no quorum "cx" is declared \(declared: co, rksh\)/,
  ],
  ['an undeclared HSM', 'dr-4.2.1A', (s) => Object.assign(step(s, 'destroy-ksk').action.inputs, { hsm: 'HSM9' }), /no HSM HSM9 is declared/],
  [
    'an HSM used without activation',
    'dr-4.2.1A',
    (s) => removeStep(s, 'hsm-activate-HSM2'),
    /HSM2 is not active at step \d+\.\d+: an earlier hsm-activate step must activate it/,
  ],
  ['an HSM left active', 'dr-4.2.1A', (s) => removeStep(s, 'hsm-deactivate-HSM2'), /HSM2, activated at step \d+\.\d+, is still active when the script ends/],
  [
    'a seed step dropped',
    'dr-4.2.1A',
    (s) => (s.acts = s.acts.filter((a) => a.title !== 'Destroy the compromised KSK')),
    /seed step 4\.2\.1A\.4 is carried out by no step: "Destroy the existing KSK if possible\."/,
  ],
  [
    'seed steps out of order',
    'dr-4.2.1A',
    (s) => ((step(s, 'notify').seedStep = '4.2.1A.2'), (step(s, 'choose-algorithm').seedStep = '4.2.1A.1')),
    /is the first for seed step 4\.2\.1A\.2 but comes before step 1\.2, the first for seed step 4\.2\.1A\.1: keep the seed's order/,
  ],
  [
    'a seed step of another procedure',
    'dr-4.2.1A',
    (s) => (step(s, 'ksr-request').seedStep = '4.1.1.1'),
    /4\.1\.1\.1 is not a step of DR 4\.2\.1 A \(its steps are 4\.2\.1A\.1 to 4\.2\.1A\.8\)/,
  ],
  [
    'a seed step in a standard ceremony',
    'ksr-signing',
    (s) => (step(s, 'notify').seedStep = '4.1.1.1'),
    /seed steps belong to the DR procedures; this script is ksr-signing/,
  ],
  [
    'a disaster that is not the procedure’s',
    'dr-4.2.1A',
    (s) => (s.disaster = 'lost'),
    /DR 4\.2\.1 A is a compromise disaster procedure: disaster must be compromise/,
  ],
  [
    'an override of a check no disaster excuses',
    'dr-4.2.1A',
    (s) => (step(s, 'sign-ksr').action.inputs as { overridableChecks: string[] }).overridableChecks.push('SKR-VERIFY'),
    /SKR-VERIFY can never be overridden/,
  ],
  [
    'an override of the previous SKR',
    'dr-4.2.1A',
    (s) => (step(s, 'sign-ksr').action.inputs as { overridableChecks: string[] }).overridableChecks.push('KSR-PREVIOUS'),
    /KSR-PREVIOUS can never be overridden/,
  ],
  [
    'an unknown check',
    'dr-4.2.1A',
    (s) => (step(s, 'sign-ksr').action.inputs as { overridableChecks: string[] }).overridableChecks.push('KSR-MAGIC'),
    /overridableChecks\[2\]: must be one of "KSR-DOMAIN"/,
  ],
  [
    'the compromised KSK signing',
    'dr-4.2.1A',
    (s) => Object.assign(step(s, 'sign-ksr').action.inputs, { signWith: 'current' }),
    /in DR 4\.2\.1 A the SKR is signed with a new KSK generated in this ceremony; this step signs with the existing KSK/,
  ],
  [
    'a trust anchor that is not the signing key',
    'dr-4.2.1A',
    (s) => Object.assign(step(s, 'sign-ksr').action.inputs, { signWith: 'current' }),
    /the trust anchor published here is not the key that signs the SKR/,
  ],
  ['cameras started late', 'dr-4.2.1A', (s) => s.acts[1]?.steps.reverse(), /the cameras must start at the first step of the ceremony \(step 2\.1\)/],
  ['cameras stopped early', 'ksr-signing', (s) => s.acts[s.acts.length - 1]?.steps.reverse(), /the cameras must stop at the last step of the ceremony/],
  [
    'no attestation by the IW',
    'ksr-signing',
    (s) => removeStep(s, 'iw-attestation'),
    /the ceremony needs an attestation by the IW after the exceptions review/,
  ],
  ['no exceptions review', 'ksr-signing', (s) => removeStep(s, 'exceptions-review'), /the ceremony has no exceptions-review step/],
  [
    'a second sign-in',
    'ksr-signing',
    (s) => (step(s, 'emergency-briefing').action = { kind: 'sign-in', inputs: {} }),
    /step 2\.8 \(emergency-briefing\): action\.kind: the ceremony has a sign-in step already \(step 2\.7\)/,
  ],
  [
    'an HSM used after sign-out',
    'ksr-signing',
    (s) => s.acts.push(structuredClone(s.acts[5] as Script['acts'][number])),
    /uses an HSM after the participants sign out/,
  ],
  [
    'a follow-up never opened',
    'dr-4.2.1A',
    (s) => s.followUps.push({ id: 'extra', kind: 'rfc5011-rollover', title: 'Extra', condition: 'never' }),
    /follow-up "extra" is declared but no follow-up step opens it/,
  ],
  [
    'a follow-up never declared',
    'dr-4.2.1A',
    (s) => (step(s, 'follow-up').action.inputs as { create: string[] }).create.push('ghost'),
    /no follow-up "ghost" is declared/,
  ],
  [
    'preparation after the ceremony began',
    'ksr-signing',
    (s) => ((s.acts[2] as Script['acts'][number]).phase = 'preparation'),
    /act 3 "Retrieve the materials": phase: act 3 "Retrieve the materials" is preparation but comes after the ceremony has begun/,
  ],
  [
    'a ceremony action in preparation',
    'ksr-signing',
    (s) => (step(s, 'ksr-request').action = { kind: 'hsm-deactivate', inputs: { hsm: 'HSM1' } }),
    /a hsm-deactivate step belongs in a ceremony act, not in a preparation act/,
  ],
  [
    'an RSA key too short',
    'dr-4.1.1',
    (s) => Object.assign(step(s, 'generate-ksk').action.inputs, { algorithm: { algorithm: 'RSASHA256', size: 1024 } }),
    /algorithm\.size: RSASHA256 needs a key size in bits, a multiple of 8 from 2048 to 4096/,
  ],
  [
    'an Ed25519 key of another size',
    'dr-4.1.1',
    (s) => Object.assign(step(s, 'generate-ksk').action.inputs, { algorithm: { algorithm: 'ED25519', size: 512 } }),
    /ED25519 keys are always 256 bits/,
  ],
  [
    'a lead time in months',
    'dr-4.1.2A',
    (s) => Object.assign(step(s, 'schedule-alternate').action.inputs, { leadTime: 'P1M' }),
    /leadTime: must be an ISO 8601 duration in weeks, days, hours, minutes or seconds/,
  ],
  [
    'an act without steps',
    'ksr-signing',
    (s) => ((s.acts[6] as Script['acts'][number]).steps = []),
    /act 7 "Follow-up obligations": steps: needs at least 1 item/,
  ],
  [
    'another format',
    'ksr-signing',
    (s) => ((s as { format: string }).format = 'ksk-ceremony-script/2'),
    /format: must be "ksk-ceremony-script\/1", not "ksk-ceremony-script\/2"/,
  ],
];

for (const [what, id, change, expected] of refusals) {
  test(`an adaptation is refused for ${what}`, () => assertRefused(adapt(id, change), expected));
}

test('a script that numbers its own steps must number them in order', () => {
  const script = structuredClone(loadTemplate('ksr-signing'));
  step(script, 'ksr-request').number = '1.5';
  (script.acts[1] as Script['acts'][number]).number = 7;
  assert.deepEqual(messages(checkScript(scriptToYaml(script), 'numbered.yaml').issues), [
    'step 1.5 (ksr-request): number: step 1.5 stands at position 1.2: steps are numbered act.step in order',
    'act 2 "Opening": number: act 7 is the act number 2 of the script: acts are numbered in order from 1',
  ]);
});

test('weak quorums and steps the IW does not initial are warnings, not errors', () => {
  const issues = adapt('ksr-signing', (s) => {
    s.quorums.co = { role: 'CO', m: 1, n: 7 };
    s.quorums.rksh = { role: 'RKSH', m: 5, n: 5 };
    step(s, 'facility-log').initial = false;
  });
  assert.deepEqual(messages(issues), []);
  assert.deepEqual(messages(issues, 'warning'), [
    'quorums.co.m: quorum co lets a single CO act alone',
    'quorums.rksh.m: quorum rksh needs all 5 holders: losing one makes it impossible to meet',
    'step 2.2 (facility-log): initial: the IW does not initial step 2.2',
  ]);
});

const mini = `format: ksk-ceremony-script/1
id: mini
version: "1"
title: Mini
summary: A minimal ceremony.
procedure: ksr-signing
acts:
  - include: opening
  - title: Work
    steps:
      - id: work
        roles: [CA]
        text: Check a bag.
        action: { kind: teb-check, inputs: { contents: a bag, custody: bag, perMemberOf: cx } }
  - include: closing
`;

test('a problem is reported at its line, with its step, and all problems at once', () => {
  const issues = checkScript(mini.replace('roles: [CA]', 'roles: [CA, CHEF]'), 'mini.yaml').issues;
  assert.deepEqual(
    issues.map((i) => [i.file, i.line, i.where, i.message]),
    [
      ['mini.yaml', 12, 'step 2.1 (work): roles[1]', "role CHEF is not declared in the script's roles"],
      ['mini.yaml', 14, 'step 2.1 (work): action.inputs.perMemberOf', 'no quorum "cx" is declared (declared: co, rksh)'],
    ],
  );
  assert.throws(
    () => loadScript(mini, 'mini.yaml'),
    (e: unknown) => e instanceof InvalidScriptError && e.code === 'BAD_INPUT_FILE' && /mini\.yaml:14: step 2\.1 \(work\)/.test(e.message),
  );
});

test('the minimal script, with the shared opening and closing, is valid', () => {
  const script = loadScript(mini.replace('perMemberOf: cx', 'perMemberOf: co'), 'mini.yaml');
  assert.deepEqual(
    script.acts.map((a) => a.title),
    ['Opening', 'Work', 'Close the ceremony'],
  );
  assert.equal(script.acts[1]?.steps[0]?.number, '2.1');
});

const testParts: PartLoader = {
  load: (name) =>
    ({
      ok: {
        file: 'parts/ok.yaml',
        text: 'params:\n  who:\n    description: who acts\nacts:\n  - title: Act of {{who}}\n    steps:\n      - id: x\n        roles: ["{{who}}"]\n        text: Hello.\n        action: { kind: teleport }\n',
      },
    })[name] ?? null,
  names: () => ['ok'],
};

test('a problem inside a shared part is reported in the part, with the line that included it', () => {
  const text =
    'format: ksk-ceremony-script/1\nid: p\nversion: "1"\ntitle: P\nsummary: S.\nprocedure: ksr-signing\nacts:\n  - include: ok\n    with: { who: CA }\n';
  const issues = checkScript(text, 'p.yaml', testParts).issues;
  const kind = issues.find((i) => /unknown action kind "teleport"/.test(i.message));
  assert.ok(kind, JSON.stringify(issues));
  assert.deepEqual([kind.file, kind.line, kind.includedFrom, kind.where], ['parts/ok.yaml', 10, 'p.yaml:8', 'step 1.1 (x): action.kind']);
});

test('includes are checked: the part, its parameters, and no nesting', () => {
  const head = 'format: ksk-ceremony-script/1\nid: p\nversion: "1"\ntitle: P\nsummary: S.\nprocedure: ksr-signing\nacts:\n';
  const issuesOf = (acts: string) => checkScript(head + acts, 'p.yaml', testParts).issues.map((i) => `${i.line}: ${i.message}`);
  assert.deepEqual(issuesOf('  - include: nope\n'), ['8: there is no shared part "nope" (the parts are: ok)']);
  assert.deepEqual(issuesOf('  - include: ok\n'), ['8: part "ok" needs the parameter "who" (who acts)']);
  assert.deepEqual(issuesOf('  - include: ok\n    with: { who: CA, whom: IW }\n'), ['9: part "ok" has no parameter "whom" (it has: who)']);
  assert.deepEqual(issuesOf('  - include: ok\n    also: 1\n'), ['9: an include takes only "include", "with" and "branch", not "also"']);
});

test('YAML that is not a script is refused with its line', () => {
  const issues = (text: string) => checkScript(text, 'bad.yaml').issues.map((i) => `${i.line}: ${i.message}`);
  assert.deepEqual(issues('format: ksk-ceremony-script/1\nid: a\nid: b\n'), ['3: Map keys must be unique']);
  assert.deepEqual(issues('id: x\n').slice(0, 2), ['1: format is required: "ksk-ceremony-script/1"', '1: version is required (text)']);
  assert.deepEqual(issues('- just\n- a list\n'), ['1: a ceremony script is a mapping (format, id, version, title, acts, ...)']);
  assert.match(issues('acts: [unclosed\n')[0] ?? '', /^\d+: /);
  assert.deepEqual(issues('x'.repeat(1_000_001)), ['null: the file is larger than 1000000 bytes: not a ceremony script']);
});

test('YAML aliases cannot blow a small file up', () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
    ),
  ].join('\n');
  const issues = checkScript(bomb, 'bomb.yaml').issues;
  assert.equal(issues.length, 1);
  assert.match(issues[0]?.message ?? '', /alias/i);
});

/** The acts of a script's branch, by branch id. */
const actsOn = (s: Script, branch: string) => s.acts.filter((a) => a.branch === branch);

test('branches are checked: decided by a step that can decide them, declared whole, after their decision; an ending branch leaves nothing common after it and uses no HSM', () => {
  assert.deepEqual(
    adapt('dr-4.1.2A', () => undefined),
    [],
    'the template itself is valid on every path',
  );
  const branchRefusals: [string, string, (s: Script) => void, RegExp][] = [
    [
      'a decision by a step that decides nothing',
      'dr-4.1.2A',
      (s) => s.branches?.forEach((b) => (b.decidedAt = 'notify')),
      /step 1\.1 is a notify step, which decides no branch/,
    ],
    [
      'a decision without its other branch',
      'dr-4.1.2A',
      (s) => (s.branches = s.branches?.filter((b) => b.id !== 'proceed-now')),
      /declare proceed-now too, so that every outcome has its acts/,
    ],
    [
      'a branch its deciding step cannot take',
      'dr-4.3.2A',
      (s) => s.branches?.forEach((b) => (b.id = b.id === 'cos-present' ? 'alternate-date' : b.id)),
      /a sign-in step decides between cos-present and cos-absent, not alternate-date/,
    ],
    [
      'an act on an undeclared branch',
      'dr-4.2.1A',
      (s) => ((s.acts[0] as Script['acts'][number]).branch = 'proceed-now'),
      /act "Preparation" is on the branch proceed-now, which the script does not declare/,
    ],
    [
      'a common act after an ending decision',
      'dr-4.1.2A',
      (s) => {
        for (const a of actsOn(s, 'proceed-now').filter((a) => a.title === 'Close the ceremony')) delete a.branch;
      },
      /applies on every branch, but the branch alternate-date ends the ceremony at step 1\.2: put its act on a branch/,
    ],
    [
      'an HSM used on an ending branch',
      'dr-4.1.2A',
      (s) =>
        actsOn(s, 'alternate-date')[0]?.steps.splice(1, 0, {
          id: 'oops-deactivate',
          number: '3.2',
          text: 'Deactivate HSM1.',
          roles: ['CA'],
          initial: true,
          action: { kind: 'hsm-deactivate', inputs: { hsm: 'HSM1' } },
        }),
      /on the branch alternate-date: .*uses an HSM on a branch that ends the ceremony before it is held/,
    ],
    [
      'a ceremony frame broken on one branch only',
      'dr-4.3.2A',
      (s) => {
        const act = actsOn(s, 'cos-present')[0];
        if (act) act.steps = act.steps.filter((st) => st.action.kind !== 'hsm-activate');
      },
      /on the branch cos-present: .*HSM-NEW is not active/,
    ],
  ];
  for (const [what, id, change, expected] of branchRefusals) {
    const issues = adapt(id, change);
    assert.ok(
      messages(issues).some((m) => expected.test(m)),
      `${what}: expected ${expected}, got:\n${messages(issues).join('\n')}`,
    );
  }
});
