import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, Menu, session, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { messageOf } from '../core/errors.js';
import { BackendClient } from '../core/service/client.js';
import { defaultWorkspaceDir } from '../core/workspace/workspace.js';
import { bindBackend } from './ipc.js';
import { registerAppScheme, serveApp } from './protocol.js';
import { hardenContents, hardenSession } from './security.js';
import { openMainWindow, openProjectorWindow, type WindowOptions } from './windows.js';

/**
 * The Electron shell: one instance, one main window, an optional projector window, the backend in
 * its worker thread. Everything the windows may do is decided in security.ts and policy.ts.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', 'renderer');
const windowOptions: WindowOptions = { preload: path.join(here, 'preload.cjs'), devTools: !app.isPackaged };

registerAppScheme();
app.enableSandbox();

if (app.requestSingleInstanceLock()) {
  run().catch((e: unknown) => {
    dialog.showErrorBox('KSK Ceremony cannot start', messageOf(e));
    app.exit(1);
  });
} else {
  // Two instances would share one evidence log and one HSM session: the second one leaves.
  app.quit();
}

async function run(): Promise<void> {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  await app.whenReady();
  hardenSession(session.defaultSession);
  serveApp(rendererDir);

  const client = await BackendClient.start({ workspaceDir: defaultWorkspaceDir() });
  const unbind = bindBackend(client);
  let backendClosed = false;
  app.on('before-quit', (event) => {
    if (backendClosed) return;
    event.preventDefault();
    unbind();
    void client.close().finally(() => {
      backendClosed = true;
      app.quit();
    });
  });

  let projector: BrowserWindow | null = null;
  const showProjector = async () => {
    if (projector && !projector.isDestroyed()) return projector.focus();
    projector = await openProjectorWindow(windowOptions);
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(() => void showProjector().catch((e: unknown) => dialog.showErrorBox('The projector window did not open', messageOf(e)))),
    ),
  );

  const main = await openMainWindow(windowOptions);
  main.on('closed', () => app.quit());
  app.on('second-instance', () => {
    if (main.isDestroyed()) return;
    if (main.isMinimized()) main.restore();
    main.focus();
  });
}

function menuTemplate(showProjector: () => void): MenuItemConstructorOptions[] {
  const developer: MenuItemConstructorOptions[] = windowOptions.devTools ? [{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] : [];
  return [
    { label: 'File', submenu: [{ role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { id: 'projector', label: 'Projector Window', accelerator: 'CmdOrCtrl+Shift+P', click: showProjector },
        { role: 'togglefullscreen' },
        ...developer,
      ],
    },
  ];
}
