import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import { useAction } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';

export interface IssuedShare {
  credentialId: string;
  holderId: string;
  holderName?: string;
  sheet: string;
}

interface Issued {
  stepNumber: string;
  shares: IssuedShare[];
}

const IssuedContext = createContext<(stepNumber: string, shares: IssuedShare[]) => void>(() => undefined);

/** Hands the share sheets a step just issued to the panel that shows them until they are handed over. */
export function useIssueShares(): (stepNumber: string, shares: IssuedShare[]) => void {
  return useContext(IssuedContext);
}

/** The shares in a step's answer (hsm-initialize, backup-ksk), if it issued any. */
export function sharesOf(outcome: Record<string, unknown> | null): IssuedShare[] {
  const shares = outcome?.shares;
  return Array.isArray(shares) ? (shares as IssuedShare[]).filter((s) => typeof s?.sheet === 'string') : [];
}

/**
 * Share sheets exist only in the answer of the step that issued them: never in the log, never on
 * disk. They stay on screen (and can be printed) until the CA says every holder has theirs; a
 * reload or a restart loses them, as it should.
 */
export function IssuedShares({ state, children }: { state: CeremonyState; children: ReactNode }) {
  const [issued, setIssued] = useState<Issued[]>([]);
  const print = useAction('documents.print');
  const add = useCallback((stepNumber: string, shares: IssuedShare[]) => {
    if (shares.length > 0) setIssued((list) => [...list, { stepNumber, shares }]);
  }, []);
  return (
    <IssuedContext.Provider value={add}>
      {issued.map((batch, n) => (
        <section key={n} className="panel panel-strong" aria-label={`Share sheets issued at step ${batch.stepNumber}`} data-testid="issued-shares">
          <h2>Share sheets issued at step {batch.stepNumber}</h2>
          <p className="warning">These sheets are shown once and kept nowhere: print them or hand each holder theirs now.</p>
          <ol className="cards">
            {batch.shares.map((s) => (
              <li key={s.credentialId} data-testid="issued-share" data-holder={s.holderId}>
                <strong>{s.holderName ?? s.holderId}</strong> ({s.credentialId})
                <pre className="mono sheet">{s.sheet}</pre>
              </li>
            ))}
          </ol>
          <div className="actions">
            <button type="button" disabled={print.busy} onClick={() => void print.run({ ceremonyId: state.ceremonyId, kind: 'share-sheets', shares: batch.shares.map((s) => s.sheet) })}>
              {print.busy ? 'Sending to the printer…' : 'Print the share sheets'}
            </button>
            <button type="button" className="secondary" onClick={() => setIssued((list) => list.filter((_, i) => i !== n))}>
              Every holder has their sheet: remove them from the screen
            </button>
          </div>
          {print.state.status === 'error' && <ErrorMessage error={print.state.error} />}
          {print.state.status === 'ok' && <p className="success">Sent to {print.state.value.printer ?? 'the default printer'}.</p>}
        </section>
      ))}
      {children}
    </IssuedContext.Provider>
  );
}
