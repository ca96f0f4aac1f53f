import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Channel, KskApi, RequestOf, ResponseOf } from '../../core/contract/api.js';
import type { ContractError } from '../../core/contract/envelope.js';

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

/** Calls a channel on mount (and on reload()), keeping the last outcome for the view. */
export function useCall<C extends Channel>(channel: C, request: RequestOf<C>): CallState<ResponseOf<C>> & { reload: () => void } {
  const api = useApi();
  const [state, setState] = useState<CallState<ResponseOf<C>>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(request);
  useEffect(() => {
    let live = true;
    void api.call(channel, JSON.parse(key) as RequestOf<C>).then((envelope) => {
      if (!live) return;
      setState(envelope.ok ? { status: 'ok', value: envelope.value } : { status: 'error', error: envelope.error });
    });
    return () => {
      live = false;
    };
  }, [api, channel, key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
