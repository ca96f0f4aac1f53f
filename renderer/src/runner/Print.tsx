import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import type { RequestOf } from '../../../core/contract/api.js';
import { useAction } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';

type DocumentPart = Omit<RequestOf<'documents.print'>, 'ceremonyId'>;

/** Prints one document of the ceremony and says where it went and under which job. */
export function PrintButton({ state, request, label }: { state: CeremonyState; request: DocumentPart; label: string }) {
  const print = useAction('documents.print');
  return (
    <>
      <button type="button" disabled={print.busy} onClick={() => void print.run({ ceremonyId: state.ceremonyId, ...request })}>
        {print.busy ? 'Sending to the printer…' : label}
      </button>
      {print.state.status === 'ok' && (
        <p className="success" role="status">
          Sent to {print.state.value.printer ?? 'the default printer'} (job {print.state.value.jobId}, {print.state.value.pages} pages).
        </p>
      )}
      {print.state.status === 'error' && <ErrorMessage error={print.state.error} />}
    </>
  );
}
