import { actionInfo, actionReferences, activeHsmOf, type ActionKind } from './actions.js';
import { actApplies, branchPaths, branchesOf, decidingKinds, decisionsOf } from './branches.js';
import { neverOverridable } from './checks.js';
import type { Path } from './resolve.js';
import { requiredRoles } from './roles.js';
import { scriptSteps, type Act, type Script, type Step } from './script.js';
import { validateSeedRules } from './validateSeed.js';

/**
 * The rules a script must follow beyond its shape, checked on every template and every adaptation
 * before a ceremony may use it. Errors refuse the script; warnings are shown and recorded.
 */
export interface Finding {
  severity: 'error' | 'warning';
  path: Path;
  message: string;
}

export interface StepAt {
  step: Step;
  /** Position in the whole script, for "comes earlier" rules. */
  index: number;
  path: Path;
  phase: 'preparation' | 'ceremony';
  act: Act;
}

export function stepsOf(script: Script): StepAt[] {
  return [...scriptSteps(script)].map(({ act, step, actIndex, stepIndex }, index) => ({
    step,
    index,
    path: ['acts', actIndex, 'steps', stepIndex],
    phase: act.phase,
    act,
  }));
}

export function validateScript(script: Script): Finding[] {
  const findings: Finding[] = [];
  const report = (severity: Finding['severity']) => (path: Path, message: string) => findings.push({ severity, path, message });
  const error = report('error');
  const warn = report('warning');
  const steps = stepsOf(script);

  checkDeclarations(script, error, warn);
  checkNumbering(script, error);
  checkSteps(script, steps, error, warn);
  checkBranches(script, steps, error);
  checkEveryPath(script, steps, error);
  checkFollowUps(script, steps, error);
  for (const { step, path } of steps) {
    if (step.action.kind !== 'sign-ksr' && step.action.kind !== 'sign-additional-ksrs') continue;
    for (const [i, check] of step.action.inputs.overridableChecks.entries()) {
      if (neverOverridable.has(check))
        error([...path, 'action', 'inputs', 'overridableChecks', i], `${check} can never be overridden: no disaster explains a KSR or an SKR that fails it`);
    }
  }
  validateSeedRules(script, steps, error);
  return findings;
}

type Report = (path: Path, message: string) => void;

function duplicates<T>(items: readonly T[], key: (item: T) => string, onDuplicate: (index: number, key: string) => void): Set<string> {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) onDuplicate(i, k);
    seen.add(k);
  });
  return seen;
}

function checkDeclarations(script: Script, error: Report, warn: Report): void {
  const roles = duplicates(
    script.roles,
    (r) => r.id,
    (i, id) => error(['roles', i, 'id'], `role ${id} is declared twice`),
  );
  for (const role of requiredRoles)
    if (!roles.has(role)) error(['roles'], `the ${role} role must be declared: the engine needs a CA to perform and an IW to initial and attest`);
  duplicates(
    script.hsms,
    (h) => h.id,
    (i, id) => error(['hsms', i, 'id'], `HSM ${id} is declared twice`),
  );
  duplicates(
    script.followUps,
    (f) => f.id,
    (i, id) => error(['followUps', i, 'id'], `follow-up ${id} is declared twice`),
  );
  for (const [id, quorum] of Object.entries(script.quorums)) {
    if (!roles.has(quorum.role)) error(['quorums', id, 'role'], `quorum ${id} names role ${quorum.role}, which is not declared`);
    if (quorum.m > quorum.n) error(['quorums', id, 'm'], `quorum ${id} asks for ${quorum.m} of ${quorum.n}: m cannot exceed n`);
    else if (quorum.m === 1) warn(['quorums', id, 'm'], `quorum ${id} lets a single ${quorum.role} act alone`);
    else if (quorum.m === quorum.n) warn(['quorums', id, 'm'], `quorum ${id} needs all ${quorum.n} holders: losing one makes it impossible to meet`);
  }
}

function checkNumbering(script: Script, error: Report): void {
  let ceremonySeen = false;
  script.acts.forEach((act, a) => {
    if (act.number !== a + 1) error(['acts', a, 'number'], `act ${act.number} is the act number ${a + 1} of the script: acts are numbered in order from 1`);
    if (act.phase === 'ceremony') ceremonySeen = true;
    else if (ceremonySeen) error(['acts', a, 'phase'], `act ${a + 1} "${act.title}" is preparation but comes after the ceremony has begun`);
    act.steps.forEach((step, s) => {
      const expected = `${a + 1}.${s + 1}`;
      if (step.number !== expected)
        error(['acts', a, 'steps', s, 'number'], `step ${step.number} stands at position ${expected}: steps are numbered act.step in order`);
    });
  });
}

function checkSteps(script: Script, steps: StepAt[], error: Report, warn: Report): void {
  const roles = new Set(script.roles.map((r) => r.id));
  const hsms = new Set(script.hsms.map((h) => h.id));
  const followUps = new Set(script.followUps.map((f) => f.id));
  const byId = new Map<string, StepAt>();
  for (const at of steps) {
    const { step, path, phase } = at;
    const first = byId.get(step.id);
    if (first) error([...path, 'id'], `step id "${step.id}" is already used by step ${first.step.number}`);
    else byId.set(step.id, at);
    step.roles.forEach((role, i) => {
      if (!roles.has(role)) error([...path, 'roles', i], `role ${role} is not declared in the script's roles`);
    });
    const allowed = actionInfo[step.action.kind].phase;
    if (allowed !== 'any' && allowed !== phase)
      error([...path, 'action', 'kind'], `a ${step.action.kind} step belongs in a ${allowed} act, not in a ${phase} act`);
    if (phase === 'ceremony' && !step.initial) warn([...path, 'initial'], `the IW does not initial step ${step.number}`);

    for (const ref of actionReferences(step.action)) {
      const refPath = [...path, 'action', 'inputs', ...ref.path];
      if (ref.to === 'step') {
        const target = byId.get(ref.id);
        if (!target) error(refPath, `no earlier step has the id "${ref.id}"${steps.some((s) => s.step.id === ref.id) ? ' (it comes later)' : ''}`);
        else if (!ref.kinds.includes(target.step.action.kind))
          error(refPath, `step ${target.step.number} ("${ref.id}") is a ${target.step.action.kind} step; this needs a ${ref.kinds.join(' or ')} step`);
      } else if (ref.to === 'role' && !roles.has(ref.id)) error(refPath, `role ${ref.id} is not declared in the script's roles`);
      else if (ref.to === 'quorum' && !(ref.id in script.quorums))
        error(refPath, `no quorum "${ref.id}" is declared (declared: ${Object.keys(script.quorums).join(', ') || 'none'})`);
      else if (ref.to === 'hsm' && !hsms.has(ref.id)) error(refPath, `no HSM ${ref.id} is declared in the script's hsms`);
      else if (ref.to === 'follow-up' && !followUps.has(ref.id)) error(refPath, `no follow-up "${ref.id}" is declared in the script's followUps`);
    }
  }
}

/**
 * Each branch of a script is decided by one step of a kind that decides it, which comes before the
 * acts of the branch; a decision declares every branch it can take; a branch that ends the ceremony
 * leaves no act after its decision that applies on every branch.
 */
function checkBranches(script: Script, steps: StepAt[], error: Report): void {
  const declared = branchesOf(script);
  duplicates(
    declared,
    (b) => b.id,
    (i, id) => error(['branches', i, 'id'], `branch ${id} is declared twice`),
  );
  const byId = new Map(steps.map((s) => [s.step.id, s]));
  for (const decision of decisionsOf(script)) {
    const at = byId.get(decision.stepId);
    const first = declared.indexOf(decision.branches[0] as (typeof declared)[number]);
    if (!at) {
      error(['branches', first, 'decidedAt'], `no step has the id "${decision.stepId}"`);
      continue;
    }
    const decides = decidingKinds[at.step.action.kind];
    if (!decides) {
      error(
        ['branches', first, 'decidedAt'],
        `step ${at.step.number} is a ${at.step.action.kind} step, which decides no branch (the deciding kinds: ${Object.keys(decidingKinds).join(', ')})`,
      );
      continue;
    }
    for (const b of decision.branches)
      if (!decides.includes(b.id))
        error(['branches', declared.indexOf(b), 'id'], `a ${at.step.action.kind} step decides between ${decides.join(' and ')}, not ${b.id}`);
    const missing = decides.filter((id) => !decision.branches.some((b) => b.id === id));
    if (missing.length > 0)
      error(
        ['branches', first],
        `step ${at.step.number} decides between ${decides.join(' and ')}: declare ${missing.join(' and ')} too, so that every outcome has its acts`,
      );
    if (at.act.branch !== undefined)
      error(
        [...at.path, 'action', 'kind'],
        `step ${at.step.number} decides a branch but is itself on the branch ${at.act.branch}: a decision stands on every branch`,
      );
    for (const b of decision.branches.filter((x) => x.ends)) {
      const common = steps.find((s) => s.index > at.index && s.act.branch === undefined);
      if (common)
        error(
          [...common.path],
          `step ${common.step.number} applies on every branch, but the branch ${b.id} ends the ceremony at step ${at.step.number}: put its act on a branch`,
        );
    }
  }
  for (const s of steps) {
    if (s.act.branch === undefined || s.step !== s.act.steps[0]) continue;
    const actPath = s.path.slice(0, 2);
    const branch = declared.find((b) => b.id === s.act.branch);
    if (!branch) {
      error([...actPath, 'branch'], `act "${s.act.title}" is on the branch ${s.act.branch}, which the script does not declare`);
      continue;
    }
    const decision = byId.get(branch.decidedAt);
    if (decision && decision.index > s.index)
      error(
        [...actPath, 'branch'],
        `act "${s.act.title}" is on the branch ${branch.id}, decided later at step ${decision.step.number}: the decision comes first`,
      );
  }
}

/**
 * The rules of a whole ceremony hold on every path through its branches. A problem found on every
 * path is reported once; one found on some paths names them.
 */
function checkEveryPath(script: Script, steps: StepAt[], error: Report): void {
  const paths = branchPaths(script);
  const found = new Map<string, { path: Path; message: string; on: string[] }>();
  for (const branches of paths) {
    const label = branches.map((b) => b.id).join(' + ');
    const collect: Report = (path, message) => {
      const key = `${JSON.stringify(path)} ${message}`;
      const entry = found.get(key) ?? { path, message, on: [] };
      entry.on.push(label);
      found.set(key, entry);
    };
    const onPath = steps.filter((s) => actApplies(s.act, branches));
    checkHsmLifecycle(onPath, collect);
    checkCeremonyFrame(onPath, collect, { heldCeremony: !branches.some((b) => b.ends) });
    checkFollowUpsOpenedOnce(onPath, collect);
  }
  for (const { path, message, on } of found.values()) error(path, on.length === paths.length ? message : `on the branch ${on.join(', ')}: ${message}`);
}

/** An HSM works only between its activation and its deactivation, and none is left active at the end. */
function checkHsmLifecycle(steps: StepAt[], error: Report): void {
  const active = new Map<string, StepAt>();
  for (const at of steps) {
    const { action } = at.step;
    const inputsPath = [...at.path, 'action', 'inputs', 'hsm'];
    if (action.kind === 'hsm-activate') {
      if (active.has(action.inputs.hsm)) error(inputsPath, `${action.inputs.hsm} is already active (since step ${active.get(action.inputs.hsm)?.step.number})`);
      active.set(action.inputs.hsm, at);
    } else if (action.kind === 'hsm-initialize' && active.has(action.inputs.hsm)) {
      error(inputsPath, `${action.inputs.hsm} is initialised while active: initialise it before activating it`);
    }
    const hsm = activeHsmOf(action);
    if (hsm !== null && !active.has(hsm)) error(inputsPath, `${hsm} is not active at step ${at.step.number}: an earlier hsm-activate step must activate it`);
    if (action.kind === 'hsm-deactivate') active.delete(action.inputs.hsm);
  }
  for (const [hsm, at] of active)
    error(
      [...at.path, 'action', 'inputs', 'hsm'],
      `${hsm}, activated at step ${at.step.number}, is still active when the script ends: add an hsm-deactivate step`,
    );
}

/**
 * The standard opening and closing: filmed from the first ceremony step to the last, signed in and
 * out, exceptions reviewed, the IW's attestation. A branch that ends the ceremony before it is held
 * (an alternate date) is not filmed and uses no HSM, but is still signed in and out, reviewed and
 * attested.
 */
function checkCeremonyFrame(steps: StepAt[], error: Report, { heldCeremony }: { heldCeremony: boolean }): void {
  const ceremony = steps.filter((s) => s.phase === 'ceremony');
  const first = ceremony[0];
  const last = ceremony[ceremony.length - 1];
  if (!first || !last) return error(['acts'], 'a script needs at least one ceremony act');
  const only = (kind: ActionKind): StepAt | undefined => {
    const found = ceremony.filter((s) => s.step.action.kind === kind);
    if (found.length === 0) error(['acts'], `the ceremony has no ${kind} step`);
    for (const extra of found.slice(1)) error([...extra.path, 'action', 'kind'], `the ceremony has a ${kind} step already (step ${found[0]?.step.number})`);
    return found[0];
  };
  const signIn = only('sign-in');
  const signOut = only('sign-out');
  const work = ceremony.filter((s) => s.step.action.kind.startsWith('hsm-') || activeHsmOf(s.step.action) !== null);
  if (heldCeremony) {
    const cameraStart = only('camera-start');
    const cameraStop = only('camera-stop');
    if (cameraStart && cameraStart !== first)
      error(
        [...cameraStart.path, 'action', 'kind'],
        `the cameras must start at the first step of the ceremony (step ${first.step.number}), so that all of it is filmed`,
      );
    if (cameraStop && cameraStop !== last)
      error(
        [...cameraStop.path, 'action', 'kind'],
        `the cameras must stop at the last step of the ceremony (step ${last.step.number}), so that all of it is filmed`,
      );
  } else {
    for (const s of work) error([...s.path, 'action', 'kind'], `step ${s.step.number} uses an HSM on a branch that ends the ceremony before it is held`);
  }

  const lastWork = work[work.length - 1];
  if (signIn)
    for (const s of work.filter((w) => w.index < signIn.index))
      error([...s.path, 'action', 'kind'], `step ${s.step.number} uses an HSM before the participants sign in (step ${signIn.step.number})`);
  if (signOut)
    for (const s of work.filter((w) => w.index > signOut.index))
      error([...s.path, 'action', 'kind'], `step ${s.step.number} uses an HSM after the participants sign out (step ${signOut.step.number})`);

  const reviews = ceremony.filter((s) => s.step.action.kind === 'exceptions-review');
  const review = reviews[reviews.length - 1];
  if (!review) error(['acts'], 'the ceremony has no exceptions-review step');
  else if (lastWork && review.index < lastWork.index)
    error([...review.path, 'action', 'kind'], `the exceptions are reviewed before the last HSM step (${lastWork.step.number}): review them after it`);
  const iwAttests = ceremony.some(
    (s) =>
      s.step.action.kind === 'attestation' &&
      s.step.action.inputs.by !== 'all-participants' &&
      s.step.action.inputs.by.includes('IW') &&
      (!review || s.index > review.index),
  );
  if (!iwAttests) error(['acts'], 'the ceremony needs an attestation by the IW after the exceptions review');
}

function openers(steps: StepAt[]): Map<string, StepAt[]> {
  const openedBy = new Map<string, StepAt[]>();
  for (const at of steps)
    if (at.step.action.kind === 'follow-up') for (const id of at.step.action.inputs.create) openedBy.set(id, [...(openedBy.get(id) ?? []), at]);
  return openedBy;
}

function checkFollowUps(script: Script, steps: StepAt[], error: Report): void {
  const openedBy = openers(steps);
  script.followUps.forEach((followUp, i) => {
    if (!openedBy.has(followUp.id)) error(['followUps', i], `follow-up "${followUp.id}" is declared but no follow-up step opens it`);
  });
}

/** On one path, a follow-up is opened once. */
function checkFollowUpsOpenedOnce(steps: StepAt[], error: Report): void {
  for (const [id, at] of openers(steps)) {
    if (at.length > 1)
      error(
        [...(at[1] as StepAt).path, 'action', 'inputs', 'create'],
        `follow-up "${id}" is opened by steps ${at.map((o) => o.step.number).join(' and ')}: open it once`,
      );
  }
}
