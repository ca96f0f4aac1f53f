import { BrowserWindow, screen, type Rectangle } from 'electron';
import { MAIN_PAGE_URL, PROJECTOR_PAGE_URL } from './policy.js';

export interface WindowOptions {
  /** dist/electron/preload.cjs */
  readonly preload: string;
  /** Devtools exist only in a development run, never in a packaged build. */
  readonly devTools: boolean;
}

function createWindow(options: WindowOptions, bounds: Rectangle | null): BrowserWindow {
  const window = new BrowserWindow({
    title: 'KSK Ceremony',
    width: 1280,
    height: 860,
    ...bounds,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: options.preload, // eng-disable PRELOAD_JS_CHECK reviewed: exposes only kskApi.call/onEvent over one checked IPC channel
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
      devTools: options.devTools,
    },
  });
  window.once('ready-to-show', () => window.show());
  return window;
}

export async function openMainWindow(options: WindowOptions): Promise<BrowserWindow> {
  const window = createWindow(options, null);
  await window.loadURL(MAIN_PAGE_URL);
  return window;
}

/**
 * The projector view for the room: full screen on a second display when there is one, otherwise
 * a normal window the CA can drag to the projector.
 */
export async function openProjectorWindow(options: WindowOptions): Promise<BrowserWindow> {
  const primary = screen.getPrimaryDisplay();
  const external = screen.getAllDisplays().find((display) => display.id !== primary.id);
  const window = createWindow(options, external?.bounds ?? null);
  if (external) window.setFullScreen(true);
  await window.loadURL(PROJECTOR_PAGE_URL);
  return window;
}
