import { useId, useState } from 'react';
import type { RequestOf } from '../../../core/contract/api.js';
import { useAction, useCall } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';

type DocumentPart = Omit<RequestOf<'documents.print'>, 'ceremonyId' | 'destination'>;
type Destination = NonNullable<RequestOf<'documents.print'>['destination']>;

const PDF = 'pdf';

/**
 * Prints one document of the ceremony: the room chooses the printer (CUPS' destinations, as
 * lpstat lists them) or a PDF written into a folder on a stick, to print elsewhere. The choice is
 * remembered for the workspace; the answer says where it went and under which CUPS job, which the
 * log records. Share sheets are never offered as a file.
 */
export function PrintButton({ ceremonyId, request, label }: { ceremonyId: string; request: DocumentPart; label: string }) {
  const id = useId();
  const printers = useCall('documents.printers', {});
  const print = useAction('documents.print');
  const [choice, setChoice] = useState<string | null>(null);
  const [dir, setDir] = useState<string | null>(null);
  const allowPdf = request.kind !== 'share-sheets';
  if (printers.status === 'loading') return <p>Asking CUPS for its printers…</p>;
  if (printers.status === 'error') return <ErrorMessage error={printers.error} />;
  const { printers: list, defaultPrinter, chosen, cups } = printers.value;
  const remembered = chosen && (chosen.kind === 'cups' ? list.some((p) => p.name === chosen.printer) : allowPdf) ? chosen : null;
  const first = defaultPrinter ?? list.find((p) => p.enabled)?.name ?? null;
  const current = choice ?? (remembered ? (remembered.kind === 'cups' ? remembered.printer : PDF) : (first ?? (allowPdf ? PDF : '')));
  const folder = dir ?? (chosen?.kind === 'pdf' ? chosen.dir : '');
  const destination: Destination | null =
    current === PDF ? (folder.trim() ? { kind: 'pdf', dir: folder.trim() } : null) : current ? { kind: 'cups', printer: current } : null;
  const done = print.state.status === 'ok' ? print.state.value : null;
  return (
    <div className="print" data-testid="print">
      <div className="field">
        <label htmlFor={`${id}-to`}>Print to</label>
        <select id={`${id}-to`} value={current} onChange={(e) => setChoice(e.target.value)} data-testid="print-destination">
          {list.length === 0 && !allowPdf && <option value="">No printer: set one up in CUPS</option>}
          {list.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
              {p.name === defaultPrinter ? ' (default)' : ''}
              {p.enabled ? '' : ' (disabled)'}
            </option>
          ))}
          {allowPdf && <option value={PDF}>A PDF file in a folder (a stick), to print elsewhere</option>}
        </select>
        {cups && <p className="hint">{cups}</p>}
        {!cups && list.length === 0 && <p className="hint">CUPS has no printer set up on this laptop.</p>}
      </div>
      {current === PDF && (
        <div className="field">
          <label htmlFor={`${id}-dir`}>Folder for the PDF (the stick’s mount point)</label>
          <input id={`${id}-dir`} value={folder} onChange={(e) => setDir(e.target.value)} autoComplete="off" spellCheck={false} data-testid="print-folder" />
        </div>
      )}
      <button
        type="button"
        disabled={print.busy || !destination}
        onClick={() => destination && void print.run({ ceremonyId, ...request, destination }).then(() => printers.reload())}
        data-testid="print-button"
      >
        {print.busy ? 'Sending to the printer…' : label}
      </button>
      {done && (
        <p className="success" role="status" data-testid="print-result">
          {done.file ? `Written to ${done.file}` : `Sent to ${done.printer ?? 'the default printer'}: CUPS job ${done.jobId ?? '?'}`} ({done.pages} page
          {done.pages === 1 ? '' : 's'}). {done.recorded ? 'The log records it.' : 'Not in the log: the ceremony is sealed.'}
        </p>
      )}
      {print.state.status === 'error' && <ErrorMessage error={print.state.error} />}
    </div>
  );
}
