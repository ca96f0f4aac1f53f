import path from 'node:path';
import { RehearsalClock, rehearsalStartTime } from '../../ceremony/engine/rehearsal/clock.js';
import { isRehearsableProcedure, Rehearsal, rehearsalBranches } from '../../ceremony/engine/rehearsal/rehearse.js';
import { procedureKinds } from '../../ceremony/script.js';
import type { CeremonyState } from '../../contract/ceremonyState.js';
import { Backend } from '../../service/backend.js';
import { workspaceAt } from '../../workspace/workspace.js';
import { output, parseCommandArgs, UsageError, workspaceOption, type CommandImpl } from '../command.js';
import { ExitCode } from '../exitCodes.js';

export function describeRun(ceremonies: readonly string[], state: CeremonyState, root: string): string {
  const steps = state.acts.flatMap((a) => a.steps);
  return [
    `REHEARSAL of ${state.script.title} (${state.script.procedure})`,
    `ceremonies run: ${ceremonies.join(', ')}`,
    `ceremony ${state.ceremonyId}: ${state.status}, ${steps.filter((s) => s.status === 'completed').length} steps completed, ${steps.filter((s) => s.status === 'skipped').length} skipped, ${steps.filter((s) => s.status === 'not-applicable').length} not applicable, ${state.exceptions.length} exception(s), ${state.attestations.length} attestation(s)`,
    ...state.branches.map((b) => `branch:   ${b.branch} (decided at step ${b.stepId}): ${b.outcome}`),
    `log head: ${state.log.head.hash} (event ${state.log.head.seq})`,
    `          ${state.log.head.pgpWords.join(' ')}`,
    `outputs:  ${path.join(root, 'ceremonies', state.ceremonyId)}`,
    `log:      ${workspaceAt(root).database} (ksk-ceremony log verify)`,
  ].join('\n');
}

export const rehearseCommand: CommandImpl = {
  usage:
    `ksk-ceremony rehearse --procedure ${procedureKinds.join('|')} --workspace DIR [--branch NAME] [--prolonged] [--current-skr SKR] [--ksr KSR] [--policy FILE] [--hsm-module PATH] [--json]\n` +
    '       ksk-ceremony rehearse --branches --procedure ID   (lists the branches a procedure can be rehearsed on)\n' +
    '       ksk-ceremony rehearse --resume --workspace DIR [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        procedure: { type: 'string' },
        resume: { type: 'boolean', default: false },
        'current-skr': { type: 'string' },
        ksr: { type: 'string' },
        policy: { type: 'string' },
        branch: { type: 'string' },
        branches: { type: 'boolean', default: false },
        prolonged: { type: 'boolean', default: false },
        'hsm-module': { type: 'string' },
      },
      this,
    );
    if (positionals.length > 0) throw new UsageError(`rehearse takes no arguments, only options.\nusage: ${this.usage}`);
    if (values.resume === (values.procedure !== undefined)) throw new UsageError(`Give either --procedure or --resume.\nusage: ${this.usage}`);
    if (values.procedure !== undefined && !isRehearsableProcedure(values.procedure))
      throw new UsageError(`--procedure "${values.procedure}" is not one of ${procedureKinds.join(', ')}.`);
    if (values.branches) {
      const list = rehearsalBranches(values.procedure as Parameters<typeof rehearsalBranches>[0]);
      output(io, values.json, list, () => list.map((b, i) => `${b.id.padEnd(18)} ${b.title}${i === 0 ? '  (default)' : ''}`).join('\n'));
      return ExitCode.OK;
    }
    if (values.resume && (values.branch !== undefined || values.prolonged))
      throw new UsageError(`--branch and --prolonged belong to --procedure; --resume continues what was started.\nusage: ${this.usage}`);
    const root = path.resolve(workspaceOption(values.workspace, io));
    const clock = new RehearsalClock(rehearsalStartTime(root));
    const backend = new Backend(
      { workspaceDir: root, mode: 'rehearsal', ...(values['hsm-module'] ? { rehearsalHsmModule: path.resolve(values['hsm-module']) } : {}) },
      { clock },
    );
    try {
      const rehearsal = new Rehearsal({
        api: (channel, request) => backend.call(channel, request),
        workspace: root,
        clock,
        hsms: backend.hsm,
        ...(values.policy ? { policy: { path: path.resolve(values.policy) } } : {}),
      });
      const log = (line: string) => io.stderr.write(`${line}\n`);
      backend.onEvent((event) => {
        if (event.type === 'progress' && event.done) log(`  ${event.label}`);
      });
      const run = values.resume
        ? await rehearsal.resume()
        : await rehearsal.rehearse(values.procedure as Parameters<Rehearsal['rehearse']>[0], {
            ...(values.ksr ? { ksr: path.resolve(values.ksr) } : {}),
            ...(values['current-skr'] ? { currentSkr: path.resolve(values['current-skr']) } : {}),
            ...(values.branch !== undefined ? { branch: values.branch } : {}),
            ...(values.prolonged ? { prolonged: true } : {}),
          });
      output(
        io,
        values.json,
        { rehearsal: true, ceremonies: run.ceremonies, ceremonyId: run.state.ceremonyId, status: run.state.status, head: run.state.log.head, state: run.state },
        () => describeRun(run.ceremonies, run.state, root),
      );
      return ExitCode.OK;
    } finally {
      await backend.close();
    }
  },
};
