import { KskError } from '../errors.js';
import { standardSchemas, uniformSchema, type Schema } from './policy.js';
import { compareQuarters, nextQuarter, parseQuarter, quarterName, slotExpiration, slotInception, type Quarter } from './quarter.js';
import { SECONDS_PER_DAY, isoTime } from './time.js';

/**
 * RFC 5011 KSK rollover planning: which schema to sign each quarter's KSR with, and from when each
 * step is allowed, so that validators that follow RFC 5011 accept the new KSK before it signs
 * alone (add hold-down) and see the old one revoked long enough to drop it (remove hold-down).
 */

export interface RolloverInput {
  /** Key names in the signing policy (what schemas refer to). */
  currentKsk: string;
  newKsk: string;
  /** The quarter whose KSR first publishes the new KSK (from its slot 2). */
  prePublishQuarter: string;
  /** Roll in this quarter rather than the first allowed one (a later one keeps the new KSK in publication longer). */
  rolloverQuarter?: string;
  /** Revoke in this quarter rather than the one right after the rollover. */
  revokeQuarter?: string;
  addHoldDownDays?: number;
  removeHoldDownDays?: number;
}

export type RolloverPhase = 'pre-publish' | 'publish+' | 'rollover' | 'rollover+' | 'revoke' | 'normal';

/** A change a step makes to the zone, when it takes effect, and the earliest RFC 5011 allows it. */
export interface RolloverConstraint {
  what: string;
  effectiveFrom: string;
  allowedFrom: string;
  ok: boolean;
}

export interface RolloverStep {
  quarter: string;
  schemaName: RolloverPhase;
  schema: Schema;
  description: string;
  constraints: RolloverConstraint[];
  ok: boolean;
}

export interface RolloverMilestone {
  what: string;
  at: string;
}

export interface RolloverPlan {
  steps: RolloverStep[];
  milestones: RolloverMilestone[];
  ok: boolean;
}

function constraint(what: string, effective: number, allowed: number): RolloverConstraint {
  return { what, effectiveFrom: isoTime(effective), allowedFrom: isoTime(allowed), ok: effective >= allowed };
}

function step(quarter: Quarter, schemaName: RolloverPhase, schema: Schema, description: string, constraints: RolloverConstraint[] = []): RolloverStep {
  return { quarter: quarterName(quarter), schemaName, schema, description, constraints, ok: constraints.every((c) => c.ok) };
}

export function planRollover(input: RolloverInput): RolloverPlan {
  const { currentKsk: current, newKsk: next } = input;
  if (current === next) throw new KskError('BAD_REQUEST', 'The new KSK must differ from the current one.');
  const addHoldDown = (input.addHoldDownDays ?? 30) * SECONDS_PER_DAY;
  const removeHoldDown = (input.removeHoldDownDays ?? 30) * SECONDS_PER_DAY;
  const schemas = standardSchemas(current, next);
  const s = (name: RolloverPhase) => schemas[name] as Schema;

  const prePublish = parseQuarter(input.prePublishQuarter);
  const published = slotInception(prePublish, 2);
  const rollAllowed = published + addHoldDown;
  let roll = nextQuarter(prePublish);
  if (input.rolloverQuarter) roll = parseQuarter(input.rolloverQuarter);
  else while (slotInception(roll, 2) < rollAllowed) roll = nextQuarter(roll);
  if (compareQuarters(roll, prePublish) <= 0) throw new KskError('BAD_REQUEST', 'The rollover quarter must come after the pre-publish quarter.');

  // The old KSK signs slot 1 of the rollover quarter for the last time; it is revoked only once that signature has expired.
  const lastOldSignature = slotExpiration(roll, 1);
  const revoke = input.revokeQuarter ? parseQuarter(input.revokeQuarter) : nextQuarter(roll);
  if (compareQuarters(revoke, roll) <= 0) throw new KskError('BAD_REQUEST', 'The revoke quarter must come after the rollover quarter.');
  const revokedAt = slotInception(revoke, 2);
  const removedAt = slotInception(revoke, 9);

  const steps: RolloverStep[] = [step(prePublish, 'pre-publish', s('pre-publish'), `publish ${next} beside ${current} from slot 2; ${current} keeps signing`)];
  for (let q = nextQuarter(prePublish); compareQuarters(q, roll) < 0; q = nextQuarter(q)) {
    steps.push(step(q, 'publish+', s('publish+'), `keep ${next} in publication; ${current} signs`));
  }
  steps.push(
    step(roll, 'rollover', s('rollover'), `${next} signs from slot 2; ${current} signs slot 1 for the last time`, [
      constraint(
        `${next} signs alone only after the add hold-down (${addHoldDown / SECONDS_PER_DAY} days) since its publication`,
        slotInception(roll, 2),
        rollAllowed,
      ),
    ]),
  );
  for (let q = nextQuarter(roll); compareQuarters(q, revoke) < 0; q = nextQuarter(q)) {
    steps.push(step(q, 'rollover+', s('rollover+'), `${next} signs; ${current} stays published, unused`));
  }
  steps.push(
    step(revoke, 'revoke', s('revoke'), `${current} published revoked (flags 385) and self-signed in slots 2 to 8, removed in slot 9`, [
      constraint(`${current} is revoked only after its last signature has expired`, revokedAt, lastOldSignature),
      constraint(
        `${current} is removed only after the remove hold-down (${removeHoldDown / SECONDS_PER_DAY} days) since its revocation`,
        removedAt,
        revokedAt + removeHoldDown,
      ),
    ]),
    step(nextQuarter(revoke), 'normal', uniformSchema('normal', { publish: [next], sign: [next] }), `${next} alone, as the current KSK`),
  );
  const milestones: RolloverMilestone[] = [
    { what: `${next} first published (pre-publish)`, at: isoTime(published) },
    { what: 'add hold-down ends: rollover allowed', at: isoTime(rollAllowed) },
    { what: `${next} starts signing (rollover)`, at: isoTime(slotInception(roll, 2)) },
    { what: `last signature by ${current} expires`, at: isoTime(lastOldSignature) },
    { what: `${current} published revoked`, at: isoTime(revokedAt) },
    { what: 'remove hold-down ends: removal allowed', at: isoTime(revokedAt + removeHoldDown) },
    { what: `${current} removed`, at: isoTime(removedAt) },
  ];
  return { steps, milestones, ok: steps.every((x) => x.ok) };
}
