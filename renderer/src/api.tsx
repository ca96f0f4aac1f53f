import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Channel, KskApi, RequestOf, ResponseOf } from '../../core/contract/api.js';
import type { ContractError, Envelope } from '../../core/contract/envelope.js';
import type { ContractEvent } from '../../core/contract/events.js';

const ApiContext = createContext<KskApi | null>(null);

export function ApiProvider({ api, children }: { api: KskApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): KskApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

export type CallState<T> = { status: 'loading' } | { status: 'ok'; value: T } | { status: 'error'; error: ContractError };

/** Follows the backend's event stream while the component is mounted. */
export function useEvents(listener: (event: ContractEvent) => void): void {
  const api = useApi();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => api.onEvent((event) => latest.current(event)), [api]);
}

/** Which 'state-changed' events make a view read its data again: a topic, optionally for one id only. */
export interface Follow {
  topics: readonly string[];
  id?: string;
}

function follows(follow: Follow | undefined, event: ContractEvent): boolean {
  if (!follow || event.type !== 'state-changed' || !follow.topics.includes(event.topic)) return false;
  return follow.id === undefined || event.id === undefined || event.id === follow.id;
}

/**
 * Calls a channel on mount, again on reload(), and again whenever a followed 'state-changed' event
 * arrives, keeping the last answer on screen while a newer one is on its way (a live view never
 * blanks out between two states). A different request starts from 'loading', so one ceremony's data
 * is never shown under another's address.
 */
export function useCall<C extends Channel>(channel: C, request: RequestOf<C>, follow?: Follow): CallState<ResponseOf<C>> & { reload: () => void } {
  const api = useApi();
  const key = JSON.stringify(request);
  const [state, setState] = useState<{ key: string; value: CallState<ResponseOf<C>> }>({ key, value: { status: 'loading' } });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let live = true;
    void api.call(channel, JSON.parse(key) as RequestOf<C>).then((envelope) => {
      if (!live) return;
      setState({ key, value: envelope.ok ? { status: 'ok', value: envelope.value } : { status: 'error', error: envelope.error } });
    });
    return () => {
      live = false;
    };
  }, [api, channel, key, generation]);
  const followKey = follow ? JSON.stringify(follow) : '';
  useEffect(() => {
    if (!followKey) return;
    const parsed = JSON.parse(followKey) as Follow;
    return api.onEvent((event) => {
      if (follows(parsed, event)) reload();
    });
  }, [api, followKey, reload]);
  return { ...(state.key === key ? state.value : { status: 'loading' }), reload };
}

export type ActionState<T> = { status: 'idle' } | { status: 'busy' } | { status: 'ok'; value: T } | { status: 'error'; error: ContractError };

/**
 * One action the people in the room start (sign, generate, present a credential): while it runs it
 * cannot be started again, however many times the button or key is pressed, and its outcome stays
 * on screen until the next attempt.
 */
export function useAction<C extends Channel>(
  channel: C,
): {
  state: ActionState<ResponseOf<C>>;
  busy: boolean;
  run: (request: RequestOf<C>) => Promise<Envelope<ResponseOf<C>> | null>;
  reset: () => void;
} {
  const api = useApi();
  const [state, setState] = useState<ActionState<ResponseOf<C>>>({ status: 'idle' });
  const running = useRef(false);
  const run = useCallback(
    async (request: RequestOf<C>) => {
      if (running.current) return null;
      running.current = true;
      setState({ status: 'busy' });
      try {
        const envelope = await api.call(channel, request);
        setState(envelope.ok ? { status: 'ok', value: envelope.value } : { status: 'error', error: envelope.error });
        return envelope;
      } finally {
        running.current = false;
      }
    },
    [api, channel],
  );
  const reset = useCallback(() => setState({ status: 'idle' }), []);
  return { state, busy: state.status === 'busy', run, reset };
}

export type Progress = Extract<ContractEvent, { type: 'progress' }>;

/** The latest progress of each long operation the backend reports, for as long as the view is open. */
export function useProgress(): ReadonlyMap<string, Progress> {
  const [progress, setProgress] = useState<ReadonlyMap<string, Progress>>(new Map());
  useEvents((event) => {
    if (event.type === 'progress') setProgress((current) => new Map(current).set(event.operationId, event));
  });
  return progress;
}
