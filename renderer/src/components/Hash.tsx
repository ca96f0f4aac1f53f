import { Fragment } from 'react';
import { hexGroups } from '../format.js';

/** Hex in groups of four; a line breaks only between groups, never inside one. */
function HashHex({ hex, testId }: { hex: string; testId?: string }) {
  return (
    <code className="hash-hex" data-testid={testId}>
      {hexGroups(hex).map((group, i) => (
        <Fragment key={i}>
          {i > 0 && ' '}
          <span>{group}</span>
        </Fragment>
      ))}
    </code>
  );
}

/** A hash as it is read aloud: hex in groups of four, and the PGP words numbered. */
export function Hash({
  hex,
  words,
  label,
  large = false,
  testId,
  className,
}: {
  hex: string;
  words: readonly string[];
  label: string;
  large?: boolean;
  testId?: string;
  className?: string;
}) {
  return (
    <figure className={`hash${large ? ' hash-large' : ''}${className ? ` ${className}` : ''}`} aria-label={label} data-testid={testId}>
      <figcaption>{label}</figcaption>
      <HashHex hex={hex} testId="hash-hex" />
      <ol className="hash-words" data-testid="hash-words">
        {words.map((word, i) => (
          <li key={i}>{word}</li>
        ))}
      </ol>
    </figure>
  );
}
