import { hexGroups } from '../format.js';

/** A hash as it is read aloud: hex in groups of four, and the PGP words numbered. */
export function Hash({ hex, words, label, large = false, testId, className }: { hex: string; words: readonly string[]; label: string; large?: boolean; testId?: string; className?: string }) {
  return (
    <figure className={`hash${large ? ' hash-large' : ''}${className ? ` ${className}` : ''}`} aria-label={label} data-testid={testId}>
      <figcaption>{label}</figcaption>
      <code className="hash-hex" data-testid="hash-hex">
        {hexGroups(hex)}
      </code>
      <ol className="hash-words" data-testid="hash-words">
        {words.map((word, i) => (
          <li key={i}>{word}</li>
        ))}
      </ol>
    </figure>
  );
}
