import { useState } from 'react';
import type { CeremonySummaryView, ObligationView } from '../../../core/contract/ceremonyState.js';
import { useAction, useCall } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { FilePicker, type PickedFile } from '../components/FilePicker.js';
import { Hash } from '../components/Hash.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { utc } from '../format.js';
import { href } from '../router.js';
import { DeadlinePanel } from '../panels/DeadlinePanel.js';
import { TemplateStart } from '../panels/TemplateStart.js';

function CeremonyItem({ ceremony }: { ceremony: CeremonySummaryView }) {
  const runner = ceremony.status === 'closed' ? href({ name: 'log', id: ceremony.ceremonyId }) : href({ name: 'ceremony', id: ceremony.ceremonyId });
  return (
    <li data-testid="ceremony-item">
      <a href={runner} className="big">
        {ceremony.title}
      </a>
      <span className={ceremony.mode === 'rehearsal' ? 'badge badge-muted' : 'badge badge-error'}>
        {ceremony.mode === 'rehearsal' ? 'REHEARSAL' : 'PRODUCTION'}
      </span>
      <p className="muted">
        {ceremony.ceremonyId} · {ceremony.procedure} · {ceremony.site ?? 'no site given'} · opened {utc(ceremony.openedAt)}
        {ceremony.closedAt ? ` · closed ${utc(ceremony.closedAt)}` : ''} · {ceremony.stepsDone} of {ceremony.stepsTotal} steps done
        {ceremony.sealed ? ' · sealed' : ''}
      </p>
      {ceremony.outcome && <p data-testid="ceremony-outcome">Outcome: {ceremony.outcome}</p>}
      <p>
        {ceremony.status !== 'closed' && <a href={href({ name: 'sign-in', id: ceremony.ceremonyId })}>Sign-in</a>}
        {ceremony.status !== 'closed' && ' · '}
        <a href={href({ name: 'log', id: ceremony.ceremonyId })}>Log and documents</a>
      </p>
    </li>
  );
}

function CeremonyList({ title, ceremonies, empty, testId }: { title: string; ceremonies: CeremonySummaryView[]; empty: string; testId: string }) {
  return (
    <section className="panel" aria-label={title} data-testid={testId}>
      <h2>
        {title} ({ceremonies.length})
      </h2>
      {ceremonies.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="cards">
          {ceremonies.map((c) => (
            <CeremonyItem key={c.ceremonyId} ceremony={c} />
          ))}
        </ul>
      )}
    </section>
  );
}

function FollowUps({ obligations }: { obligations: ObligationView[] }) {
  return (
    <section className="panel" aria-labelledby="followups-title" data-testid="follow-ups">
      <h2 id="followups-title">Follow-up obligations still open ({obligations.length})</h2>
      {obligations.length === 0 ? (
        <p className="muted">None: no ceremony left work to be done later.</p>
      ) : (
        <ul className="cards">
          {obligations.map((o) => (
            <li key={o.id}>
              <strong>{o.title}</strong>
              <p>When: {o.condition}</p>
              {o.detail && <p>{o.detail}</p>}
              {(o.subjects ?? []).map((h) => (
                <p key={h.serialNumber}>
                  Retire {h.hsmId} ({h.model}, serial <span className="mono">{h.serialNumber}</span>
                  {h.tokenLabel ? `, token ${h.tokenLabel}` : ''}): {h.reason}
                </p>
              ))}
              <p className="muted">
                Opened {utc(o.openedAt)} by ceremony {o.origin.ceremonyId} (step {o.origin.stepId}
                {o.origin.seedStep ? `, DR step ${o.origin.seedStep}` : ''})
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function LoadSkr({ onLoaded }: { onLoaded: () => void }) {
  const load = useAction('workspace.loadCurrentSkr');
  const [file, setFile] = useState<PickedFile | null>(null);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (file) void load.run({ file }).then((r) => r?.ok && onLoaded());
      }}
    >
      <FilePicker label="The SKR the RZM publishes now" accept=".xml,application/xml" onChange={setFile} />
      <button type="submit" disabled={!file || load.busy}>
        {load.busy ? 'Loading the SKR…' : 'Load this SKR'}
      </button>
      {load.state.status === 'error' && <ErrorMessage error={load.state.error} />}
      {load.state.status === 'ok' && <p className="success">Loaded SKR {load.state.value.currentSkr.id}.</p>}
    </form>
  );
}

/** The workspace: ceremonies past, in progress and planned, open obligations, the deadline, the air gap. */
export function HomeScreen() {
  const overview = useCall('workspace.overview', {}, { topics: ['workspace', 'ceremony'] });
  const airGap = useCall('app.airGap', {});
  return (
    <>
      <ScreenTitle>Workspace</ScreenTitle>
      {overview.status === 'loading' && <p>Reading the workspace…</p>}
      {overview.status === 'error' && <ErrorMessage error={overview.error} />}
      {overview.status === 'ok' && (
        <>
          <p className={overview.value.mode === 'rehearsal' ? 'lead' : 'lead warning'} data-testid="workspace-mode">
            {overview.value.mode === 'rehearsal'
              ? 'This workspace runs REHEARSALS: every ceremony, file and record it produces is marked REHEARSAL.'
              : 'This workspace runs PRODUCTION ceremonies.'}{' '}
            <span className="muted">{overview.value.workspace}</span>
          </p>
          <div className="actions">
            <a className="button-link" href={href({ name: 'triage', answers: {} })}>
              Start a ceremony from triage (a disaster)
            </a>
          </div>
          <div className="grid-2">
            <section className="panel panel-strong" aria-labelledby="deadline-title">
              <h2 id="deadline-title">Deadline: the last RRSIG of the current SKR</h2>
              {overview.value.deadline && overview.value.currentSkr ? (
                <>
                  <DeadlinePanel deadline={overview.value.deadline} />
                  <p className="muted">
                    Current SKR {overview.value.currentSkr.id}
                    {overview.value.currentSkr.rehearsal ? ' (REHEARSAL)' : ''}: {overview.value.currentSkr.bundles} bundles, signed by key tag
                    {overview.value.currentSkr.signingKeyTags.length === 1 ? ' ' : 's '}
                    {overview.value.currentSkr.signingKeyTags.join(', ')}; from {overview.value.currentSkr.source}.
                  </p>
                  <details>
                    <summary>SHA-256 of the current SKR</summary>
                    <Hash label="Current SKR" hex={overview.value.currentSkr.hash.sha256} words={overview.value.currentSkr.hash.pgpWords} />
                  </details>
                </>
              ) : (
                <p className="warning">No current SKR is loaded: there is no deadline to count down to. Load the SKR the RZM publishes now.</p>
              )}
              <details>
                <summary>Load the current SKR from a file</summary>
                <LoadSkr onLoaded={overview.reload} />
              </details>
            </section>
            <section className="panel" aria-labelledby="home-airgap-title">
              <h2 id="home-airgap-title">Air gap</h2>
              {airGap.status === 'ok' && (
                <p className={airGap.value.isolated ? 'success' : 'warning'} data-testid="home-airgap">
                  {airGap.value.isolated
                    ? `Isolated: no network interface is up and there is no default route (checked ${utc(airGap.value.checkedAt)}).`
                    : `This laptop is connected to a network: ${airGap.value.warnings.join(' ')}`}
                </p>
              )}
              {airGap.status === 'error' && <ErrorMessage error={airGap.error} />}
              <a href={href({ name: 'status' })}>Interfaces and installation details</a>
            </section>
          </div>
          <CeremonyList
            title="In progress"
            testId="ceremonies-in-progress"
            ceremonies={overview.value.ceremonies.inProgress}
            empty="No ceremony is in progress."
          />
          <CeremonyList title="Planned" testId="ceremonies-planned" ceremonies={overview.value.ceremonies.planned} empty="No ceremony is planned." />
          <FollowUps obligations={overview.value.followUps} />
          <TemplateStart />
          <CeremonyList
            title="Past"
            testId="ceremonies-past"
            ceremonies={overview.value.ceremonies.past}
            empty="No ceremony has been closed in this workspace."
          />
        </>
      )}
    </>
  );
}
