import path from 'node:path';
import type { CeremonyState, ObligationView } from '../../contract/ceremonyState.js';
import { Backend } from '../../service/backend.js';
import { output, parseCommandArgs, UsageError, workspaceOption, type CommandImpl } from '../command.js';
import { ExitCode } from '../exitCodes.js';
import { KskError } from '../../errors.js';

/** The ceremonies of a workspace, read through the contract (nothing is written). */
async function withBackend<T>(root: string, fn: (call: (channel: string, request: unknown) => Promise<unknown>) => Promise<T>): Promise<T> {
  const backend = new Backend({ workspaceDir: root, mode: 'production' });
  try {
    return await fn(async (channel, request) => {
      const envelope = await backend.call(channel, request);
      if (!envelope.ok) throw new KskError(envelope.error.code, envelope.error.message);
      return envelope.value;
    });
  } finally {
    await backend.close();
  }
}

const mark: Record<string, string> = {
  completed: 'done',
  skipped: 'SKIPPED',
  pending: '-',
  'in-progress': 'IN PROGRESS',
  'awaiting-initials': 'AWAITING INITIALS',
  'not-applicable': 'not applicable',
};

function obligationLine(o: ObligationView): string {
  const from = `from ${o.origin.ceremonyId} step ${o.origin.stepId}${o.origin.seedStep ? ` (seed ${o.origin.seedStep})` : ''}`;
  const state =
    o.status === 'discharged' && o.discharge ? `discharged by ${o.discharge.ceremonyId} at ${o.discharge.at}: ${o.discharge.note}` : `OPEN: ${o.condition}`;
  return [
    `  ${o.id}: ${o.title}`,
    `      ${from}; ${state}`,
    ...(o.detail ? [`      ${o.detail}`] : []),
    ...(o.subjects ?? []).map(
      (h) => `      retire ${h.hsmId} (${h.model}, serial ${h.serialNumber}${h.tokenLabel ? `, token ${h.tokenLabel}` : ''}): ${h.reason}`,
    ),
    ...(o.unmet ? [`      not done by this ceremony: ${o.unmet}`] : []),
  ].join('\n');
}

/** The deadline: the live countdown while the ceremony is open; once closed, as it stood when it was decided. */
function deadlineLines(s: CeremonyState): string[] {
  if (!s.deadline) return [];
  const d = s.deadline;
  const asOf = s.status === 'closed' ? ` as recorded at ${d.now}, when it was decided` : '';
  return [
    `deadline: last RRSIG of ${s.currentSkr?.id} expires ${d.lastExpiration} (${d.countdown}${asOf}); SKR due at the RZM by ${d.skrDue}`,
    `          ${d.state}: ${d.consequence}`,
  ];
}

export function describeCeremony(s: CeremonyState): string {
  const lines = [
    `${s.title}${s.mode === 'rehearsal' ? '   [REHEARSAL]' : ''}`,
    `ceremony ${s.ceremonyId}: ${s.status}; opened ${s.openedAt}${s.closedAt ? `, closed ${s.closedAt}` : ''}`,
    `script:   ${s.script.id} ${s.script.version} (${s.script.procedure}), SHA-256 ${s.script.sha256}`,
    ...(s.triage ? [`triage:   ${s.triage.label}${s.triage.branch ? ` (${s.triage.branch})` : ''}: ${s.triage.reason}`, `          ${s.triage.next}`] : []),
    ...(s.triage?.interpretation ? [`          interpretation: ${s.triage.interpretation}`] : []),
    ...deadlineLines(s),
    ...s.branches.map((b) => `branch:   ${b.title} (decided at step ${b.stepId}, ${b.at}): ${b.outcome}`),
    ...(s.outcome ? [`outcome:  ${s.outcome}`] : []),
    `people:   ${s.participants.map((p) => `${p.name} (${p.roles.join(', ')})`).join('; ') || 'none signed in'}`,
    ...s.hsms.map(
      (h) =>
        `hsm ${h.id}: ${h.binding ? `${h.binding.tokenLabel}${h.binding.rehearsal ? ' (rehearsal token)' : ''}` : 'not bound'}${h.identity ? `, serial ${h.identity.serialNumber}` : ''}${h.keys.length ? `, keys ${h.keys.map((k) => `${k.event} ${k.label}`).join(', ')}` : ''}`,
    ),
    '',
  ];
  for (const act of s.acts) {
    lines.push(
      `Act ${act.number}: ${act.title}${act.phase === 'preparation' ? ' (preparation)' : ''}${act.branch ? ` [only on the branch ${act.branch}]` : ''}`,
    );
    for (const step of act.steps) {
      const who = step.performer ? ` by ${step.performer.name}` : '';
      const iw = step.initials ? `, initialled ${step.initials.name}` : '';
      lines.push(
        `  ${step.number.padEnd(6)} ${(mark[step.status] ?? step.status).padEnd(18)} ${step.action.title}${who}${iw}${step.completedAt ? ` at ${step.completedAt}` : ''}`,
      );
    }
  }
  lines.push('', `exceptions: ${s.exceptions.length}`);
  for (const x of s.exceptions)
    lines.push(
      `  ${x.exceptionId}${x.stepId ? ` (step ${x.stepId})` : ''}: expected ${x.expected}; ${x.happened}${x.decision ? `; decided: ${x.decision}` : ''}`,
    );
  lines.push(`attestations: ${s.attestations.map((a) => `${a.name} ${a.signed ? 'signed' : `declined (${a.reason})`}`).join('; ') || 'none'}`);
  const openedHere = new Set(s.followUps.opened.map((o) => o.id));
  const dischargedHere = new Set(s.followUps.discharged.map((o) => o.id));
  const elsewhere = s.followUps.outstanding.filter((o) => !openedHere.has(o.id) && !dischargedHere.has(o.id));
  const section = (title: string, list: ObligationView[]) => [`${title}:${list.length === 0 ? ' none' : ''}`, ...list.map(obligationLine)];
  lines.push(
    ...section('follow-ups opened by this ceremony', s.followUps.opened),
    ...section('follow-ups discharged by this ceremony', s.followUps.discharged),
    ...section('other follow-ups still open in the workspace', elsewhere),
  );
  lines.push(`log head: ${s.log.head.hash} (event ${s.log.head.seq}${s.log.sealed ? ', sealed' : ''})`, `          ${s.log.head.pgpWords.join(' ')}`);
  return lines.join('\n');
}

export const ceremonyListCommand: CommandImpl = {
  usage: 'ksk-ceremony ceremony list --workspace DIR [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {}, this);
    if (positionals.length > 0) throw new UsageError(`ceremony list takes no arguments.\nusage: ${this.usage}`);
    const list = (await withBackend(path.resolve(workspaceOption(values.workspace, io)), (call) => call('ceremony.list', {}))) as {
      ceremonyId: string;
      procedure: string;
      mode: string;
      status: string;
      stepsDone: number;
      stepsTotal: number;
      head: { hash: string };
      openedAt: string;
    }[];
    output(io, values.json, list, () =>
      list.length === 0
        ? 'No ceremonies in this workspace.'
        : list
            .map(
              (c) =>
                `${c.ceremonyId.padEnd(27)} ${c.procedure.padEnd(15)} ${c.mode.padEnd(10)} ${c.status.padEnd(12)} ${`${c.stepsDone}/${c.stepsTotal}`.padEnd(8)} ${c.openedAt}  ${c.head.hash.slice(0, 16)}…`,
            )
            .join('\n'),
    );
    return ExitCode.OK;
  },
};

export const ceremonyShowCommand: CommandImpl = {
  usage: 'ksk-ceremony ceremony show CEREMONY-ID --workspace DIR [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {}, this);
    if (positionals.length !== 1) throw new UsageError(`ceremony show takes exactly one ceremony id.\nusage: ${this.usage}`);
    const state = (await withBackend(path.resolve(workspaceOption(values.workspace, io)), (call) =>
      call('ceremony.state', { ceremonyId: positionals[0] }),
    )) as CeremonyState;
    output(io, values.json, state, () => describeCeremony(state));
    return ExitCode.OK;
  },
};
