import { readResult, type ActionResultOf } from '../../../core/contract/actionResults.js';
import type { StepState } from '../../../core/contract/ceremonyState.js';
import { Hash } from '../components/Hash.js';
import { captionOf, isHashField, stepHashes } from './hashes.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The plain values of a result, each with its path, leaving out the hashes shown apart. */
function facts(value: Json, path: string, out: [string, string][]): [string, string][] {
  if (value === null || typeof value !== 'object') {
    out.push([captionOf(path), String(value)]);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => facts(v, `${path} ${i + 1}`.trim(), out));
  } else {
    for (const [k, v] of Object.entries(value)) if (!isHashField(value, k)) facts(v, `${path} ${k}`.trim(), out);
  }
  return out;
}

type BagChecked = ActionResultOf<'teb-check'>['bags'][number];

/** A TEB check's outcome, bag by bag: the serial read, the one on record, and whether they match. */
function TebResults({ bags }: { bags: BagChecked[] }) {
  return (
    <table className="wide" data-testid="teb-results">
      <caption>Serials compared with the custody record</caption>
      <thead>
        <tr>
          <th scope="col">Bag</th>
          <th scope="col">Serial read</th>
          <th scope="col">Serial on record</th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {bags.map((b) => (
          <tr key={b.purpose} data-testid="teb-result" data-matched={b.matched ? 'yes' : 'no'}>
            <th scope="row">{b.purpose}</th>
            <td className="mono">{b.serial}</td>
            <td className="mono">{b.expected ?? 'none on record'}</td>
            <td className={b.matched ? 'check-pass' : 'check-fail'}>{b.matched ? 'MATCH' : `NO MATCH: exception ${b.exceptionId ?? ''}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the step's action recorded: every hash in hex and PGP words, then the other values. */
export function StepResult({ step, large = false }: { step: StepState; large?: boolean }) {
  if (!step.result) return null;
  const checked = step.action.kind === 'teb-check' ? readResult('teb-check', step.result).bags : null;
  const result = (checked ? { ...step.result, bags: null } : step.result) as Json;
  const hashes = stepHashes(step);
  const plain = facts(result, '', [])
    .filter(([, v]) => v !== 'null')
    .slice(0, 60);
  return (
    <section className="panel" aria-label={`What step ${step.number} recorded`} data-testid="step-result">
      <h3>Recorded</h3>
      {checked && <TebResults bags={checked} />}
      {hashes.map((h) => (
        <Hash key={h.path} large={large} label={captionOf(h.path)} hex={h.sha256} words={h.pgpWords} testId="result-hash" />
      ))}
      {plain.length > 0 && (
        <dl className="facts">
          {plain.map(([k, v], i) => (
            <div key={`${k}-${i}`} className="contents">
              <dt>{k}</dt>
              <dd className={v.length > 40 ? 'mono' : undefined}>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
