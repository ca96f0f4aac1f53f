import { EventEmitter } from 'node:events';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { Envelope } from '../contract/envelope.js';
import type { ContractEvent } from '../contract/events.js';
import type { BackendOptions } from './backend.js';
import type { FromBackend, ToBackend } from './protocol.js';

/**
 * The transports' handle on the backend thread. A call never rejects: a backend that died answers
 * every pending and later call with an error envelope that says so.
 */
export class BackendClient {
  private nextId = 1;
  private readonly pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  private readonly emitter = new EventEmitter();
  private failure: string | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromBackend) => {
      if (message.type === 'result') {
        this.pending.get(message.id)?.(message.envelope);
        this.pending.delete(message.id);
      } else if (message.type === 'event') {
        this.emitter.emit('event', message.event);
      }
    });
    worker.on('error', (e) => this.fail(`The ceremony backend failed: ${e.message}`));
    worker.on('exit', (code) => this.fail(`The ceremony backend stopped (exit code ${code}).`));
  }

  static start(options: BackendOptions): Promise<BackendClient> {
    // SHARE_ENV: a PKCS#11 module reads its configuration (SOFTHSM2_CONF) from the real process
    // environment when it initialises, which a worker's private copy of the environment never reaches.
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: options, env: SHARE_ENV });
    return new Promise((resolve, reject) => {
      const onReady = (message: FromBackend) => {
        if (message.type !== 'ready') return;
        worker.off('message', onReady);
        worker.off('error', reject);
        resolve(new BackendClient(worker));
      };
      worker.on('message', onReady);
      worker.once('error', reject);
    });
  }

  call(channel: string, request: unknown): Promise<Envelope<unknown>> {
    if (this.failure !== null) return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: this.failure } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ type: 'call', id, channel, request } satisfies ToBackend);
    });
  }

  onEvent(listener: (event: ContractEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async close(): Promise<void> {
    this.failure ??= 'The ceremony backend was closed.';
    this.worker.postMessage({ type: 'close' } satisfies ToBackend);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 5000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    for (const resolve of this.pending.values()) resolve({ ok: false, error: { code: 'INTERNAL', message: this.failure } });
    this.pending.clear();
  }
}
