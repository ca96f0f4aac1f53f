import type { workspaceChannels } from '../../contract/channels/workspace.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';
import { notYet } from './notYet.js';

type WorkspaceHandlers = { [C in keyof typeof workspaceChannels]: Handler<C> };

export function workspaceHandlers(_ctx: ServiceContext): WorkspaceHandlers {
  return {
    'workspace.overview': () => notYet('workspace.overview'),
    'workspace.loadCurrentSkr': () => notYet('workspace.loadCurrentSkr'),
    'followUps.list': () => notYet('followUps.list'),
    'templates.list': () => notYet('templates.list'),
    'templates.get': () => notYet('templates.get'),
    'triage.next': () => notYet('triage.next'),
  };
}
