import { useId } from 'react';
import { compareTyped } from './hashes.js';

/**
 * A hash as it is read aloud, typed into a wide box and compared as it is typed with the one the
 * app shows: MATCH only when all of it matches, DOES NOT MATCH once it is complete and differs,
 * "keep typing" before. `of` names what the shown hash is ("the KSR’s").
 */
export function HashEntry({
  label,
  value,
  onChange,
  hash,
  of,
  testId = 'out-of-band-hash',
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  hash: { sha256: string; pgpWords: readonly string[] };
  of: string;
  testId?: string;
}) {
  const id = useId();
  const result = compareTyped(value, hash.sha256, hash.pgpWords);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="mono hash-entry"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        data-testid={testId}
        aria-describedby={`${id}-result`}
      />
      <p
        id={`${id}-result`}
        role="status"
        className={result === null ? 'hint' : result.match ? 'match match-yes' : result.complete ? 'match match-no' : 'hint'}
        data-testid="hash-match"
      >
        {result === null
          ? 'Type the hash as it is read aloud: hex, or the PGP words.'
          : result.match
            ? `MATCH: the ${result.form === 'hex' ? 'hex digits' : 'PGP words'} read aloud are ${of}.`
            : result.complete
              ? `DOES NOT MATCH: the ${result.form === 'hex' ? 'hex digits' : 'PGP words'} read aloud differ from ${of}.`
              : `Incomplete: keep typing (${result.form === 'hex' ? 'hex' : 'PGP words'}).`}
      </p>
    </div>
  );
}
