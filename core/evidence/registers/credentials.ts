import type { EventSource, StoredEvent } from '../stored.js';
import { placeOf, type Place } from './place.js';

/** A CO card or RKSH share: who holds it, since when, and whether it still counts. */
export interface Credential {
  readonly credentialId: string;
  readonly kind: 'co-card' | 'rksh-share' | 'other';
  readonly set: string;
  readonly holderId: string;
  readonly holderName: string;
  readonly tebSerial?: string;
  readonly issued: Place;
  readonly retired: (Place & { reason: string }) | null;
}

type CredentialEvent = StoredEvent<'credential.issued' | 'credential.retired'>;
const credentialTypes = ['credential.issued', 'credential.retired'] as const;

export function credentialsOf(events: readonly CredentialEvent[]): Credential[] {
  const byId = new Map<string, Credential>();
  for (const e of events) {
    if (e.type === 'credential.issued') {
      const { credentialId, kind, set, holderId, holderName, tebSerial } = e.payload;
      byId.set(credentialId, { credentialId, kind, set, holderId, holderName, ...(tebSerial ? { tebSerial } : {}), issued: placeOf(e), retired: null });
    } else {
      const current = byId.get(e.payload.credentialId);
      if (current) byId.set(current.credentialId, { ...current, retired: { ...placeOf(e), reason: e.payload.reason } });
    }
  }
  return [...byId.values()];
}

export function credentials(source: EventSource, scope: { rehearsal: boolean }): Credential[] {
  return credentialsOf(source.workspaceEvents(credentialTypes, scope));
}

export function activeCredential(source: EventSource, scope: { rehearsal: boolean }, credentialId: string): Credential | null {
  return credentials(source, scope).find((c) => c.credentialId === credentialId && c.retired === null) ?? null;
}

/** The live count of one quorum set in one ceremony: M of N, and which credentials were presented. */
export interface QuorumStatus {
  readonly set: string;
  readonly threshold: number;
  readonly total: number;
  /** Credentials of the set issued and not retired, workspace-wide. */
  readonly active: number;
  /** Distinct active credentials of the set presented in this ceremony, in the order presented. */
  readonly presented: readonly string[];
  readonly met: boolean;
}

export function quorumStatusOf(
  workspace: readonly StoredEvent<'quorum.defined' | 'credential.issued' | 'credential.retired'>[],
  presentedHere: readonly StoredEvent<'credential.presented'>[],
): QuorumStatus[] {
  const definitions = new Map<string, { threshold: number; total: number }>();
  for (const e of workspace) if (e.type === 'quorum.defined') definitions.set(e.payload.set, { threshold: e.payload.threshold, total: e.payload.total });
  const active = credentialsOf(workspace.filter((e): e is CredentialEvent => e.type !== 'quorum.defined')).filter((c) => c.retired === null);
  return [...definitions].map(([set, { threshold, total }]) => {
    const ofSet = new Set(active.filter((c) => c.set === set).map((c) => c.credentialId));
    const presented = [...new Set(presentedHere.map((p) => p.payload.credentialId).filter((id) => ofSet.has(id)))];
    return { set, threshold, total, active: ofSet.size, presented, met: presented.length >= threshold };
  });
}

export function quorumStatus(source: EventSource, ceremonyId: string, scope: { rehearsal: boolean }): QuorumStatus[] {
  return quorumStatusOf(
    source.workspaceEvents(['quorum.defined', 'credential.issued', 'credential.retired'], scope),
    source.events(ceremonyId, ['credential.presented']),
  );
}
