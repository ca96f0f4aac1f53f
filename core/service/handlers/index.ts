import type { ServiceContext } from '../context.js';
import type { Handlers } from '../dispatch.js';
import { appHandlers } from './app.js';
import { ceremonyHandlers } from './ceremony.js';
import { logHandlers } from './log.js';
import { workspaceHandlers } from './workspace.js';
import { documentsHandlers } from './documents.js';

/** Binds every channel of the contract to its implementation; the type fails if one is missing. */
export function createHandlers(ctx: ServiceContext): Handlers {
  return {
    ...appHandlers(ctx),
    ...workspaceHandlers(ctx),
    ...ceremonyHandlers(ctx),
    ...logHandlers(ctx),
    ...documentsHandlers(ctx),
  };
}
