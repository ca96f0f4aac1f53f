import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isChannel, type KskApi } from '../core/contract/api.js';
import type { ContractEvent } from '../core/contract/events.js';
import { IPC_CALL, IPC_EVENT, unknownChannel } from './policy.js';

/**
 * The page's only door to the privileged side: window.kskApi with call() and onEvent(), nothing
 * else of Electron or Node. Bundled by Vite into dist/electron/preload.cjs, because a sandboxed
 * preload may require nothing but electron. A channel outside the contract is refused here already.
 */
const kskApi: KskApi = {
  call(channel, request) {
    if (!isChannel(channel)) return Promise.resolve(unknownChannel(channel));
    return ipcRenderer.invoke(IPC_CALL, channel, request);
  },
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, contractEvent: ContractEvent) => listener(contractEvent);
    ipcRenderer.on(IPC_EVENT, forward);
    return () => {
      ipcRenderer.off(IPC_EVENT, forward);
    };
  },
};

contextBridge.exposeInMainWorld('kskApi', kskApi);
