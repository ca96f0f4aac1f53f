import type { Channel, KskApi, RequestOf, ResponseOf } from '../../../core/contract/api.js';
import type { Envelope } from '../../../core/contract/envelope.js';
import { contractEventSchema, type ContractEvent } from '../../../core/contract/events.js';

const TOKEN_KEY = 'ksk-host-token';

/** The host's token arrives once in the address; it is kept for reloads and removed from the bar. */
function hostToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

type Pending = (envelope: Envelope<unknown>) => void;

export function connectWebSocketApi(): Promise<KskApi> {
  const token = hostToken();
  if (!token) return Promise.reject(new Error('This page was opened without the browser host token. Open the address that npm run start:browser printed.'));
  const socket = new WebSocket(`ws://${window.location.host}/api?token=${encodeURIComponent(token)}`);
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
    socket.addEventListener('error', () => reject(new Error('Cannot reach the ceremony backend (the browser host refused the connection).')), { once: true });
  });
}
