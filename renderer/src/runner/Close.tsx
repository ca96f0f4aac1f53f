import { useState } from 'react';
import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import { useAction, useCall } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { Hash } from '../components/Hash.js';
import { bytes, utc } from '../format.js';
import { TextField } from './forms/common.js';

/** Every step is done: the CA closes the ceremony, which seals the log. */
export function ClosePanel({ state }: { state: CeremonyState }) {
  const close = useAction('ceremony.close');
  const [summary, setSummary] = useState('');
  const incomplete = state.exceptions.filter((e) => !e.complete).length;
  return (
    <section className="current" aria-labelledby="close-title" data-testid="close-panel">
      <h2 id="close-title">Close and seal the ceremony</h2>
      <p className="lead">
        Every step is done, skipped or not applicable. Closing signs out those still signed in and seals the log: nothing can be added to this ceremony
        afterwards.
      </p>
      {state.outcome && (
        <p className="big" data-testid="ceremony-outcome">
          Outcome: {state.outcome}
        </p>
      )}
      {incomplete > 0 && <p className="warning">{incomplete} exception(s) still need a decision and a signature: the ceremony cannot be closed yet.</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void close.run({ ceremonyId: state.ceremonyId, ...(summary.trim() ? { summary: summary.trim() } : {}) });
        }}
      >
        <TextField label="Summary for the record (optional)" value={summary} onChange={setSummary} multiline />
        <button type="submit" className="primary-large" disabled={close.busy || incomplete > 0} data-testid="close-ceremony">
          {close.busy ? 'Sealing…' : 'Close and seal the ceremony'}
        </button>
      </form>
      {close.state.status === 'error' && <ErrorMessage error={close.state.error} />}
    </section>
  );
}

/**
 * The bundle for the auditors, written to removable media (or a folder): complete and verified
 * before it takes its name. Its head hash is the one on the signed paper.
 */
function ExportBundle({ state }: { state: CeremonyState }) {
  const media = useCall('export.media', {});
  const exporter = useAction('export.bundle');
  const verify = useAction('export.verify');
  const [to, setTo] = useState('');
  return (
    <section className="panel panel-strong" aria-labelledby="export-title" data-testid="export-bundle">
      <h2 id="export-title">Export the bundle for the auditors</h2>
      {media.status === 'ok' && (
        <fieldset>
          <legend>Removable media mounted now</legend>
          {media.value.media.length === 0 && <p className="muted">None found under /media or /run/media: type a folder below.</p>}
          {media.value.media.map((m) => (
            <label key={m.mountPoint} className="choice">
              <input type="radio" name="export-medium" checked={to === m.mountPoint} disabled={m.readOnly} onChange={() => setTo(m.mountPoint)} />
              <span>
                {m.mountPoint} ({m.device}, {m.fsType}, {bytes(m.freeBytes)} free{m.readOnly ? ', READ-ONLY' : ''})
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (to.trim()) void exporter.run({ ceremonyId: state.ceremonyId, to: to.trim() });
        }}
      >
        <TextField label="Folder to write the bundle into" value={to} onChange={setTo} testId="export-to" />
        <button type="submit" className="primary-large" disabled={!to.trim() || exporter.busy} data-testid="export">
          {exporter.busy ? 'Writing, reading back and verifying… (this cannot be started twice)' : 'Export the bundle'}
        </button>
      </form>
      {exporter.busy && <progress aria-label="Export in progress" />}
      {exporter.state.status === 'error' && <ErrorMessage error={exporter.state.error} />}
      {exporter.state.status === 'ok' && (
        <div data-testid="export-result">
          <p className="success">
            Written and verified: {exporter.state.value.path} ({exporter.state.value.files} files, {bytes(exporter.state.value.bytes)}),{' '}
            {exporter.state.value.mode}.
          </p>
          <Hash
            large
            label={`Head of the sealed log (event ${exporter.state.value.logHead.seq}): compare it with the signed paper`}
            hex={exporter.state.value.logHead.hex}
            words={exporter.state.value.logHead.pgpWords}
            testId="export-head"
          />
          <button
            type="button"
            className="secondary"
            disabled={verify.busy}
            onClick={() => exporter.state.status === 'ok' && void verify.run({ dir: exporter.state.value.path })}
          >
            Verify the bundle as an auditor would
          </button>
          {verify.state.status === 'ok' && (
            <p className={verify.state.value.ok ? 'success' : 'error'} role="status" data-testid="verify-verdict">
              {verify.state.value.message}
              {verify.state.value.sealed === false ? ' (a partial record written during the ceremony, not the final one)' : ''}
            </p>
          )}
          {verify.state.status === 'error' && <ErrorMessage error={verify.state.error} />}
        </div>
      )}
    </section>
  );
}

export function ClosedPanel({ state }: { state: CeremonyState }) {
  return (
    <>
      <section className="current" aria-labelledby="closed-title" data-testid="closed-panel">
        <h2 id="closed-title">The ceremony is closed</h2>
        <p className="lead">
          Closed at {utc(state.closedAt)}; the log is {state.log.sealed ? 'sealed' : 'NOT sealed'} ({state.log.events} events).
        </p>
        <Hash large label={`Head of the log (event ${state.log.head.seq})`} hex={state.log.head.hash} words={state.log.head.pgpWords} testId="sealed-head" />
      </section>
      <ExportBundle state={state} />
    </>
  );
}
