import { BrowserWindow, ipcMain } from 'electron';
import type { BackendClient } from '../core/service/client.js';
import { IPC_CALL, IPC_EVENT, isAppUrl, refuseCall } from './policy.js';

/**
 * Binds the contract to Electron's IPC: one invoke channel carries (channel, request) to the
 * backend thread and brings the envelope back; contract events go to every app window. The shell
 * checks who is calling and that the channel exists; the backend validates the request itself.
 */
export function bindBackend(client: BackendClient): () => void {
  ipcMain.handle(IPC_CALL, async (event, channel: unknown, request: unknown) => {
    const refusal = refuseCall(event.senderFrame, channel);
    if (refusal !== null) return refusal;
    return client.call(channel as string, request);
  });
  const stopEvents = client.onEvent((contractEvent) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (isAppUrl(window.webContents.getURL())) window.webContents.send(IPC_EVENT, contractEvent);
    }
  });
  return () => {
    stopEvents();
    ipcMain.removeHandler(IPC_CALL);
  };
}
