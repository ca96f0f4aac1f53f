import type { StartupReport } from '../../../core/contract/channels/app.js';
import { ScreenTitle } from '../components/ScreenTitle.js';

/** A fix as the backend words it, its `commands` set as code. */
function Fix({ text }: { text: string }) {
  return <>{text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}

/**
 * What the backend could not open at start, shown instead of every other screen: without SQLite no
 * step can be recorded, without PKCS#11 no HSM can be driven, so no ceremony screen opens half-working.
 */
export function StartupScreen({ report }: { report: StartupReport }) {
  const failed = report.checks.filter((check) => !check.ok);
  const opened = report.checks.filter((check) => check.ok);
  return (
    <main className="app" id="main" tabIndex={-1}>
      <ScreenTitle>KSK Ceremony cannot start</ScreenTitle>
      <p>
        Before any ceremony screen opens, the app loads SQLite and opens the evidence log, and loads PKCS#11 and initialises the HSM module. On{' '}
        <span data-testid="startup-runtime">{report.runtime}</span>, this failed:
      </p>
      {failed.map((check) => (
        <section key={check.part} className="error" aria-labelledby={`startup-${check.part}`} data-testid={`startup-${check.part}`}>
          <h2 id={`startup-${check.part}`}>{check.title}</h2>
          <p data-testid="startup-detail">{check.detail}</p>
          {(check.file ?? check.found ?? check.needed) !== null && (
            <dl className="facts">
              {check.file !== null && (
                <>
                  <dt>File</dt>
                  <dd>
                    <code data-testid="startup-file">{check.file}</code>
                  </dd>
                </>
              )}
              {check.found !== null && (
                <>
                  <dt>Found</dt>
                  <dd data-testid="startup-found">{check.found}</dd>
                </>
              )}
              {check.needed !== null && (
                <>
                  <dt>Needed</dt>
                  <dd data-testid="startup-needed">{check.needed}</dd>
                </>
              )}
            </dl>
          )}
          {check.fix !== null && (
            <p data-testid="startup-fix">
              To fix it, <Fix text={check.fix} />
            </p>
          )}
        </section>
      ))}
      {opened.map((check) => (
        <p key={check.part} className="ok" data-testid={`startup-${check.part}`}>
          {check.title}: {check.detail}
        </p>
      ))}
    </main>
  );
}
