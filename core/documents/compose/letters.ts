import { custodyPurpose } from '../../ceremony/engine/executors/record.js';
import type { Script } from '../../ceremony/script.js';
import { KskError } from '../../errors.js';
import { credentials } from '../../evidence/registers/credentials.js';
import { people } from '../../evidence/registers/participants.js';
import { tebs, type Teb } from '../../evidence/registers/tebs.js';
import type { LettersInput } from '../types.js';
import { ceremonyInfoOf, type CeremonyLog } from './ceremonyLog.js';

type LetterRole = 'CO' | 'RKSH';
type Letter = LettersInput['letters'][number];

export interface LettersOptions {
  sender?: LettersInput['sender'];
  /** Why the ceremony is called; the script's summary when absent. */
  reason?: string;
  /** The letters' date; the time the ceremony was opened in the log when absent. */
  date?: string;
  respondBy?: string;
  /** Recipients named by the CA; by default the holders of CO and RKSH credentials on record. */
  recipients?: { name: string; role: LetterRole; address?: string[] }[];
  paper?: LettersInput['ceremony']['paper'];
}

const ID_DOCUMENT = 'an identity document with your photograph';

/** The roles the script's notification steps write letters to (COs and RKSHs are the ones with letters). */
function letterRoles(script: Script | null): LetterRole[] {
  const roles = new Set<string>();
  for (const act of script?.acts ?? []) {
    for (const step of act.steps) if (step.action.kind === 'notify' && step.action.inputs.letter) step.action.inputs.recipients.forEach((r) => roles.add(r));
  }
  return script ? (['CO', 'RKSH'] as const).filter((r) => roles.has(r)) : ['CO', 'RKSH'];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The serial of the bag a credential was in when the ceremony was called, when the credential
 * names none: the bag sealed last whose custody name is the engine's for this holder's part of a
 * quorum ("co-credential:HSM1:co-3"), of the HSM the credential activates when the log says which.
 */
function bagOf(sealed: readonly Teb[], holderId: string, hsmId: string | undefined): string | undefined {
  const suffix = custodyPurpose('', holderId);
  return sealed
    .filter((t) => t.purpose.endsWith(suffix) && (hsmId === undefined || t.purpose.includes(`:${hsmId}:`)))
    .sort((a, b) => byText(a.sealed.time, b.sealed.time))
    .at(-1)?.serial;
}

/**
 * One letter per holder of a CO or RKSH credential that was active when the ceremony was opened
 * (in this workspace, rehearsal or production as the ceremony), asking them to bring each one in
 * its tamper-evident bag, by the serial the custody record had for it then. People who held those
 * roles in earlier ceremonies but no credential are written to as well, with nothing to bring but
 * their identity document. Credentials sealed for distribution, with no person to hold them yet,
 * get no letter.
 */
function lettersFromRecord(log: CeremonyLog, roles: readonly LetterRole[]): Letter[] {
  const { store } = log;
  const ceremonyId = log.summary.ceremonyId;
  const scope = { rehearsal: log.opened.payload.rehearsal };
  const before = log.opened.time;
  const earlier = (place: { time: string; ceremonyId: string }) => place.time < before && place.ceremonyId !== ceremonyId;
  const known = people(store, scope).filter((p) => p.ceremonies.some((c) => c !== ceremonyId));
  const persons = new Set(known.map((p) => p.personId));
  const hsmOfSet = new Map(store.workspaceEvents(['hsm.commissioned'], scope).map((e) => [e.payload.set, e.payload.hsmId]));
  const sealed = tebs(store, scope).filter((t) => earlier(t.sealed) && !t.history.some((h) => h.type === 'teb.opened' && earlier(h)));
  const byHolder = new Map<string, Letter>();
  for (const c of credentials(store, scope)) {
    if (!earlier(c.issued) || (c.retired && earlier(c.retired)) || !persons.has(c.holderId)) continue;
    const role: LetterRole | null = c.kind === 'co-card' ? 'CO' : c.kind === 'rksh-share' ? 'RKSH' : null;
    if (!role || !roles.includes(role)) continue;
    const letter = byHolder.get(c.holderId) ?? { recipient: { name: c.holderName, role }, bring: [], reference: `${ceremonyId}/${c.holderId}` };
    const what = role === 'CO' ? 'your Crypto Officer credential' : 'your recovery key share';
    const serial = c.tebSerial ?? bagOf(sealed, c.holderId, hsmOfSet.get(c.set));
    letter.bring.push(`${what} ${c.credentialId} in its tamper-evident bag${serial ? `, serial ${serial}` : ''}, unopened`);
    byHolder.set(c.holderId, letter);
  }
  for (const person of known) {
    const role = roles.find((r) => person.roles.includes(r));
    if (!role || byHolder.has(person.personId)) continue;
    byHolder.set(person.personId, { recipient: { name: person.name, role }, bring: [], reference: `${ceremonyId}/${person.personId}` });
  }
  return [...byHolder.values()];
}

export function lettersInputOf(log: CeremonyLog, options: LettersOptions = {}): LettersInput {
  const ceremonyId = log.summary.ceremonyId;
  const ceremony = ceremonyInfoOf(log, options.paper);
  const roles = letterRoles(log.script?.script ?? null);
  if (roles.length === 0 && !options.recipients)
    throw new KskError('NOT_FOUND', `The script of ceremony ${ceremonyId} sends no letter to Crypto Officers or Recovery Key Share Holders.`);
  const letters = options.recipients ? options.recipients.map((recipient) => ({ recipient, bring: [] as string[] })) : lettersFromRecord(log, roles);
  if (letters.length === 0) {
    throw new KskError('NOT_FOUND', `No ${roles.join(' or ')} is on record in this workspace to write to for ceremony ${ceremonyId}: name the recipients.`);
  }
  for (const letter of letters) letter.bring.push(ID_DOCUMENT);
  return {
    ceremony,
    date: options.date ?? log.opened.time,
    sender: options.sender ?? { name: 'The Ceremony Administrator', title: 'Ceremony Administrator', organization: ceremony.site, contact: [] },
    reason: options.reason ?? log.script?.script.summary ?? ceremony.procedure,
    ...(options.respondBy ? { respondBy: options.respondBy } : {}),
    letters: [...letters].sort((a, b) => byText(a.recipient.role, b.recipient.role) || byText(a.recipient.name, b.recipient.name)),
  };
}
