import { custodyPurpose } from '../../ceremony/engine/executors/record.js';
import type { Script } from '../../ceremony/script.js';
import { KskError } from '../../errors.js';
import { credentials } from '../../evidence/registers/credentials.js';
import { people } from '../../evidence/registers/participants.js';
import { tebs, type Teb } from '../../evidence/registers/tebs.js';
import type { EvidenceStore } from '../../evidence/store.js';
import type { LettersInput } from '../types.js';
import { ceremonyInfoOf, readCeremonyLog, type CeremonyLog } from './ceremonyLog.js';

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
 * The serial of the bag a credential was last sealed in, when the credential names none: the
 * sealed TEB whose custody purpose ends with its holder, as the engine names a bag per member of a
 * quorum ("co-credential:HSM1:co-3"), sealed last.
 */
function bagOf(sealed: readonly Teb[], holderId: string): string | undefined {
  const suffix = custodyPurpose('', holderId);
  return sealed.filter((t) => t.purpose.endsWith(suffix)).sort((a, b) => byText(a.sealed.time, b.sealed.time)).at(-1)?.serial;
}

/**
 * One letter per holder of an active CO or RKSH credential in this workspace (rehearsal or
 * production, as the ceremony), asking them to bring each credential in its tamper-evident bag,
 * by the serial the custody record has for it. People who held those roles but hold no credential
 * now are written to as well, with nothing to bring but their identity document.
 */
function lettersFromRecord(store: EvidenceStore, roles: readonly LetterRole[], scope: { rehearsal: boolean }, ceremonyId: string): Letter[] {
  const byHolder = new Map<string, Letter>();
  const sealed = tebs(store, scope).filter((t) => t.state === 'sealed');
  for (const c of credentials(store, scope)) {
    if (c.retired) continue;
    const role: LetterRole | null = c.kind === 'co-card' ? 'CO' : c.kind === 'rksh-share' ? 'RKSH' : null;
    if (!role || !roles.includes(role)) continue;
    const letter = byHolder.get(c.holderId) ?? { recipient: { name: c.holderName, role }, bring: [], reference: `${ceremonyId}/${c.holderId}` };
    const what = role === 'CO' ? 'your Crypto Officer credential' : 'your recovery key share';
    const serial = c.tebSerial ?? bagOf(sealed, c.holderId);
    letter.bring.push(`${what} ${c.credentialId} in its tamper-evident bag${serial ? `, serial ${serial}` : ''}, unopened`);
    byHolder.set(c.holderId, letter);
  }
  for (const person of people(store, scope)) {
    const role = roles.find((r) => person.roles.includes(r));
    if (!role || byHolder.has(person.personId)) continue;
    byHolder.set(person.personId, { recipient: { name: person.name, role }, bring: [], reference: `${ceremonyId}/${person.personId}` });
  }
  return [...byHolder.values()];
}

/** The notification letters of a ceremony (the first step of every DR playbook). */
export function lettersInput(store: EvidenceStore, ceremonyId: string, options: LettersOptions = {}): LettersInput {
  return lettersInputOf(readCeremonyLog(store, ceremonyId), options);
}

export function lettersInputOf(log: CeremonyLog, options: LettersOptions = {}): LettersInput {
  const { store } = log;
  const ceremonyId = log.summary.ceremonyId;
  const ceremony = ceremonyInfoOf(log, options.paper);
  const roles = letterRoles(log.script?.script ?? null);
  if (roles.length === 0 && !options.recipients) throw new KskError('NOT_FOUND', `The script of ceremony ${ceremonyId} sends no letter to Crypto Officers or Recovery Key Share Holders.`);
  const letters = options.recipients
    ? options.recipients.map((recipient) => ({ recipient, bring: [] as string[] }))
    : lettersFromRecord(store, roles, { rehearsal: log.opened.payload.rehearsal }, ceremonyId);
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
