/**
 * The action kinds of a script step, once, as the one union every part of an action is keyed by:
 * its script inputs (core/ceremony/actions.ts), what the room supplies (stepInputs.ts), what it
 * records (actionResults.ts), its executor, its rehearsal answer, its printed record lines, its
 * form and its projector hashes. Each part is a map typed `{ [K in ActionKind]: Part<K> }`, so a
 * kind added here fails the type check until every part has it (test/unit/actionKinds.types.ts).
 * The vocabulary follows dr-playbooks.md (the seed's step kinds) and ceremony.md (the acts of a
 * standard ceremony); the contract holds it so that the renderer can key its parts by it too.
 */
export const actionKinds = [
  'manual',
  'notify',
  'schedule-alternate',
  'courier-keys',
  'assess-duration',
  'approve-plan',
  'choose-algorithm',
  'sign-in',
  'sign-out',
  'camera-start',
  'camera-stop',
  'clock-check',
  'hash-check',
  'teb-check',
  'teb-seal',
  'drill-safe-deposit-box',
  'hsm-initialize',
  'hsm-activate',
  'hsm-deactivate',
  'generate-ksk',
  'destroy-ksk',
  'reconstruct-ksk',
  'backup-ksk',
  'sign-ksr',
  'sign-additional-ksrs',
  'store-rrsigs',
  'release-rrsigs',
  'publish-trust-anchor',
  'replace-hardware',
  'distribute-credentials',
  'exceptions-review',
  'attestation',
  'export',
  'follow-up',
  'discharge-follow-up',
] as const;

export type ActionKind = (typeof actionKinds)[number];

export function isActionKind(kind: string): kind is ActionKind {
  return (actionKinds as readonly string[]).includes(kind);
}
