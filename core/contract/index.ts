export * from './api.js';
export * from './channel.js';
export * from './envelope.js';
export * from './events.js';
export { channels } from './channels/index.js';
export * from './channels/app.js';
