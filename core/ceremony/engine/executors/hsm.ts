import type { CeremonyState } from '../../../contract/ceremonyState.js';
import type { CredentialInput, StepInputOf } from '../../../contract/stepInputs.js';
import { KskError } from '../../../errors.js';
import { credentials } from '../../../evidence/registers/credentials.js';
import type { StoredEvent } from '../../../evidence/stored.js';
import { activateNative, activateWithShares, commissionSplitPinOnToken, type SplitPinCommissioning } from '../../../hsm/quorum.js';
import { parseShareText, shareSheet, type Share } from '../../../hsm/shares.js';
import type { Step } from '../../script.js';
import type { CeremonyEngine } from '../engine.js';
import type { Execution, Json, StepRun } from '../run.js';
import type { LiveHsm } from '../sessions.js';

/**
 * Bringing HSMs into service, activating them with M distinct Crypto Officers, and switching them
 * off. Split PIN: the PIN set at commissioning is split into one share per CO (core/hsm/quorum.ts);
 * the log keeps the commitment and the share hashes, never a share. Native: the HSM checks the CO
 * cards itself; the app records which cards were presented.
 */

type Quorum = { m: number; n: number; role: string };

/** PKCS#11 cannot re-initialise a token without losing its SO PIN; the result says what the app did and did not do. */
const AS_FOUND =
  'the app commissioned the activation credentials of the token as it found it; erasing a token is done beforehand with its vendor tool (a rehearsal token is new)';

function quorumOf(run: StepRun, id: string): Quorum {
  const q = run.script.quorums[id];
  if (!q) throw new KskError('INTERNAL', `The script declares no quorum "${id}".`);
  return q;
}

/** The latest commissioning of a token, workspace-wide (same mode): what its CO credentials must match. */
export function commissioningOf(run: StepRun, live: LiveHsm): StoredEvent<'hsm.commissioned'> {
  const found = run.deps.store
    .workspaceEvents(['hsm.commissioned'], { rehearsal: run.rehearsal })
    .filter((e) => e.payload.tokenLabel === live.binding.tokenLabel)
    .at(-1);
  if (!found)
    throw new KskError(
      'CONFLICT',
      `The token "${live.binding.tokenLabel}" has never been commissioned in this workspace: its Crypto Officers hold no credentials the app knows.`,
    );
  return found;
}

function splitPinRecord(commissioned: StoredEvent<'hsm.commissioned'>): SplitPinCommissioning {
  return commissioned.payload.record as unknown as SplitPinCommissioning;
}

export async function hsmInitialize(run: StepRun, input: StepInputOf<'hsm-initialize'>): Promise<Execution<'hsm-initialize'>> {
  const inputs = run.step.action.inputs as { hsm: string; quorum: string; issueTo: 'holders' | 'sealed-for-distribution' };
  const q = quorumOf(run, inputs.quorum);
  if (inputs.issueTo === 'sealed-for-distribution' && input.holders.length > 0)
    throw new KskError('BAD_REQUEST', `Step ${run.step.number} seals every credential for distribution: no holder receives one now.`);
  if (input.holders.length > q.n) throw new KskError('BAD_REQUEST', `The quorum has ${q.n} holders; ${input.holders.length} were named.`);
  const holders = input.holders.map((id) => {
    const p = run.state.participants.find((x) => x.personId === id && x.signedOutAt === null);
    if (!p) throw new KskError('CONFLICT', `${id} is not signed in: a credential goes only to a holder present.`);
    if (!p.roles.includes(q.role)) throw new KskError('CONFLICT', `${p.name} is not a ${q.role}.`);
    return p;
  });
  if (new Set(input.holders).size !== input.holders.length) throw new KskError('BAD_REQUEST', 'A holder is named twice.');
  const live = await run.hsm(inputs.hsm);
  const identity = await live.session.identity();
  const token = { tokenLabel: identity.token.label, tokenSerial: identity.token.serial || 'unknown' };
  const holderOf = (i: number) => {
    const p = holders[i];
    return p
      ? { holderId: p.personId, holderName: p.name }
      : { holderId: `sealed-${inputs.quorum}-${i + 1}`, holderName: `sealed for distribution to ${q.role} ${i + 1}` };
  };
  // Credentials of an earlier commissioning of this token stop counting.
  const previousSets = new Set(
    run.deps.store
      .workspaceEvents(['hsm.commissioned'], { rehearsal: run.rehearsal })
      .filter((e) => e.payload.tokenLabel === token.tokenLabel)
      .map((e) => e.payload.set),
  );
  const retire = (set: string) =>
    credentials(run.deps.store, { rehearsal: run.rehearsal })
      .filter((c) => c.retired === null && c.set !== set && previousSets.has(c.set))
      .forEach((c) =>
        run.append('credential.retired', {
          credentialId: c.credentialId,
          reason: `superseded by commissioning ${set} of ${token.tokenLabel}`,
          stepId: run.step.id,
        }),
      );

  if (live.binding.activation === 'native') {
    const cards = input.cards ?? [];
    if (cards.length !== q.n) throw new KskError('BAD_REQUEST', `The HSM issues ${q.n} CO cards here; ${cards.length} card ids were entered.`);
    const set = `${inputs.quorum}:${token.tokenSerial}-${run.deps.clock.now().getTime().toString(36)}`;
    run.append('hsm.commissioned', {
      hsmId: inputs.hsm,
      ...token,
      activation: 'native',
      set,
      stepId: run.step.id,
      record: { cards, threshold: q.m, total: q.n },
    });
    retire(set);
    run.append('quorum.defined', { set, threshold: q.m, total: q.n });
    cards.forEach((card, i) => run.append('credential.issued', { credentialId: `${set}:${card}`, kind: 'co-card', set, ...holderOf(i), stepId: run.step.id }));
    return {
      result: {
        hsmId: inputs.hsm,
        activation: 'native',
        set,
        threshold: q.m,
        total: q.n,
        issued: cards.map((card, i) => ({ credentialId: `${set}:${card}`, ...holderOf(i) })),
        token: AS_FOUND,
      },
    };
  }

  const soPin = input.soPin ?? (await run.deps.hsm.rehearsalSoPin(live.binding));
  if (!soPin) throw new KskError('BAD_REQUEST', `Initialising ${inputs.hsm} needs its Security Officer PIN.`);
  const { record, shares } = await commissionSplitPinOnToken(live.session, { soPin, threshold: q.m, total: q.n, clock: run.deps.clock });
  await live.session.logout();
  const set = `${inputs.quorum}:${record.commissioningId}`;
  run.append('hsm.commissioned', {
    hsmId: inputs.hsm,
    ...token,
    activation: 'split-pin',
    set,
    stepId: run.step.id,
    record: record as unknown as Record<string, never>,
  });
  retire(set);
  run.append('quorum.defined', { set, threshold: q.m, total: q.n });
  const issued = shares.map((share, i) => ({ credentialId: `${set}:${share.index}`, ...holderOf(i) }));
  for (const c of issued) run.append('credential.issued', { ...c, kind: 'co-card', set, stepId: run.step.id });
  const sheets = shares.map((share, i) => ({
    ...issued[i],
    sheet: shareSheet(share, { title: `KSK Ceremony${run.rehearsal ? ' REHEARSAL' : ''}: ${inputs.hsm} activation share`, createdAt: record.createdAt }),
  }));
  for (const s of shares) s.data.fill(0);
  return {
    result: {
      hsmId: inputs.hsm,
      activation: 'split-pin',
      set,
      commissioningId: record.commissioningId,
      threshold: q.m,
      total: q.n,
      pinCommitment: record.pinCommitment,
      issued,
      token: AS_FOUND,
    },
    // The share sheets go to the printer (or, in a rehearsal, to the simulated holders); never into the log.
    outcome: { shares: sheets },
  };
}

/** A completed activation step may be performed again when the app restarted while its HSM was active. */
export function reactivationAllowed(engine: CeremonyEngine, state: CeremonyState, step: Step): boolean {
  if (step.action.kind !== 'hsm-activate') return false;
  const view = state.acts.flatMap((a) => a.steps).find((s) => s.id === step.id);
  const hsm = state.hsms.find((h) => h.id === (step.action.inputs as { hsm: string }).hsm);
  return view?.status === 'completed' && hsm?.active === true && !engine.sessions.live(state.ceremonyId, hsm.id)?.loggedIn;
}

export async function presentCredential(run: StepRun, presenter: CeremonyState['participants'][number], credential: CredentialInput): Promise<Json> {
  const kind = run.step.action.kind;
  if (kind !== 'hsm-activate' && kind !== 'reconstruct-ksk') throw new KskError('BAD_REQUEST', `Step ${run.step.number} takes no credentials.`);
  const inputs = run.step.action.inputs as { hsm: string; quorum: string; presentedBy?: 'holders' | 'operator-staff' };
  const q = quorumOf(run, inputs.quorum);
  const held = run.sessions.held(run.ceremonyId, run.step.id);
  let credentialId: string;
  let share: Share | null = null;
  if (credential.kind === 'share') {
    share = parseShareText(credential.text);
    if (kind === 'hsm-activate') {
      const commissioned = commissioningOf(run, await run.hsm(inputs.hsm));
      if (commissioned.payload.activation !== 'split-pin')
        throw new KskError('BAD_REQUEST', `${inputs.hsm} is activated by its own CO cards, not by PIN shares.`);
      const record = splitPinRecord(commissioned);
      if (share.kind !== 'pin' || share.setId !== record.commissioningId)
        throw new KskError('BAD_INPUT_FILE', `This share is not an activation share of ${inputs.hsm} (commissioning ${record.commissioningId.toUpperCase()}).`);
      credentialId = `${commissioned.payload.set}:${share.index}`;
    } else {
      if (share.kind !== 'backup') throw new KskError('BAD_INPUT_FILE', 'This share is not a share of a KSK backup key.');
      credentialId = `${inputs.quorum}:${share.setId}:${share.index}`;
    }
  } else {
    credentialId = credential.credentialId;
  }
  const issued = credentials(run.deps.store, { rehearsal: run.rehearsal }).find((c) => c.credentialId === credentialId && c.retired === null);
  if (!issued) throw new KskError('NOT_FOUND', `No active credential ${credentialId} is on record: it was never issued, or it was retired.`);
  if (held.shares.has(credentialId) || held.cards.has(credentialId))
    throw new KskError('CONFLICT', `Credential ${credentialId} has already been presented at this step.`);
  const byStaff = inputs.presentedBy === 'operator-staff';
  if (!byStaff) {
    if (issued.holderId !== presenter.personId)
      throw new KskError(
        'CONFLICT',
        `Credential ${credentialId} was issued to ${issued.holderName}, not to ${presenter.name}: each holder presents their own.`,
      );
  }
  const presentedBy = new Set(
    [...held.shares.keys(), ...held.cards.keys()].map(
      (id) =>
        run.state.acts
          .flatMap((a) => a.steps)
          .find((s) => s.id === run.step.id)
          ?.quorum?.presented.find((p) => p.credentialId === id)?.personId,
    ),
  );
  if (!byStaff && presentedBy.has(presenter.personId))
    throw new KskError('CONFLICT', `${presenter.name} has already presented a credential: the quorum needs ${q.m} distinct holders.`);
  run.append('credential.presented', { credentialId, personId: presenter.personId, stepId: run.step.id });
  if (byStaff) {
    const iws = run.state.participants.filter((p) => p.signedOutAt === null && (p.roles.includes('IW') || p.roles.includes('IW2'))).map((p) => p.personId);
    const exceptionId = `by-staff-${credentialId.replace(/[^A-Za-z0-9]+/g, '-')}-${run.deps.store.head(run.ceremonyId)?.seq ?? 0}`.slice(0, 120);
    run.append('exception', {
      exceptionId,
      stepId: run.step.id,
      expected: `${issued.holderName} presents credential ${credentialId} in person`,
      happened: `${presenter.name} (operator staff) presented it in the holder's absence`,
      decision: 'presented by operator staff in view of the IW and the cameras, as the procedure provides',
      signedBy: [...new Set([presenter.personId, ...iws])],
    });
    run.append('step.deviation', { stepId: run.step.id, deviation: 'credential-by-staff', exceptionId });
  }
  if (share) held.shares.set(credentialId, share);
  else held.cards.set(credentialId, { holder: issued.holderName, credential: credentialId });
  const count = held.shares.size + held.cards.size;
  return { credentialId, held: count, needed: q.m, met: count >= q.m };
}

export async function hsmActivate(run: StepRun): Promise<Execution<'hsm-activate'>> {
  const inputs = run.step.action.inputs as { hsm: string; quorum: string };
  const q = quorumOf(run, inputs.quorum);
  const held = run.sessions.held(run.ceremonyId, run.step.id);
  const count = held.shares.size + held.cards.size;
  const reactivation = run.stepState.status === 'completed';
  if (count < q.m) {
    throw new KskError(
      'CONFLICT',
      `${count} credential(s) presented${reactivation ? ' since the restart' : ''}; ${inputs.hsm} needs ${q.m} of ${q.n} distinct Crypto Officers.`,
    );
  }
  const live = await run.hsm(inputs.hsm);
  const commissioned = commissioningOf(run, live);
  let presented: string[];
  if (commissioned.payload.activation === 'split-pin') {
    const record = splitPinRecord(commissioned);
    const shares = [...held.shares.values()];
    await activateWithShares(live.session, record, shares, run.deps.clock);
    live.pinShares = shares.map((s) => ({ ...s, data: Buffer.from(s.data) }));
    live.commissioning = record;
    presented = [...held.shares.keys()];
  } else {
    await activateNative(live.session, [...held.cards.values()], q.m, run.deps.clock);
    presented = [...held.cards.keys()];
  }
  live.loggedIn = true;
  run.sessions.drop(run.ceremonyId, run.step.id);
  if (reactivation) {
    const exceptionId = `reactivation-${inputs.hsm}-${run.deps.store.head(run.ceremonyId)?.seq ?? 0}`;
    run.append('exception', {
      exceptionId,
      stepId: run.step.id,
      expected: `${inputs.hsm} stays activated from step ${run.step.number} until it is deactivated`,
      happened: `the app restarted while ${inputs.hsm} was active; the Crypto Officers presented their credentials again`,
      signedBy: [],
    });
    run.append('step.deviation', { stepId: run.step.id, deviation: 'reactivation', exceptionId });
  }
  return { result: { hsmId: inputs.hsm, activation: commissioned.payload.activation, set: commissioned.payload.set, presented, threshold: q.m, reactivation } };
}

export async function hsmDeactivate(run: StepRun): Promise<Execution<'hsm-deactivate'>> {
  const hsmId = (run.step.action.inputs as { hsm: string }).hsm;
  const live = run.sessions.live(run.ceremonyId, hsmId);
  // After a restart the session is already gone; the HSM is switched off all the same.
  if (live?.loggedIn) await live.session.logout();
  await run.sessions.close(run.ceremonyId, hsmId);
  return { result: { hsmId, loggedOut: live?.loggedIn === true } };
}
