import type { logChannels } from '../../contract/channels/log.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';
import { notYet } from './notYet.js';

type LogHandlers = { [C in keyof typeof logChannels]: Handler<C> };

export function logHandlers(_ctx: ServiceContext): LogHandlers {
  return {
    'log.events': () => notYet('log.events'),
    'log.verify': () => notYet('log.verify'),
    'artifact.read': () => notYet('artifact.read'),
  };
}
