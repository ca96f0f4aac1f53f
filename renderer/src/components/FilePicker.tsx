import { useId, useState, type ChangeEvent } from 'react';

/** A file handed to the backend: its bytes read in the page, or a path the backend reads. */
export type PickedFile = { name: string; base64: string } | { path: string };

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

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
    const base64 = toBase64(await file.arrayBuffer());
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
