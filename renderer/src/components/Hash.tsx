/** A hash as it is read aloud: hex in groups of four, and the PGP words numbered. */
export function Hash({ hex, words, label }: { hex: string; words: readonly string[]; label: string }) {
  return (
    <figure className="hash" aria-label={label}>
      <figcaption>{label}</figcaption>
      <code className="hash-hex" data-testid="hash-hex">
        {hex.match(/.{1,4}/g)?.join(' ')}
      </code>
      <ol className="hash-words" data-testid="hash-words">
        {words.map((word, i) => (
          <li key={i}>{word}</li>
        ))}
      </ol>
    </figure>
  );
}
