import type { Role } from '../events.js';
import type { EventSource } from '../stored.js';
import { placeOf, type Place } from './place.js';

/** A participant's attestation, or their recorded reason for not signing it. */
export type Attestation = Place & {
  readonly personId: string;
  readonly name: string;
  readonly role: Role;
  readonly statement: string;
  readonly logHeadHash: string;
} & ({ readonly signed: true; readonly signatureSha256: string } | { readonly signed: false; readonly reason: string });

export function attestations(source: EventSource, ceremonyId: string): Attestation[] {
  return source.events(ceremonyId, ['attestation.signed', 'attestation.declined']).map((e) => {
    const { personId, name, role, statement, logHeadHash } = e.payload;
    const common = { ...placeOf(e), personId, name, role, statement, logHeadHash };
    return e.type === 'attestation.signed'
      ? { ...common, signed: true, signatureSha256: e.payload.signatureSha256 }
      : { ...common, signed: false, reason: e.payload.reason };
  });
}

/** The exceptions of a ceremony with their resolution, if one was recorded. */
export interface ExceptionRecord extends Place {
  readonly exceptionId: string;
  readonly stepId?: string;
  readonly expected: string;
  readonly happened: string;
  readonly decision: string | null;
  readonly signedBy: readonly string[];
}

export function exceptions(source: EventSource, ceremonyId: string): ExceptionRecord[] {
  const list: ExceptionRecord[] = [];
  for (const e of source.events(ceremonyId, ['exception', 'exception.resolved'])) {
    if (e.type === 'exception') {
      const { exceptionId, stepId, expected, happened, decision, signedBy } = e.payload;
      list.push({ ...placeOf(e), exceptionId, ...(stepId ? { stepId } : {}), expected, happened, decision: decision ?? null, signedBy });
      continue;
    }
    const i = list.findIndex((x) => x.exceptionId === e.payload.exceptionId);
    const current = list[i];
    if (current) list[i] = { ...current, decision: e.payload.decision, signedBy: [...new Set([...current.signedBy, ...e.payload.signedBy])] };
  }
  return list;
}
