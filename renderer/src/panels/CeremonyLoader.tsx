import type { ReactNode } from 'react';
import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import { useCall } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ScreenTitle } from '../components/ScreenTitle.js';

/**
 * Every ceremony screen draws from ceremony.state, a projection of the log, and follows the
 * backend's 'state-changed' events for that ceremony: a reload, a second window or the projector
 * all show the same state, and nothing lives only in the page.
 */
export function CeremonyLoader({ id, children }: { id: string; children: (state: CeremonyState) => ReactNode }) {
  const state = useCall('ceremony.state', { ceremonyId: id }, { topics: ['ceremony'], id });
  if (state.status === 'loading') return <p>Reading ceremony {id} from the log…</p>;
  if (state.status === 'error')
    return (
      <>
        <ScreenTitle>Ceremony {id}</ScreenTitle>
        <ErrorMessage error={state.error} />
      </>
    );
  return children(state.value);
}
