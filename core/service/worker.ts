import { parentPort, workerData } from 'node:worker_threads';
import { Backend, type BackendOptions } from './backend.js';
import type { FromBackend, ToBackend } from './protocol.js';

/**
 * The backend runs in its own thread: SQLite is synchronous and HSM calls can take seconds, and
 * neither may ever freeze the window that the CA and the IW are looking at.
 */
const port = parentPort;
if (!port) throw new Error('core/service/worker.js must run as a worker thread');

const backend = new Backend(workerData as BackendOptions);
const send = (message: FromBackend) => port.postMessage(message);
backend.onEvent((event) => send({ type: 'event', event }));

port.on('message', (message: ToBackend) => {
  if (message.type === 'close') {
    void backend.close().finally(() => port.close());
    return;
  }
  void backend.call(message.channel, message.request).then((envelope) => send({ type: 'result', id: message.id, envelope }));
});
send({ type: 'ready' });
