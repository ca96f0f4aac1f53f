import { useId, useState, type ChangeEvent } from 'react';
import { toBase64 } from '../base64.js';

/** A file handed to the backend: its bytes read in the page, or a path the backend reads. */
export type PickedFile = { name: string; base64: string } | { path: string };

/**
 * Choose a file from the removable media (read in the page, which works in Electron and in a
 * browser alike) or type its path on the laptop. Whichever was used last is the one given.
 */
export function FilePicker({ label, onChange, accept }: { label: string; onChange: (file: PickedFile | null) => void; accept?: string }) {
  const id = useId();
  const [path, setPath] = useState('');
  const [chosen, setChosen] = useState<string | null>(null);

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) {
      setChosen(null);
      onChange(null);
      return;
    }
    const base64 = toBase64(new Uint8Array(await file.arrayBuffer()));
    setChosen(`${file.name} (${file.size} bytes)`);
    setPath('');
    onChange({ name: file.name, base64 });
  }

  return (
    <fieldset className="file-picker">
      <legend>{label}</legend>
      <div className="field">
        <label htmlFor={`${id}-file`}>Choose the file</label>
        <input id={`${id}-file`} type="file" accept={accept} onChange={(e) => void onFile(e)} />
        {chosen && <p className="hint">Chosen: {chosen}</p>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-path`}>or type its path on this laptop</label>
        <input
          id={`${id}-path`}
          value={path}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setPath(e.target.value);
            setChosen(null);
            onChange(e.target.value.trim() ? { path: e.target.value.trim() } : null);
          }}
        />
      </div>
    </fieldset>
  );
}
