import { useEffect, useId, useState } from 'react';

export interface CeremonyDetailsValue {
  title?: string;
  site?: string;
  ceremonyId?: string;
}

/** What the CA names when creating a ceremony; anything left empty the backend chooses. */
export function CeremonyDetails({ onChange }: { onChange: (value: CeremonyDetailsValue) => void }) {
  const [title, setTitle] = useState('');
  const [site, setSite] = useState('');
  const [ceremonyId, setCeremonyId] = useState('');
  const id = useId();
  useEffect(() => {
    onChange({
      ...(title.trim() ? { title: title.trim() } : {}),
      ...(site.trim() ? { site: site.trim() } : {}),
      ...(ceremonyId.trim() ? { ceremonyId: ceremonyId.trim() } : {}),
    });
  }, [title, site, ceremonyId, onChange]);
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-site`}>Site</label>
        <input id={`${id}-site`} value={site} onChange={(e) => setSite(e.target.value)} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-title`}>Title (optional)</label>
        <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-id`}>Ceremony id (optional: letters, digits, dot, dash, underscore; at most 26)</label>
        <input id={`${id}-id`} value={ceremonyId} onChange={(e) => setCeremonyId(e.target.value)} autoComplete="off" spellCheck={false} maxLength={26} />
      </div>
    </>
  );
}
