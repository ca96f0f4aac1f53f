import type { ScriptSummary, ScriptView } from '../../contract/ceremonyState.js';
import { actionInfo } from '../actions.js';
import { branchesOf } from '../branches.js';
import type { Script, Step } from '../script.js';

/** A script as the contract shows it: the document itself, with each action's title and evidence. */

export function scriptSummary(script: Script, sha256: string): ScriptSummary {
  return {
    id: script.id,
    version: script.version,
    title: script.title,
    summary: script.summary,
    procedure: script.procedure,
    ...(script.disaster ? { disaster: script.disaster } : {}),
    ...(script.seedReference ? { seedReference: script.seedReference } : {}),
    sha256,
  };
}

export function stepView(step: Step): ScriptView['acts'][number]['steps'][number] {
  const info = actionInfo[step.action.kind];
  return {
    id: step.id,
    number: step.number,
    text: step.text,
    roles: [...step.roles],
    initial: step.initial,
    ...(step.seedStep ? { seedStep: step.seedStep } : {}),
    action: {
      kind: step.action.kind,
      title: info.title,
      evidence: info.evidence,
      inputs: JSON.parse(JSON.stringify(step.action.inputs)) as Record<string, never>,
    },
  };
}

export function scriptView(script: Script, sha256: string): ScriptView {
  return {
    ...scriptSummary(script, sha256),
    ...(script.facility ? { facility: script.facility } : {}),
    ...(script.basedOn ? { basedOn: script.basedOn } : {}),
    roles: script.roles.map((r) => ({ ...r })),
    quorums: Object.fromEntries(Object.entries(script.quorums).map(([id, q]) => [id, { ...q }])),
    hsms: script.hsms.map((h) => ({ ...h })),
    acts: script.acts.map((act) => ({
      number: act.number,
      title: act.title,
      phase: act.phase,
      ...(act.branch ? { branch: act.branch } : {}),
      steps: act.steps.map(stepView),
    })),
    followUps: script.followUps.map((f) => ({ ...f })),
    branches: branchesOf(script).map((b) => ({ id: b.id, title: b.title, decidedAt: b.decidedAt, ends: b.ends ?? false })),
  };
}
