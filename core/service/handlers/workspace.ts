import { deadlineStatus } from '../../ceremony/deadline.js';
import { examineSkr, readCurrentSkr, setCurrentSkr } from '../../ceremony/engine/currentSkr.js';
import { readFileRef } from '../../ceremony/engine/fileRef.js';
import { workspaceObligations } from '../../ceremony/engine/obligations.js';
import { scriptSummary, scriptView } from '../../ceremony/engine/scriptView.js';
import { scriptHash } from '../../ceremony/hash.js';
import { loadTemplate, templateIds } from '../../ceremony/templates.js';
import { nextQuestion, triage } from '../../ceremony/triage.js';
import type { ObligationView, ScriptSummary } from '../../contract/ceremonyState.js';
import type { workspaceChannels } from '../../contract/channels/workspace.js';
import { KskError } from '../../errors.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';

type WorkspaceHandlers = { [C in keyof typeof workspaceChannels]: Handler<C> };

export function workspaceHandlers(ctx: ServiceContext): WorkspaceHandlers {
  let templates: ScriptSummary[] | null = null;
  const rehearsal = ctx.mode === 'rehearsal';
  const deadlineNow = () => {
    const current = readCurrentSkr(ctx.workspace);
    return current ? deadlineStatus(new Date(current.view.lastExpiration), ctx.clock.now()) : null;
  };
  const obligations = () => workspaceObligations(ctx.engine().deps.store, { rehearsal }) as ObligationView[];
  return {
    'workspace.overview': () => {
      const ceremonies = ctx.engine().list();
      const current = readCurrentSkr(ctx.workspace);
      return {
        mode: ctx.mode,
        workspace: ctx.workspace.root,
        ceremonies: {
          planned: ceremonies.filter((c) => c.status === 'planned'),
          inProgress: ceremonies.filter((c) => c.status === 'in-progress'),
          past: ceremonies.filter((c) => c.status === 'closed'),
        },
        followUps: obligations().filter((o) => o.status === 'open'),
        currentSkr: current?.view ?? null,
        deadline: deadlineNow(),
      };
    },
    'workspace.loadCurrentSkr': async ({ file }) => {
      const { bytes } = readFileRef(file, 'SKR', 10 * 1024 * 1024);
      const current = examineSkr(bytes, 'path' in file ? file.path : file.name, ctx.clock.now().toISOString());
      if (!rehearsal && current.view.rehearsal)
        throw new KskError('POLICY_FAILURE', `The SKR ${current.view.id} is a rehearsal SKR: a production workspace refuses it.`);
      await setCurrentSkr(ctx.workspace, current);
      ctx.emit({ type: 'state-changed', topic: 'workspace' });
      return { currentSkr: current.view, deadline: deadlineStatus(new Date(current.view.lastExpiration), ctx.clock.now()) };
    },
    'followUps.list': ({ status }) => obligations().filter((o) => status === 'all' || o.status === status),
    'templates.list': () =>
      (templates ??= templateIds().map((id) => {
        const script = loadTemplate(id);
        return scriptSummary(script, scriptHash(script));
      })),
    'templates.get': ({ id }) => {
      const script = loadTemplate(id);
      return scriptView(script, scriptHash(script));
    },
    'triage.next': ({ answers }) => {
      // The time is never asked when the workspace has a current SKR: its deadline answers it.
      const deadline = deadlineNow();
      const question = nextQuestion(answers, { deadline });
      return { question: question ? { ...question, options: [...question.options] } : null, result: question ? null : triage(answers, { deadline }), deadline };
    },
  };
}
