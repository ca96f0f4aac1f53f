import { useState, type FormEvent } from 'react';
import type { FileHash } from '../../../core/contract/channels/app.js';
import type { ContractError } from '../../../core/contract/envelope.js';
import { useApi, useCall } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { Hash } from '../components/Hash.js';
import { ScreenTitle } from '../components/ScreenTitle.js';

function AirGap() {
  const airGap = useCall('app.airGap', {});
  return (
    <section aria-labelledby="airgap-title" className="panel">
      <h2 id="airgap-title">Air gap</h2>
      {airGap.status === 'loading' && <p>Checking the network interfaces…</p>}
      {airGap.status === 'error' && <ErrorMessage error={airGap.error} />}
      {airGap.status === 'ok' && (
        <>
          <p className={airGap.value.isolated ? 'ok' : 'warning'} data-testid="airgap-verdict">
            {airGap.value.isolated ? 'Isolated: no network interface is up and there is no default route.' : 'Warning: this laptop is connected to a network.'}
          </p>
          {airGap.value.warnings.length > 0 && (
            <ul data-testid="airgap-warnings">
              {airGap.value.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          <table>
            <caption>Network interfaces checked at {airGap.value.checkedAt}</caption>
            <thead>
              <tr>
                <th scope="col">Interface</th>
                <th scope="col">State</th>
                <th scope="col">Addresses</th>
              </tr>
            </thead>
            <tbody>
              {airGap.value.interfaces.map((i) => (
                <tr key={i.name} data-testid="airgap-interface">
                  <th scope="row">{i.name}</th>
                  <td>{i.loopback ? 'loopback' : i.up ? 'UP' : 'down'}</td>
                  <td>{i.addresses.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={airGap.reload}>
            Check again
          </button>
        </>
      )}
    </section>
  );
}

/** Each token of each installed module, and what it can and cannot do, by the names a ceremony's refusal uses. */
function HsmTokens() {
  const tokens = useCall('hsm.tokens', {});
  return (
    <section aria-labelledby="hsm-title" className="panel">
      <h2 id="hsm-title">HSMs and what they can do</h2>
      {tokens.status === 'loading' && <p>Reading the PKCS#11 modules…</p>}
      {tokens.status === 'error' && <ErrorMessage error={tokens.error} />}
      {tokens.status === 'ok' && tokens.value.modules.length === 0 && <p>No PKCS#11 module is installed.</p>}
      {tokens.status === 'ok' &&
        tokens.value.modules.map((m) => (
          <div key={m.path} data-testid="hsm-module">
            <h3>{m.library ?? m.path}</h3>
            <p className="muted">{m.path}</p>
            {m.error && <p className="warning">Cannot be used: {m.error}</p>}
            {!m.error && m.tokens.length === 0 && <p>No initialised token.</p>}
            {m.tokens.map((t) => {
              const cannot = t.capabilities.filter((c) => !c.supported);
              return (
                <div key={t.slotId} data-testid="hsm-token">
                  <h4>
                    Token “{t.label}” ({t.manufacturer} {t.model}, serial {t.serial})
                  </h4>
                  <p data-testid="hsm-can">
                    Can:{' '}
                    {t.capabilities
                      .filter((c) => c.supported)
                      .map((c) => c.id)
                      .join(', ') || 'nothing the app uses'}
                  </p>
                  {cannot.length === 0 ? (
                    <p className="ok" data-testid="hsm-cannot">
                      Offers everything the app uses.
                    </p>
                  ) : (
                    <ul data-testid="hsm-cannot" aria-label={`What token ${t.label} cannot do`}>
                      {cannot.map((c) => (
                        <li key={c.id} className="warning">
                          <strong>{c.id}</strong>: {c.detail}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              );
            })}
          </div>
        ))}
    </section>
  );
}

function HashFile() {
  const api = useApi();
  const [path, setPath] = useState('');
  const [result, setResult] = useState<{ ok: true; value: FileHash } | { ok: false; error: ContractError } | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setResult(await api.call('hash.file', { path }));
    setBusy(false);
  }
  return (
    <section aria-labelledby="hash-title" className="panel">
      <h2 id="hash-title">Hash a file</h2>
      <form onSubmit={submit}>
        <label htmlFor="hash-path">File path</label>
        <input id="hash-path" value={path} onChange={(e) => setPath(e.target.value)} autoComplete="off" spellCheck={false} />
        <button type="submit" disabled={busy}>
          Compute SHA-256
        </button>
      </form>
      {result && !result.ok && <ErrorMessage error={result.error} />}
      {result && result.ok && (
        <Hash label={`SHA-256 of ${result.value.path} (${result.value.size} bytes)`} hex={result.value.sha256} words={result.value.pgpWords} />
      )}
    </section>
  );
}

export function StatusScreen() {
  const status = useCall('app.status', {});
  return (
    <>
      <ScreenTitle>Status</ScreenTitle>
      {status.status === 'loading' && <p>Loading…</p>}
      {status.status === 'error' && <ErrorMessage error={status.error} />}
      {status.status === 'ok' && (
        <section aria-labelledby="app-title" className="panel">
          <h2 id="app-title">This installation</h2>
          <dl className="facts">
            <dt>Version</dt>
            <dd data-testid="app-version">{status.value.version}</dd>
            <dt>Workspace</dt>
            <dd data-testid="workspace">{status.value.workspace}</dd>
            <dt>Database</dt>
            <dd data-testid="database-path">{status.value.databasePath}</dd>
            <dt>PKCS#11 modules</dt>
            <dd>
              <ul data-testid="hsm-modules">
                {status.value.hsmModules.map((m) => (
                  <li key={m.path} className={m.present ? 'ok' : 'muted'}>
                    {m.path}: {m.present ? 'present' : 'not installed'}
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
        </section>
      )}
      <HsmTokens />
      <AirGap />
      <HashFile />
    </>
  );
}
