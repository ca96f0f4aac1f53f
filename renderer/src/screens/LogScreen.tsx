import { useEffect, useId, useMemo, useState } from 'react';
import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import type { DocumentKind } from '../../../core/contract/channels/documents.js';
import { useAction, useApi, useCall } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { Hash } from '../components/Hash.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { bytes, utc } from '../format.js';
import { CeremonyLoader } from '../panels/CeremonyLoader.js';
import { PdfPreview } from '../preview/PdfPreview.js';
import { PrintButton } from '../runner/Print.js';
import { href } from '../router.js';

function Verification({ ceremonyId }: { ceremonyId: string }) {
  const verify = useCall('log.verify', {}, { topics: ['ceremony'], id: ceremonyId });
  if (verify.status === 'loading') return <p role="status">Verifying the whole log (every chain, artifact and seal)…</p>;
  if (verify.status === 'error') return <ErrorMessage error={verify.error} />;
  const mine = verify.value.ceremonies.find((c) => c.ceremonyId === ceremonyId);
  return (
    <section className="panel panel-strong" aria-labelledby="verify-title" data-testid="verification">
      <h2 id="verify-title">Verification</h2>
      <p className={verify.value.ok ? 'success' : 'error'} data-testid="verify-status">
        {verify.value.ok ? 'The log verifies: ' : 'THE LOG DOES NOT VERIFY: '}
        {verify.value.message}
      </p>
      {mine && (
        <p>
          This ceremony: {mine.events} events, {mine.sealed ? 'sealed' : 'not sealed yet'}
          {mine.headHash ? `, head ${mine.headHash}` : ''}.
        </p>
      )}
      {verify.value.problems.length > 0 && (
        <ul>
          {verify.value.problems.map((p, i) => (
            <li key={i}>
              {p.check}
              {p.seq !== null ? ` at event ${p.seq}` : ''}: {p.message}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="secondary" onClick={verify.reload}>
        Verify again
      </button>
    </section>
  );
}

function summary(payload: Record<string, unknown>): string {
  const text = JSON.stringify(payload);
  return text.length > 240 ? `${text.slice(0, 237)}…` : text;
}

function Events({ ceremonyId }: { ceremonyId: string }) {
  const id = useId();
  const events = useCall('log.events', { ceremonyId, limit: 10000 }, { topics: ['ceremony'], id: ceremonyId });
  const [type, setType] = useState('');
  const [text, setText] = useState('');
  const types = useMemo(() => (events.status === 'ok' ? [...new Set(events.value.events.map((e) => e.type))].sort() : []), [events]);
  if (events.status === 'loading') return <p>Reading the events…</p>;
  if (events.status === 'error') return <ErrorMessage error={events.error} />;
  const needle = text.trim().toLowerCase();
  const shown = events.value.events.filter(
    (e) => (!type || e.type === type) && (!needle || JSON.stringify(e.payload).toLowerCase().includes(needle) || e.type.includes(needle)),
  );
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Events</h2>
      <div className="grid-2">
        <div className="field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value)} data-testid="event-type-filter">
            <option value="">Every type ({events.value.events.length})</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-text`}>Containing</label>
          <input id={`${id}-text`} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" spellCheck={false} />
        </div>
      </div>
      <table className="wide" data-testid="events">
        <caption>
          {shown.length} of {events.value.events.length} events{events.value.head ? `; head ${events.value.head.hash} (event ${events.value.head.seq})` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Type</th>
            <th scope="col">What</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.seq} data-testid="event" data-type={e.type}>
              <td>{e.seq}</td>
              <td>{utc(e.time)}</td>
              <th scope="row">{e.type}</th>
              <td className="mono small">{summary(e.payload)}</td>
              <td className="mono small" title={e.hash}>
                {e.hash.slice(0, 12)}…
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A drawn signature, read back from the log's artifacts and checked against its hash by the backend. */
function SignatureImage({ ceremonyId, sha256, alt }: { ceremonyId: string; sha256: string; alt: string }) {
  const api = useApi();
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    void api.call('artifact.read', { ceremonyId, sha256 }).then((r) => r.ok && setSrc(`data:${r.value.mediaType};base64,${r.value.base64}`));
  }, [api, ceremonyId, sha256]);
  return src ? <img className="signature-image" src={src} alt={alt} /> : null;
}

function Attestations({ state }: { state: CeremonyState }) {
  if (state.attestations.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="attestations-title">
      <h2 id="attestations-title">Attestations</h2>
      <ul className="cards">
        {state.attestations.map((a, i) => (
          <li key={i} data-testid="attestation">
            <strong>
              {a.name} ({a.role})
            </strong>{' '}
            {a.signed ? `signed at ${utc(a.at)}` : `does not agree (${utc(a.at)}): ${a.reason ?? ''}`}
            <p className="statement">{a.statement}</p>
            <p className="muted mono">Log head shown: {a.logHeadHash}</p>
            {a.signatureSha256 && <SignatureImage ceremonyId={state.ceremonyId} sha256={a.signatureSha256} alt={`Signature of ${a.name}`} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

const documentTitles: Record<DocumentKind, string> = {
  script: 'The script',
  record: 'The record',
  letters: 'Notification letters',
  'share-sheets': 'Share sheets',
  'trust-anchor': 'Trust-anchor sheet',
};

function DocumentCard({ ceremonyId, kind }: { ceremonyId: string; kind: DocumentKind }) {
  const render = useAction('documents.render');
  return (
    <li data-testid={`document-${kind}`}>
      <strong>{documentTitles[kind]}</strong>{' '}
      <button type="button" className="secondary" disabled={render.busy} onClick={() => void render.run({ ceremonyId, kind })}>
        {render.busy ? 'Rendering…' : `Render ${documentTitles[kind].toLowerCase()}`}
      </button>
      {render.state.status === 'error' && <ErrorMessage error={render.state.error} />}
      {render.state.status === 'ok' && (
        <div data-testid="document-preview">
          <p>
            {render.state.value.fileName}: {render.state.value.pages} page{render.state.value.pages === 1 ? '' : 's'}, {bytes(render.state.value.bytes)}
            {render.state.value.pageHash ? `; every page carries ${render.state.value.pageHash.label} ${render.state.value.pageHash.hex}` : ''}.
          </p>
          <p className="muted mono">SHA-256 of the PDF: {render.state.value.sha256}</p>
          <PdfPreview pdfBase64={render.state.value.pdfBase64} title={documentTitles[kind]} />
          <PrintButton ceremonyId={ceremonyId} request={{ kind }} label={`Print ${documentTitles[kind].toLowerCase()}`} />
        </div>
      )}
    </li>
  );
}

function Documents({ ceremonyId }: { ceremonyId: string }) {
  return (
    <section className="panel" aria-labelledby="documents-title">
      <h2 id="documents-title">Printed documents</h2>
      <ul className="cards">
        {(Object.keys(documentTitles) as DocumentKind[]).map((kind) => (
          <DocumentCard key={kind} ceremonyId={ceremonyId} kind={kind} />
        ))}
      </ul>
    </section>
  );
}

/** Every event of a ceremony, filterable, with the log's verification, the attestations and the printed documents. */
export function LogScreen({ id }: { id: string }) {
  return (
    <CeremonyLoader id={id}>
      {(state) => (
        <>
          <ScreenTitle>Log: {state.title}</ScreenTitle>
          <p>
            <a href={href({ name: 'ceremony', id })}>Back to the ceremony</a>
          </p>
          <Verification ceremonyId={id} />
          <Hash
            label={`Head of the log (event ${state.log.head.seq}${state.log.sealed ? ', sealed' : ''})`}
            hex={state.log.head.hash}
            words={state.log.head.pgpWords}
            testId="log-head"
          />
          <Documents ceremonyId={id} />
          <Attestations state={state} />
          <Events ceremonyId={id} />
        </>
      )}
    </CeremonyLoader>
  );
}
