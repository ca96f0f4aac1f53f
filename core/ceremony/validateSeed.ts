import { drProcedures, isDrProcedureId, parseSeedStep, procedureLabel, seedStepRef, type DrProcedure, type SigningKey } from './procedures.js';
import type { Path } from './resolve.js';
import type { Script } from './script.js';
import type { StepAt } from './validate.js';

/**
 * A DR script must carry out every numbered step of its seed procedure, in the seed's order, and
 * sign the SKR with the key the seed says (the existing KSK, the reconstructed one, a new or a
 * temporary one). An adaptation may add steps, reword them or change roles, never drop these.
 */
export function validateSeedRules(script: Script, steps: StepAt[], error: (path: Path, message: string) => void): void {
  const dr = isDrProcedureId(script.procedure) ? drProcedures[script.procedure] : null;
  const seedSteps = [
    ...steps.filter((s) => s.step.seedStep !== undefined).map((s) => ({ ref: s.step.seedStep as string, path: [...s.path, 'seedStep'], at: s })),
    ...script.followUps.flatMap((f, i) => (f.seedStep ? [{ ref: f.seedStep, path: ['followUps', i, 'seedStep'], at: undefined }] : [])),
  ];
  if (!dr) {
    if (script.disaster) error(['disaster'], `only a disaster-recovery procedure has a disaster; ${script.procedure} has none`);
    for (const { path } of seedSteps) error(path, `seed steps belong to the DR procedures; this script is ${script.procedure}`);
    return;
  }
  const label = procedureLabel(dr.id);
  if (script.disaster !== dr.disaster) error(['disaster'], `${label} is a ${dr.disaster} disaster procedure: disaster must be ${dr.disaster}`);
  if (!script.seedReference)
    error(['seedReference'], `a DR script names the section of the DR document it carries out (here ${dr.section}${dr.variant ? ` ${dr.variant}` : ''})`);

  const first = new Map<number, StepAt>();
  for (const { ref, path, at } of seedSteps) {
    const parsed = parseSeedStep(ref);
    if (!parsed || parsed.procedure !== dr.id)
      error(path, `${ref} is not a step of ${label} (its steps are ${seedStepRef(dr.id, 1)} to ${seedStepRef(dr.id, dr.steps.length)})`);
    else if (at && !first.has(parsed.number)) first.set(parsed.number, at);
  }
  let previous: { at: StepAt; number: number } | undefined;
  dr.steps.forEach((text, i) => {
    const at = first.get(i + 1);
    if (!at) return error(['acts'], `seed step ${seedStepRef(dr.id, i + 1)} is carried out by no step: "${text}"`);
    if (previous && at.index < previous.at.index) {
      error(
        [...at.path, 'seedStep'],
        `step ${at.step.number} is the first for seed step ${seedStepRef(dr.id, i + 1)} but comes before step ${previous.at.step.number}, the first for seed step ${seedStepRef(dr.id, previous.number)}: keep the seed's order`,
      );
    }
    previous = { at, number: i + 1 };
  });
  checkSigningKey(dr, steps, error);
}

const keyWords: Record<SigningKey, string> = {
  existing: 'the existing KSK',
  reconstructed: 'the KSK reconstructed from the backup in this ceremony',
  new: 'a new KSK generated in this ceremony',
  temporary: 'a temporary KSK generated in this ceremony',
};

/** What a sign step's signWith designates, in the seed's terms. */
function signingKeyOf(signWith: 'current' | { fromStep: string }, steps: StepAt[]): SigningKey | null {
  if (signWith === 'current') return 'existing';
  const source = steps.find((s) => s.step.id === signWith.fromStep)?.step.action;
  if (source?.kind === 'reconstruct-ksk') return 'reconstructed';
  if (source?.kind === 'generate-ksk') return source.inputs.key;
  return null;
}

function checkSigningKey(dr: DrProcedure, steps: StepAt[], error: (path: Path, message: string) => void): void {
  const label = procedureLabel(dr.id);
  const signs = steps.filter((s) => s.step.action.kind === 'sign-ksr');
  if (signs.length === 0) error(['acts'], `${label} signs a KSR: the script needs a sign-ksr step`);
  const signingSteps = new Set<string>();
  for (const at of steps) {
    if (at.step.action.kind !== 'sign-ksr' && at.step.action.kind !== 'sign-additional-ksrs') continue;
    const { signWith } = at.step.action.inputs;
    if (signWith !== 'current') signingSteps.add(signWith.fromStep);
    const actual = signingKeyOf(signWith, steps);
    if (actual !== null && actual !== dr.signingKey) {
      error(
        [...at.path, 'action', 'inputs', 'signWith'],
        `in ${label} the SKR is signed with ${keyWords[dr.signingKey]}; this step signs with ${keyWords[actual]}`,
      );
    }
  }
  for (const at of steps) {
    if (at.step.action.kind !== 'publish-trust-anchor' || signingSteps.has(at.step.action.inputs.key.fromStep)) continue;
    error(
      [...at.path, 'action', 'inputs', 'key'],
      `the trust anchor published here is not the key that signs the SKR: validators would trust one key and receive signatures from another; publish the key of the sign-ksr step`,
    );
  }
}
