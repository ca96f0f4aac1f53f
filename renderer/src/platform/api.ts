import type { KskApi } from '../../../core/contract/api.js';
import { connectWebSocketApi } from './websocket.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser. */
    kskApi?: KskApi;
  }
}

/**
 * The one platform difference the UI knows of: inside Electron the preload hands over the API,
 * in a browser the loopback host does, over a WebSocket that needs the host's token.
 */
export function connectApi(): Promise<KskApi> {
  if (window.kskApi) return Promise.resolve(window.kskApi);
  return connectWebSocketApi();
}

/**
 * Electron opens the projector window from its menu (the page may not open windows there); in a
 * browser the page opens it as a second window of the same session.
 */
export function canOpenProjector(): boolean {
  return !window.kskApi;
}

export function openProjector(): void {
  window.open(`${window.location.pathname}#/projector`, 'ksk-projector', 'popup');
}
