import { KskError } from '../errors.js';
import { capabilitiesOf, rsaSizesOf, type Capability, type CapabilityId, type HsmProfile } from '../hsm/capabilities.js';
import type { KskAlgorithm } from '../hsm/port.js';
import type { ActionInputs } from './actions.js';
import { findStep, scriptSteps, type Script } from './script.js';

/**
 * What a ceremony will ask of each of its HSMs, read from its script before it opens, so that a
 * token that lacks something (an algorithm, a key size, key wrapping for the backup, the PIN length
 * split-PIN activation sets) is named before anyone starts, never found in the middle of a step.
 */

type AlgorithmChoice = ActionInputs<'choose-algorithm'>['candidates'][number];

/** One thing a step asks of an HSM: a capability, and for an RSA key its size. */
export interface HsmNeed {
  capability: CapabilityId;
  rsaBits?: number;
}

/** A step's demand on one HSM: any one of the choices will do (a choice of algorithm lets the PMA pick one the HSM has). */
export interface StepNeed {
  hsmId: string;
  stepId: string;
  what: string;
  anyOf: HsmNeed[][];
}

function keyNeeds(choice: AlgorithmChoice): HsmNeed[] {
  const algorithm = choice.algorithm as KskAlgorithm;
  return [
    { capability: `generate:${algorithm}`, ...(choice.size !== undefined && algorithm === 'RSASHA256' ? { rsaBits: choice.size } : {}) },
    { capability: `sign:${algorithm}` },
  ];
}

function choicesOf(script: Script, algorithm: AlgorithmChoice | { fromStep: string }): AlgorithmChoice[] {
  if (!('fromStep' in algorithm)) return [algorithm];
  const step = findStep(script, algorithm.fromStep);
  return step?.action.kind === 'choose-algorithm' ? step.action.inputs.candidates : [];
}

/**
 * The needs of every step that drives an HSM. currentKsk: the algorithm of the operator's current
 * KSK when the workspace knows it (a step that signs with it needs that algorithm); activation: how
 * each bound HSM is activated.
 */
export function hsmNeeds(script: Script, options: { currentKsk: KskAlgorithm | null; activation: ReadonlyMap<string, 'native' | 'split-pin'> }): StepNeed[] {
  const out: StepNeed[] = [];
  const keyAlgorithms = new Map<string, AlgorithmChoice[]>();
  for (const { step } of scriptSteps(script)) {
    const need = (hsmId: string, what: string, anyOf: HsmNeed[][]) => out.push({ hsmId, stepId: step.id, what, anyOf });
    const a = step.action;
    switch (a.kind) {
      case 'generate-ksk': {
        const choices = choicesOf(script, a.inputs.algorithm);
        keyAlgorithms.set(step.id, choices);
        if (choices.length > 0) need(a.inputs.hsm, 'generates the KSK', choices.map(keyNeeds));
        break;
      }
      case 'sign-ksr':
      case 'sign-additional-ksrs': {
        const ref = a.inputs.signWith;
        const choices = ref === 'current' ? (options.currentKsk ? [{ algorithm: options.currentKsk }] : []) : (keyAlgorithms.get(ref.fromStep) ?? []);
        if (choices.length > 0)
          need(
            a.inputs.hsm,
            'signs the KSR',
            choices.map((c) => [{ capability: `sign:${c.algorithm as KskAlgorithm}` }]),
          );
        break;
      }
      case 'backup-ksk':
        need(a.inputs.hsm, 'backs the KSK up', [[{ capability: 'backup-by-wrapping' }]]);
        break;
      case 'reconstruct-ksk':
        need(a.inputs.hsm, 'restores the KSK from its backup', [[{ capability: 'restore-from-backup' }]]);
        break;
      case 'hsm-initialize':
        if (options.activation.get(a.inputs.hsm) === 'split-pin')
          need(a.inputs.hsm, 'commissions split-PIN activation', [[{ capability: 'split-pin-activation' }]]);
        break;
      default:
        break;
    }
  }
  return out;
}

/** Whether a token's capabilities meet one need (an RSA size among those it makes included). */
function meets(capabilities: readonly Capability[], rsaSizes: readonly number[], need: HsmNeed): string | null {
  const capability = capabilities.find((c) => c.id === need.capability);
  if (!capability?.supported) return `${need.capability} (${capability?.detail ?? 'unknown to the app'})`;
  if (need.rsaBits !== undefined && !rsaSizes.includes(need.rsaBits))
    return `${need.capability} with ${need.rsaBits} bits (the token makes ${rsaSizes.join(' or ')} bits)`;
  return null;
}

/** What each HSM lacks of what the ceremony needs, one line per step, naming the capability. */
export function unmetNeeds(needs: readonly StepNeed[], profiles: ReadonlyMap<string, HsmProfile>): string[] {
  const lines: string[] = [];
  for (const n of needs) {
    const profile = profiles.get(n.hsmId);
    if (!profile) continue;
    const capabilities = capabilitiesOf(profile);
    const rsaSizes = rsaSizesOf(profile);
    const failures = n.anyOf.map((choice) => choice.map((need) => meets(capabilities, rsaSizes, need)).filter((x): x is string => x !== null));
    if (failures.some((f) => f.length === 0)) continue;
    const missing = [...new Set(failures.flat())];
    lines.push(
      `${n.hsmId} (token "${profile.token.label}", ${profile.module.description} ${profile.module.libraryVersion}) ${n.what} at step ${n.stepId} but lacks ${n.anyOf.length > 1 ? 'for every algorithm it may be given: ' : ''}${missing.join(', ')}`,
    );
  }
  return lines;
}

/** Refuses a ceremony its HSMs cannot carry out, naming every missing capability. */
export function assertNeedsMet(needs: readonly StepNeed[], profiles: ReadonlyMap<string, HsmProfile>): void {
  const lines = unmetNeeds(needs, profiles);
  if (lines.length > 0) throw new KskError('POLICY_FAILURE', `The ceremony cannot start: ${lines.join('; ')}.`);
}
