import type { Channel, KskApi, RequestOf, ResponseOf } from '../../../core/contract/api.js';
import type { Envelope } from '../../../core/contract/envelope.js';
import { contractEventSchema, type ContractEvent } from '../../../core/contract/events.js';

type Pending = (envelope: Envelope<unknown>) => void;

export function connectWebSocketApi(): Promise<KskApi> {
  // The session is a cookie the host set when it took its token (never seen by this code, HttpOnly).
  const socket = new WebSocket(`ws://${window.location.host}/api`);
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: ContractEvent) => void>();
  let nextId = 1;
  let closedReason: string | null = null;

  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as { id?: number; envelope?: Envelope<unknown>; event?: unknown };
    if (data.id !== undefined && data.envelope) {
      pending.get(data.id)?.(data.envelope);
      pending.delete(data.id);
    } else if (data.event) {
      const event = contractEventSchema.safeParse(data.event);
      if (event.success) for (const listener of listeners) listener(event.data);
    }
  });
  socket.addEventListener('close', () => {
    closedReason = 'The connection to the ceremony backend was lost. Reload the page to reconnect.';
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'INTERNAL', message: closedReason } });
    pending.clear();
  });

  const api: KskApi = {
    call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>> {
      if (closedReason) return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: closedReason } });
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as Pending);
        socket.send(JSON.stringify({ id, channel, request }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(api), { once: true });
    socket.addEventListener(
      'error',
      () =>
        reject(
          new Error(
            'Cannot reach the ceremony backend: the browser host refused the connection. This page was opened without the browser host token, or its session ended: open the address that npm run start:browser printed.',
          ),
        ),
      { once: true },
    );
  });
}
