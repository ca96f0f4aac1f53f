import { useState } from 'react';
import { useAction, useCall } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { navigate } from '../router.js';
import { CeremonyDetails, ceremonyDetails, noCeremonyDetails } from './CeremonyDetails.js';

/** A standard ceremony (quarterly KSR signing, KSK generation, ...) started from its template, without triage. */
export function TemplateStart() {
  const templates = useCall('templates.list', {});
  const create = useAction('ceremony.create');
  const [template, setTemplate] = useState('');
  const [details, setDetails] = useState(noCeremonyDetails);
  return (
    <section className="panel" aria-labelledby="template-start-title">
      <h2 id="template-start-title">Start a ceremony from a script template</h2>
      {templates.status === 'loading' && <p>Reading the templates…</p>}
      {templates.status === 'error' && <ErrorMessage error={templates.error} />}
      {templates.status === 'ok' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create.run({ template, ...ceremonyDetails(details) }).then((r) => r?.ok && navigate({ name: 'sign-in', id: r.value.ceremonyId }));
          }}
        >
          <div className="field">
            <label htmlFor="template-select">Script template</label>
            <select id="template-select" value={template} onChange={(e) => setTemplate(e.target.value)}>
              <option value="">Choose a template…</option>
              {templates.value.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.title} ({t.id} {t.version})
                </option>
              ))}
            </select>
          </div>
          <CeremonyDetails value={details} onChange={setDetails} />
          <button type="submit" disabled={!template || create.busy}>
            {create.busy ? 'Creating the ceremony…' : 'Create the ceremony'}
          </button>
          {create.state.status === 'error' && <ErrorMessage error={create.state.error} />}
        </form>
      )}
    </section>
  );
}
