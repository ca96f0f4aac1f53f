import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { KskError } from '../core/errors.js';
import { HsmError } from '../core/hsm/errors.js';
import type { OperationOptions } from '../core/hsm/port.js';
import type { HostData, HostReply, OpName, Ops, WireError } from './protocol.js';

function fromWire(error: WireError): KskError {
  return error.reason ? new HsmError(error.reason, error.message, error.ckr) : new KskError(error.code, error.message);
}

/** Structured clone delivers Buffers as plain Uint8Arrays; callers get Buffers back. */
function rehydrate(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(rehydrate);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rehydrate(v)]));
  return value;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onProgress?: OperationOptions['onProgress'];
}

/**
 * The caller's end of a module host worker (native/worker.ts): numbered calls, progress and
 * cancellation messages, and a clear error for every call in flight if the worker dies.
 */
export class ModuleHost {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: KskError | null = null;
  refs = 0;
  stopped = false;

  private constructor(
    readonly modulePath: string,
    readonly envKey: string,
    private readonly worker: Worker,
  ) {
    // The worker keeps the process alive only while a call is in flight: a session someone forgot
    // to close must not hang a command line tool at exit.
    worker.unref();
    worker.on('message', (reply: HostReply) => this.onReply(reply));
    worker.on('error', (e) => this.fail(new HsmError('DEVICE_ERROR', `The HSM worker for ${modulePath} failed: ${e.message}`)));
    worker.on('exit', () => this.fail(new HsmError('SESSION_CLOSED', `The HSM worker for ${modulePath} has stopped; open a new session.`)));
  }

  /** Starts the worker and waits until the module is loaded and initialised (or says why not). */
  static start(modulePath: string, envKey: string): Promise<ModuleHost> {
    const data: HostData = { modulePath };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data });
    return new Promise((resolve, reject) => {
      const onFirst = (reply: HostReply) => {
        worker.off('error', onError);
        if (reply.type === 'ready') resolve(new ModuleHost(modulePath, envKey, worker));
        else if (reply.type === 'failed') reject(fromWire(reply.error));
      };
      const onError = (e: Error) => reject(new HsmError('MODULE_INIT_FAILED', `The HSM worker for ${modulePath} could not start: ${e.message}`));
      worker.once('message', onFirst);
      worker.once('error', onError);
    });
  }

  private onReply(reply: HostReply): void {
    if (reply.type === 'progress') {
      this.pending.get(reply.id)?.onProgress?.(reply.progress);
      return;
    }
    if (reply.type !== 'result' && reply.type !== 'error') return;
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0 && !this.stopped) this.worker.unref();
    if (reply.type === 'result') pending.resolve(rehydrate(reply.value));
    else pending.reject(fromWire(reply.error));
  }

  private fail(error: KskError): void {
    this.exited ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  call<O extends OpName>(op: O, args: Ops[O]['args'], session: number | null, options: OperationOptions = {}): Promise<Ops[O]['result']> {
    if (this.exited) return Promise.reject(this.exited);
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(new KskError('CANCELLED', `The ${op} operation was cancelled before it started.`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.worker.postMessage({ type: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      const done =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          signal?.removeEventListener('abort', onAbort);
          f(v);
        };
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: done(resolve as (v: unknown) => void), reject: done(reject), ...(onProgress ? { onProgress } : {}) });
      this.worker.postMessage({ type: 'call', id, session, op, args });
    });
  }

  /** Finalises the module and waits for the worker to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.exited) return;
    const exit = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.ref();
    try {
      await this.call('finalize', {}, null);
    } catch {
      await this.worker.terminate();
    }
    await exit;
  }
}

/**
 * A PKCS#11 library is one per process: dlopen shares it between threads, and C_Initialize may be
 * called once. So each module path gets one host worker, shared by every session on it.
 */
const hosts = new Map<string, Promise<ModuleHost>>();
let startLock: Promise<unknown> = Promise.resolve();

/**
 * Sets the variables in the real process environment while the module initialises: a module reads
 * its configuration (SOFTHSM2_CONF, ChrystokiConfigurationPath, ...) with getenv() at C_Initialize,
 * and a worker's own `env` option never reaches C code. This takes effect on the main thread, or
 * in a worker spawned with `env: SHARE_ENV` all the way down from it.
 */
async function withProcessEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.keys(env).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export async function acquireHost(modulePath: string, env: Record<string, string> = {}): Promise<ModuleHost> {
  const key = path.resolve(modulePath);
  const envKey = JSON.stringify(Object.entries(env).sort());
  const run = startLock.then(async () => {
    const existing = hosts.get(key);
    if (existing) {
      const host = await existing.catch(() => null);
      if (host && !host.stopped) {
        if (host.envKey !== envKey) {
          throw new HsmError(
            'MODULE_BUSY',
            `The PKCS#11 module ${modulePath} is already open with another configuration (${host.envKey}); close those sessions first.`,
          );
        }
        host.refs++;
        return host;
      }
    }
    const started = withProcessEnv(env, () => ModuleHost.start(key, envKey));
    hosts.set(key, started);
    try {
      const host = await started;
      host.refs++;
      return host;
    } catch (e) {
      hosts.delete(key);
      throw e;
    }
  });
  startLock = run.catch(() => undefined);
  return run;
}

export async function releaseHost(host: ModuleHost): Promise<void> {
  host.refs--;
  if (host.refs > 0) return;
  const stopping = startLock.then(async () => {
    if (host.refs > 0) return;
    hosts.delete(host.modulePath);
    await host.stop();
  });
  startLock = stopping.catch(() => undefined);
  await stopping;
}
