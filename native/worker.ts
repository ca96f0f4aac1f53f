import { parentPort, workerData } from 'node:worker_threads';
import { isKskError, KskError, messageOf } from '../core/errors.js';
import { HsmError, isHsmError } from '../core/hsm/errors.js';
import type { HostData, HostReply, HostRequest, OpName, Ops, WireError } from './protocol.js';
import { ckrError, describeModule, initToken, loadModule, unloadModule, type P11 } from './host/pkcs11.js';
import { TokenSession } from './host/session.js';

/**
 * The module host: one worker thread per loaded PKCS#11 library. Every call into the library runs
 * here, so a slow HSM (RSA-4096 generation, a network HSM) never blocks the thread that asked.
 * Calls on one session run one after another; sessions run side by side.
 */
if (!parentPort) throw new Error('native/worker.js must run as a worker thread');
const port = parentPort;
const { modulePath } = workerData as HostData;
const send = (reply: HostReply) => port.postMessage(reply);

function toWire(e: unknown): WireError {
  const mapped = ckrError(e, { operation: 'use the HSM' });
  if (isHsmError(mapped)) return { code: mapped.code, message: mapped.message, reason: mapped.reason, ...(mapped.ckr ? { ckr: mapped.ckr } : {}) };
  if (isKskError(mapped)) return { code: mapped.code, message: mapped.message };
  return { code: 'INTERNAL', message: `Internal error in the HSM worker: ${messageOf(mapped)}` };
}

function start(): P11 | null {
  try {
    return loadModule(modulePath);
  } catch (e) {
    send({ type: 'failed', error: toWire(e) });
    return null;
  }
}

const loaded = start();
if (loaded) serve(loaded);
else port.close();

function serve(p11: P11): void {
  const sessions = new Map<number, TokenSession>();
  const queues = new Map<number, Promise<unknown>>();
  const cancelled = new Set<number>();
  let nextSession = 1;

  function sessionOf(id: number | null): TokenSession {
    const session = id === null ? undefined : sessions.get(id);
    if (!session) throw new HsmError('SESSION_CLOSED', 'This HSM session has been closed; open a new one.');
    session.throwIfRemoved();
    return session;
  }

  type Handler<O extends OpName> = (args: Ops[O]['args'], session: number | null, id: number) => Ops[O]['result'] | Promise<Ops[O]['result']>;

  const handlers: { [O in OpName]: Handler<O> } = {
    describe: ({ profiles }) => describeModule(p11, modulePath, profiles === true),
    initToken: ({ label, soPin, userPin }) => initToken(p11, label, soPin, userPin),
    open: ({ tokenLabel, pin }) => {
      const session = TokenSession.open(p11, modulePath, tokenLabel);
      try {
        if (pin !== undefined) session.login(pin);
      } catch (e) {
        session.close();
        throw e;
      }
      const id = nextSession++;
      sessions.set(id, session);
      return { session: id };
    },
    login: ({ pin }, s) => {
      sessionOf(s).login(pin);
      return null;
    },
    close: (_args, s) => {
      // A removed token's session is closed all the same.
      const session = s === null ? undefined : sessions.get(s);
      sessions.delete(s as number);
      session?.close();
      return null;
    },
    finalize: () => {
      for (const session of sessions.values()) session.close();
      sessions.clear();
      unloadModule(p11);
      setImmediate(() => port.close());
      return null;
    },
    identity: (_args, s) => sessionOf(s).identity(),
    profile: (_args, s) => sessionOf(s).profile(),
    findKey: ({ label }, s) => sessionOf(s).findKey(label),
    findKeyById: ({ idHex }, s) => sessionOf(s).findKeyById(idHex),
    sign: ({ label, data }, s) => sessionOf(s).sign(label, data),
    listKeys: (_args, s) => sessionOf(s).listKeys(),
    destroyKey: ({ label, at }, s) => sessionOf(s).destroyKey(label, at),
    logout: (_args, s) => {
      sessionOf(s).logout();
      return null;
    },
    initUserPin: ({ soPin, newPin }, s) => {
      sessionOf(s).initUserPin(soPin, newPin);
      return null;
    },
    changeUserPin: ({ oldPin, newPin }, s) => {
      sessionOf(s).changeUserPin(oldPin, newPin);
      return null;
    },
    writeShare: ({ share }, s) => sessionOf(s).writeShare({ ...share, data: Buffer.from(share.data) }),
    readShares: (_args, s) => sessionOf(s).readShares(),
    backupKey: (args, s) => sessionOf(s).backupKey(args),
    restoreKey: (args, s) => sessionOf(s).restoreKey({ ...args, shares: args.shares.map((share) => ({ ...share, data: Buffer.from(share.data) })) }),
    generateKsk: (args, s, id) =>
      sessionOf(s).generateKsk(args, {
        progress: (stage, fraction) => send({ type: 'progress', id, progress: { stage, fraction } }),
        cancelled: () => cancelled.has(id),
      }),
  };

  port.on('message', (message: HostRequest) => {
    if (message.type === 'cancel') {
      cancelled.add(message.id);
      return;
    }
    const { id, session, op, args } = message;
    const queue = session ?? 0;
    const run = async () => {
      try {
        if (cancelled.has(id)) throw new KskError('CANCELLED', `The ${op} operation was cancelled before it started; nothing was done.`);
        const handler = handlers[op] as Handler<OpName>;
        send({ type: 'result', id, value: await handler(args as never, session, id) });
      } catch (e) {
        const open = session === null ? undefined : sessions.get(session);
        const gone = open && !isHsmError(e, 'TOKEN_REMOVED') && !open.present();
        send({ type: 'error', id, error: toWire(gone ? open.removedError(e) : e) });
      } finally {
        cancelled.delete(id);
      }
    };
    const next = (queues.get(queue) ?? Promise.resolve()).then(run);
    queues.set(queue, next);
  });

  send({ type: 'ready' });
}
