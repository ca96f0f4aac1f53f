import { appChannels } from './app.js';
import { ceremonyChannels } from './ceremony.js';
import { logChannels } from './log.js';
import { workspaceChannels } from './workspace.js';
import { documentsChannels } from './documents.js';

/**
 * The whole request/response surface between the UI and the privileged side. Each domain keeps its
 * channels in its own file; this map is the single list both transports (Electron IPC and the
 * browser host) bind, and the only one the preload exposes.
 */
export const channels = {
  ...appChannels,
  ...workspaceChannels,
  ...ceremonyChannels,
  ...logChannels,
  ...documentsChannels,
};
