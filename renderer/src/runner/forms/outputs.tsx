import { useState } from 'react';
import { utc } from '../../format.js';
import { ActionForm, OutDir, TextField, outOf, type ActionFormProps } from './common.js';

const inputs = (p: ActionFormProps) => p.step.action.inputs as Record<string, unknown>;

export function PublishTrustAnchorForm(p: ActionFormProps) {
  const [dir, setDir] = useState('');
  return (
    <ActionForm label="Write the trust anchor" busy={p.busy} blocked={p.blocked} onSubmit={() => p.perform({ kind: 'publish-trust-anchor', ...outOf(dir) })}>
      <p>
        The trust anchor of the key generated at step {String((inputs(p).key as { fromStep?: string } | undefined)?.fromStep ?? '?')}: RFC 9718 XML, its DS and
        DNSKEY.
      </p>
      <OutDir value={dir} onChange={setDir} />
    </ActionForm>
  );
}

export function ExportForm(p: ActionFormProps) {
  const [dir, setDir] = useState('');
  const artifacts = (inputs(p).artifacts as string[] | undefined) ?? [];
  return (
    <ActionForm
      label={`Write ${artifacts.join(', ') || 'the files'}`}
      busy={p.busy}
      blocked={p.blocked}
      onSubmit={() => p.perform({ kind: 'export', ...outOf(dir) })}
    >
      <p>
        For {String(inputs(p).to ?? 'the recipient')}: {artifacts.join(', ')}.
      </p>
      <OutDir value={dir} onChange={setDir} />
    </ActionForm>
  );
}

export function FollowUpForm(p: ActionFormProps) {
  const ids = (inputs(p).create as string[] | undefined) ?? [];
  return (
    <ActionForm label="Record the follow-up obligations" busy={p.busy} blocked={p.blocked} onSubmit={() => p.perform({ kind: 'follow-up' })}>
      <p>This opens: {ids.join(', ')}. Each stays open in the workspace until a later ceremony discharges it.</p>
    </ActionForm>
  );
}

export function DischargeFollowUpForm(p: ActionFormProps) {
  const open = p.state.followUps.outstanding.filter((o) => o.status === 'open');
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [chosen, setChosen] = useState<string[]>([]);
  const discharges = chosen.map((id) => ({ obligationId: id, note: (notes[id] ?? '').trim() }));
  return (
    <ActionForm
      label={`Discharge ${chosen.length} obligation${chosen.length === 1 ? '' : 's'}`}
      busy={p.busy}
      blocked={p.blocked}
      incomplete={discharges.some((d) => !d.note) ? 'Say how each one was fulfilled.' : null}
      onSubmit={() => p.perform({ kind: 'discharge-follow-up', discharges })}
    >
      {open.length === 0 && <p className="muted">No obligation is open.</p>}
      {open.map((o) => (
        <fieldset key={o.id}>
          <legend>{o.title}</legend>
          <p className="muted">
            Opened {utc(o.openedAt)} by {o.origin.ceremonyId}. When: {o.condition}
            {o.detail ? ` ${o.detail}` : ''}
          </p>
          {o.unmet && (
            <p className="warning" data-testid="obligation-unmet">
              It stays open: {o.unmet} in this ceremony.
            </p>
          )}
          <label className="choice">
            <input
              type="checkbox"
              checked={chosen.includes(o.id)}
              disabled={Boolean(o.unmet)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, o.id] : chosen.filter((c) => c !== o.id))}
            />
            <span>This ceremony fulfilled it</span>
          </label>
          {chosen.includes(o.id) && <TextField label="How" value={notes[o.id] ?? ''} onChange={(v) => setNotes({ ...notes, [o.id]: v })} />}
        </fieldset>
      ))}
    </ActionForm>
  );
}

export function ExceptionsReviewForm(p: ActionFormProps) {
  const incomplete = p.state.exceptions.filter((e) => !e.complete);
  return (
    <ActionForm
      label="Every exception was read aloud and is complete"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={
        incomplete.length > 0
          ? `${incomplete.length} exception${incomplete.length === 1 ? ' is' : 's are'} not complete (a decision and a signature are needed).`
          : null
      }
      onSubmit={() => p.perform({ kind: 'exceptions-review' })}
    >
      <p>
        {p.state.exceptions.length === 0
          ? 'No exception was recorded in this ceremony.'
          : `${p.state.exceptions.length} exception${p.state.exceptions.length === 1 ? '' : 's'} recorded; they are listed below the step.`}
      </p>
    </ActionForm>
  );
}

export function ManualForm(p: ActionFormProps) {
  const [note, setNote] = useState('');
  return (
    <ActionForm
      label="Record it as done"
      busy={p.busy}
      blocked={p.blocked}
      onSubmit={() => p.perform({ kind: 'manual', ...(note.trim() ? { note: note.trim() } : {}) })}
    >
      <TextField label="Note (optional)" value={note} onChange={setNote} />
    </ActionForm>
  );
}
