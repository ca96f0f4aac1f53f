import type { EventSource } from '../../evidence/stored.js';
import { obligationSchema, type Obligation } from '../followUps.js';

/**
 * The follow-up obligations of a workspace, rebuilt from the log: opened by a ceremony's follow-up
 * step, carried into every later ceremony of the same mode until one discharges them.
 */
export function workspaceObligations(source: EventSource, scope: { rehearsal: boolean }): Obligation[] {
  const byId = new Map<string, Obligation>();
  for (const e of source.workspaceEvents(['followup.opened', 'followup.discharged'], scope)) {
    if (e.type === 'followup.opened') {
      const parsed = obligationSchema.safeParse(e.payload.obligation);
      if (parsed.success) byId.set(parsed.data.id, parsed.data);
      continue;
    }
    const open = byId.get(e.payload.obligationId);
    if (open && open.status === 'open') {
      byId.set(open.id, { ...open, status: 'discharged', discharge: { ceremonyId: e.ceremonyId, stepId: e.payload.stepId, at: e.time, note: e.payload.note } });
    }
  }
  return [...byId.values()].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
}
