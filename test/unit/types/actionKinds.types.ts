/**
 * Type-level test, checked by `tsc -b` in the build (nothing runs): each action kind is defined
 * once, keyed by the one union of core/contract/actionKinds.ts, so a kind lacking any part and a
 * result field read under another name are type errors. Each `@ts-expect-error` fails the build
 * if the error it expects goes away. test/unit/types/actionParts.test.ts does the same on the
 * real files, with a fake kind and a renamed field.
 */
import { actionInputSchemas } from '../../../core/ceremony/actions.js';
import { executors } from '../../../core/ceremony/engine/executors/index.js';
import type { Executor } from '../../../core/ceremony/engine/run.js';
import type { ActionKind } from '../../../core/contract/actionKinds.js';
import { actionResultSchemas, type ActionResultOf } from '../../../core/contract/actionResults.js';
import { stepInputSchemas } from '../../../core/contract/stepInputs.js';

/** The kinds as they would be with one more added to actionKinds.ts. */
type WithFake = ActionKind | 'fake-kind';
type Every<T> = { readonly [K in WithFake]: T };

// A fake kind lacks every part until each is written.
// @ts-expect-error the script's input schemas lack 'fake-kind'
export const inputsOfFake: Every<unknown> = actionInputSchemas;
// @ts-expect-error what the room supplies lacks 'fake-kind'
export const stepInputsOfFake: Every<unknown> = stepInputSchemas;
// @ts-expect-error the result schemas lack 'fake-kind'
export const resultsOfFake: Every<unknown> = actionResultSchemas;
// @ts-expect-error the executors lack 'fake-kind'
export const executorsOfFake: Every<unknown> = executors;

// The parts' own types demand every kind: a map without one is refused.
const { 'teb-seal': _tebSeal, ...withoutTebSeal } = executors;
// @ts-expect-error the executors' type needs teb-seal
export const executorsWithoutOne: typeof executors = withoutTebSeal;

// An executor records its own kind's result, under the schema's names.
// @ts-expect-error a clock check does not record a hash check's result
export const wrongResult: Executor<'clock-check'> = async () => ({ result: { subject: 'OS image', hex: '', pgpWords: [], form: 'hex' } });
// @ts-expect-error the field is skewSeconds: a field renamed where the executor writes it is refused
export const renamedInExecutor: Executor<'clock-check'> = async () => ({
  result: { appTime: '', referenceTime: '', skew: 0, maxSkewSeconds: 5, withinLimit: true, exceptionId: null },
});

// What the record and the projector read is typed: a field under another name is an error there.
// @ts-expect-error the clock check records skewSeconds, not skew
export const readRenamed = (r: ActionResultOf<'clock-check'>): number => r.skew;
// @ts-expect-error the trust anchor's words are digestPgpWords
export const wordsRenamed = (r: ActionResultOf<'publish-trust-anchor'>): string[] => r.digestWords;
