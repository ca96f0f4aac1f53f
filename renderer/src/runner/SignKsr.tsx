import { useState } from 'react';
import type { CeremonyState, CheckResultView, StepState } from '../../../core/contract/ceremonyState.js';
import type { ResponseOf } from '../../../core/contract/api.js';
import { useAction } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { FilePicker, type PickedFile } from '../components/FilePicker.js';
import { Hash } from '../components/Hash.js';
import { withRoles } from '../panels/people.js';
import { OutDir, PersonSelect, outOf } from './forms/common.js';
import type { PerformerValue } from './Performer.js';
import { compareTyped } from './hashes.js';
import { HashEntry } from './HashEntry.js';
import { RecordException } from './Exceptions.js';
import { useLeaveGuard } from '../leaveGuard.js';

type Prepared = ResponseOf<'step.prepare'>;

function Checks({ checks }: { checks: CheckResultView[] }) {
  return (
    <table className="checks wide" data-testid="checks">
      <caption>Every policy check, as IANA’s tool names it</caption>
      <thead>
        <tr>
          <th scope="col">Check</th>
          <th scope="col">Result</th>
          <th scope="col">What it found</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c, i) => (
          <tr key={i} data-testid="check" data-status={c.status}>
            <th scope="row">{c.check}</th>
            <td className={`check-${c.status}`}>{c.status === 'pass' ? 'PASS' : c.status === 'fail' ? 'FAIL' : 'skipped'}</td>
            <td>
              {c.bundle ? `Bundle ${c.bundle.index} (${c.bundle.id}): ` : ''}
              {c.message}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * KSR signing: the KSR is read and checked first (its SHA-256 in hex and PGP words, large, and
 * every check with its result); the hash received out of band is typed as it is read aloud; Sign is
 * possible only when they match and every failing check is one this step may override, each by a
 * witnessed exception naming it.
 */
export function SignKsr({
  state,
  step,
  performer,
  blocked,
}: {
  state: CeremonyState;
  step: StepState;
  performer: PerformerValue | null;
  blocked: string | null;
}) {
  const additional = step.action.kind === 'sign-additional-ksrs';
  const prepare = useAction('step.prepare');
  const perform = useAction('step.perform');
  const [files, setFiles] = useState<(PickedFile | null)[]>([null]);
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  const [typed, setTyped] = useState<string[]>([]);
  const [readBy, setReadBy] = useState('');
  const [dir, setDir] = useState('');
  // The hash typed so far, as it is read aloud, is lost by a reload: the page asks first.
  useLeaveGuard(typed.some((t) => t.trim() !== ''));
  const inputs = step.action.inputs as { hashReadBy?: string; hsm?: string };
  const readers = withRoles(state, [inputs.hashReadBy ?? 'RZM']);
  const failing = prepared ? prepared.checks.filter((c) => c.status === 'fail') : [];
  const failingNames = [...new Set(failing.map((c) => c.check))];
  const overriddenBy = (check: string) => state.exceptions.find((e) => e.check === check && e.stepId === step.id) ?? null;
  const notOverridable = failingNames.filter((c) => !prepared?.overridable.includes(c));
  const missingOverrides = failingNames.filter((c) => prepared?.overridable.includes(c) && !overriddenBy(c));
  const matches = prepared ? prepared.files.map((f, i) => compareTyped(typed[i] ?? '', f.hash.sha256, f.hash.pgpWords)?.match === true) : [];
  const allMatch = matches.length > 0 && matches.every(Boolean);
  const reason = !prepared
    ? 'Read the KSR first.'
    : !allMatch
      ? 'The hash read aloud must match before signing.'
      : !readBy
        ? 'Choose who read the hash aloud.'
        : notOverridable.length > 0
          ? `A check that cannot be overridden failed: ${notOverridable.join(', ')}.`
          : missingOverrides.length > 0
            ? `Each failing check needs its witnessed exception first: ${missingOverrides.join(', ')}.`
            : (blocked ?? null);

  function sign() {
    if (reason || !prepared || !performer) return;
    const common = { readBy, overrides: failingNames, ...outOf(dir) };
    void perform.run({
      ceremonyId: state.ceremonyId,
      stepId: step.id,
      performer,
      input: additional ? { kind: 'sign-additional-ksrs', outOfBandHashes: typed, ...common } : { kind: 'sign-ksr', outOfBandHash: typed[0] ?? '', ...common },
    });
  }

  const ready = files.every((f) => f !== null);
  return (
    <div className="sign-ksr">
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          const picked = files.filter((f): f is PickedFile => f !== null);
          void prepare
            .run({
              ceremonyId: state.ceremonyId,
              stepId: step.id,
              input: additional ? { kind: 'sign-additional-ksrs', ksrs: picked } : { kind: 'sign-ksr', ksr: picked[0]! },
            })
            .then((r) => {
              if (r?.ok) {
                setPrepared(r.value);
                setTyped(r.value.files.map(() => ''));
              }
            });
        }}
      >
        <h3>1. Read the KSR{additional ? 's' : ''}</h3>
        {!prepared && !step.needs.includes('prepare') && (
          <p className="notice" role="status">
            The KSR was read and checked before this screen was opened again (the log has it). Its hash and checks live only on the screen that read it: read it
            again to see them.
          </p>
        )}
        {files.map((_, i) => (
          <FilePicker
            key={i}
            label={additional ? `KSR ${i + 1} (in the order of the periods they cover)` : 'The KSR from the RZM representative’s media'}
            accept=".xml,application/xml"
            onChange={(f) => setFiles(files.map((x, j) => (j === i ? f : x)))}
          />
        ))}
        {additional && (
          <button type="button" className="secondary" onClick={() => setFiles([...files, null])}>
            Add another KSR
          </button>
        )}
        <button type="submit" disabled={!ready || prepare.busy}>
          {prepare.busy ? 'Reading and checking…' : prepared ? 'Read and check again' : 'Read and check'}
        </button>
        {prepare.state.status === 'error' && <ErrorMessage error={prepare.state.error} />}
      </form>
      {prepared && (
        <section className="panel panel-strong" aria-label="Hashes and checks">
          <h3>2. Match the hash{prepared.files.length > 1 ? 'es' : ''} read aloud</h3>
          {prepared.files.map((f, i) => (
            <div key={f.id}>
              <Hash
                large
                label={`SHA-256 of the KSR ${f.name} (id ${f.id})${f.coverage ? `, covering ${f.coverage.from} to ${f.coverage.to}` : ''}`}
                hex={f.hash.sha256}
                words={f.hash.pgpWords}
                testId="ksr-hash"
              />
              <HashEntry
                label={`Hash of ${f.name} received out of band, as read aloud`}
                value={typed[i] ?? ''}
                onChange={(v) => setTyped(typed.map((t, j) => (j === i ? v : t)))}
                hash={f.hash}
                of="the KSR’s (do not sign otherwise)"
              />
            </div>
          ))}
          <PersonSelect label={`Read aloud by (${inputs.hashReadBy ?? 'RZM'})`} people={readers} value={readBy} onChange={setReadBy} />
          <h3>3. The checks</h3>
          <Checks checks={prepared.checks} />
          {failingNames.length > 0 && (
            <ul className="cards" data-testid="overrides">
              {failingNames.map((check) => {
                const exception = overriddenBy(check);
                return (
                  <li key={check}>
                    <strong>{check}</strong> failed.{' '}
                    {!prepared.overridable.includes(check) ? (
                      <span className="badge badge-error">This check can never be overridden here: the KSR cannot be signed.</span>
                    ) : exception ? (
                      <span className="badge badge-ok">Overridden by exception {exception.exceptionId}, witnessed.</span>
                    ) : (
                      <RecordException state={state} stepId={step.id} check={check} label={`Record the exception overriding ${check}`} />
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          <h3>4. Sign</h3>
          <OutDir value={dir} onChange={setDir} />
          <div className="actions">
            <button type="button" className="primary-large" disabled={reason !== null || perform.busy} onClick={sign} data-testid="sign">
              {perform.busy
                ? `Signing in ${inputs.hsm ?? 'the HSM'}… (this cannot be started twice)`
                : `Sign the KSR${additional ? 's' : ''} in ${inputs.hsm ?? 'the HSM'}`}
            </button>
            {reason && <span className="hint">{reason}</span>}
          </div>
          {perform.state.status === 'error' && <ErrorMessage error={perform.state.error} />}
        </section>
      )}
    </div>
  );
}
