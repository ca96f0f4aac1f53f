import { z } from 'zod';
import type { ActionKind } from './actions.js';
import type { Act, Script, Step } from './script.js';

/**
 * The branches of a script: where the DR document says "if ... otherwise", a step decides, and the
 * acts written for the branch not taken become not applicable. A branch may end the ceremony there
 * (4.1.2 A and 4.2.2 A: "Schedule an alternate date for the Key Ceremony if there is sufficient
 * time"), with acts of its own that record the decision and close the ceremony properly.
 *
 * A decision is made by a step of a deciding kind, from what the log records when it is performed
 * (the deadline recorded at the step, who signed in), never from what someone says beforehand.
 */

export const branchIds = ['alternate-date', 'proceed-now', 'cos-present', 'cos-absent'] as const;
export const branchIdSchema = z.enum(branchIds);
export type BranchId = z.infer<typeof branchIdSchema>;

/** The action kinds that decide, and the branches each decides between (all of them must be declared). */
export const decidingKinds: Partial<Record<ActionKind, readonly BranchId[]>> = {
  /** The deadline recorded when the step starts allows an alternate date, or not (a decision against it is a witnessed exception). */
  'schedule-alternate': ['alternate-date', 'proceed-now'],
  /** The Crypto Officers signed in meet their quorum, or not (DR 4.3.2: "whether or not COs are available"). */
  'sign-in': ['cos-present', 'cos-absent'],
};

export const branchSchema = z.strictObject({
  id: branchIdSchema,
  title: z.string().trim().min(1),
  /** The step whose result decides it. */
  decidedAt: z.string().min(1),
  /** The branch ends the ceremony: its acts record the decision and close it; no ceremony is held (not filmed, no HSM). */
  ends: z.boolean().optional(),
});
export type BranchDeclaration = z.infer<typeof branchSchema>;

export function branchesOf(script: Script): readonly BranchDeclaration[] {
  return script.branches ?? [];
}

/** The decisions of a script: each deciding step with the branches it decides between. */
export function decisionsOf(script: Script): { stepId: string; branches: BranchDeclaration[] }[] {
  const byStep = new Map<string, BranchDeclaration[]>();
  for (const b of branchesOf(script)) byStep.set(b.decidedAt, [...(byStep.get(b.decidedAt) ?? []), b]);
  return [...byStep.entries()].map(([stepId, branches]) => ({ stepId, branches }));
}

/** Every combination of choices, one branch per decision (a single empty path for a script without branches). */
export function branchPaths(script: Script): BranchDeclaration[][] {
  let paths: BranchDeclaration[][] = [[]];
  for (const decision of decisionsOf(script)) paths = paths.flatMap((path) => decision.branches.map((b) => [...path, b]));
  return paths;
}

/** Whether an act applies on a path (an act without a branch applies on every path). */
export function actApplies(act: Act, path: readonly { id: string }[]): boolean {
  return act.branch === undefined || path.some((b) => b.id === act.branch);
}

/** The steps of the acts written for the other branches of the decision made at `stepId`: not applicable once `taken` is decided. */
export function notApplicableWhen(script: Script, stepId: string, taken: BranchId): Step[] {
  const others = new Set(
    branchesOf(script)
      .filter((b) => b.decidedAt === stepId && b.id !== taken)
      .map((b) => b.id as string),
  );
  return script.acts.filter((act) => act.branch !== undefined && others.has(act.branch)).flatMap((act) => act.steps);
}

/** The branch a step's act belongs to, with its declaration, or null for a step on every path. */
export function branchOfStep(script: Script, stepId: string): BranchDeclaration | null {
  const act = script.acts.find((a) => a.steps.some((s) => s.id === stepId));
  return act?.branch ? (branchesOf(script).find((b) => b.id === act.branch) ?? null) : null;
}

/** An act's title as printed: an act on a branch says when it applies. */
export function actTitle(script: Script, act: Act): string {
  const branch = act.branch ? branchesOf(script).find((b) => b.id === act.branch) : undefined;
  return branch ? `${act.title} (only if: ${branch.title})` : act.title;
}
