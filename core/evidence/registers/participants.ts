import type { Role } from '../events.js';
import type { EventSource, StoredEvent } from '../stored.js';

export interface Participant {
  readonly personId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly organisation?: string;
  readonly signedInAt: string;
  /** Null while the person is in the ceremony. */
  readonly signedOutAt: string | null;
  /** The signatures drawn at sign-in and sign-out (signature-image artifacts), when drawn. */
  readonly signatureIn?: string;
  readonly signatureOut?: string;
}

type PresenceEvent = StoredEvent<'participant.signed-in' | 'participant.signed-out'>;
const presenceTypes = ['participant.signed-in', 'participant.signed-out'] as const;

/** The participants of one ceremony as its events left them (a later sign-in replaces an earlier one). */
export function participantsOf(events: readonly PresenceEvent[]): Participant[] {
  const byId = new Map<string, Participant>();
  for (const e of events) {
    if (e.type === 'participant.signed-in') {
      const { personId, name, roles, organisation, signatureSha256 } = e.payload;
      byId.set(personId, {
        personId,
        name,
        roles,
        ...(organisation ? { organisation } : {}),
        signedInAt: e.time,
        signedOutAt: null,
        ...(signatureSha256 ? { signatureIn: signatureSha256 } : {}),
      });
    } else {
      const current = byId.get(e.payload.personId);
      if (current)
        byId.set(current.personId, { ...current, signedOutAt: e.time, ...(e.payload.signatureSha256 ? { signatureOut: e.payload.signatureSha256 } : {}) });
    }
  }
  return [...byId.values()];
}

export function participants(source: EventSource, ceremonyId: string): Participant[] {
  return participantsOf(source.events(ceremonyId, presenceTypes));
}

export function presentParticipant(source: EventSource, ceremonyId: string, personId: string): Participant | null {
  return participants(source, ceremonyId).find((p) => p.personId === personId && p.signedOutAt === null) ?? null;
}

/** Everyone who took part in any ceremony, with every role they held and where. */
export interface Person {
  readonly personId: string;
  /** The name at the latest sign-in. */
  readonly name: string;
  readonly roles: readonly Role[];
  readonly ceremonies: readonly string[];
}

export function peopleOf(events: readonly PresenceEvent[]): Person[] {
  const byId = new Map<string, { name: string; roles: Set<Role>; ceremonies: Set<string> }>();
  for (const e of events) {
    if (e.type !== 'participant.signed-in') continue;
    const entry = byId.get(e.payload.personId) ?? { name: e.payload.name, roles: new Set<Role>(), ceremonies: new Set<string>() };
    entry.name = e.payload.name;
    e.payload.roles.forEach((r) => entry.roles.add(r));
    entry.ceremonies.add(e.ceremonyId);
    byId.set(e.payload.personId, entry);
  }
  return [...byId].map(([personId, p]) => ({ personId, name: p.name, roles: [...p.roles], ceremonies: [...p.ceremonies] }));
}

export function people(source: EventSource, scope: { rehearsal: boolean }): Person[] {
  return peopleOf(source.workspaceEvents(presenceTypes, scope));
}
