import { useId } from 'react';

/** The fields as typed; `ceremonyDetails` turns them into the request's optional fields. */
export interface CeremonyDetailsFields {
  title: string;
  site: string;
  ceremonyId: string;
}

export const noCeremonyDetails: CeremonyDetailsFields = { title: '', site: '', ceremonyId: '' };

/** What the create request carries: anything left empty the backend chooses. */
export function ceremonyDetails(fields: CeremonyDetailsFields): { title?: string; site?: string; ceremonyId?: string } {
  return {
    ...(fields.title.trim() ? { title: fields.title.trim() } : {}),
    ...(fields.site.trim() ? { site: fields.site.trim() } : {}),
    ...(fields.ceremonyId.trim() ? { ceremonyId: fields.ceremonyId.trim() } : {}),
  };
}

/**
 * What the CA names when creating a ceremony. Controlled by the form that submits it: the value a
 * submit (Enter included) sends is the one on screen, never one render behind.
 */
export function CeremonyDetails({ value, onChange }: { value: CeremonyDetailsFields; onChange: (value: CeremonyDetailsFields) => void }) {
  const id = useId();
  const set = (key: keyof CeremonyDetailsFields) => (e: { target: { value: string } }) => onChange({ ...value, [key]: e.target.value });
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-site`}>Site</label>
        <input id={`${id}-site`} value={value.site} onChange={set('site')} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-title`}>Title (optional)</label>
        <input id={`${id}-title`} value={value.title} onChange={set('title')} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-id`}>Ceremony id (optional: letters, digits, dot, dash, underscore; at most 26)</label>
        <input id={`${id}-id`} value={value.ceremonyId} onChange={set('ceremonyId')} autoComplete="off" spellCheck={false} maxLength={26} />
      </div>
    </>
  );
}
