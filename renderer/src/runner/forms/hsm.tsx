import { useState } from 'react';
import { FilePicker, type PickedFile } from '../../components/FilePicker.js';
import { internalWitness, withRoles } from '../../panels/people.js';
import { ActionForm, OutDir, TextField, lines, outOf, type ActionFormProps } from './common.js';

const inputs = (p: ActionFormProps) => p.step.action.inputs as Record<string, unknown>;

function hsmOf(p: ActionFormProps) {
  const id = String(inputs(p).hsm ?? '');
  return p.state.hsms.find((h) => h.id === id) ?? null;
}

function quorumHolders(p: ActionFormProps) {
  const quorum = p.state.quorums.find((q) => q.id === inputs(p).quorum);
  return quorum ? withRoles(p.state, [quorum.role]) : [];
}

/** The HSM a step works on, as bound for this ceremony, so the room sees which token is meant. */
export function HsmLine({ p }: { p: ActionFormProps }) {
  const hsm = hsmOf(p);
  if (!hsm) return null;
  return (
    <p data-testid="hsm-line">
      <strong>{hsm.id}</strong>: {hsm.title}
      {hsm.binding
        ? ` — token ${hsm.binding.tokenLabel}${hsm.binding.rehearsal ? ' (REHEARSAL token)' : ''}, ${hsm.binding.activation} activation`
        : ' — not bound to a token'}
      {hsm.identity ? `; serial ${hsm.identity.serialNumber}` : ''}
      {hsm.active ? '; ACTIVE' : '; not active'}
    </p>
  );
}

/** Holders present who receive their credential or share now; the others' are sealed for later distribution. */
function HoldersForm({ p, kind, label }: { p: ActionFormProps; kind: 'hsm-initialize' | 'backup-ksk'; label: string }) {
  const holders = quorumHolders(p);
  const [chosen, setChosen] = useState<string[]>(() => holders.map((h) => h.personId));
  const [soPin, setSoPin] = useState('');
  const [cards, setCards] = useState('');
  const [dir, setDir] = useState('');
  const hsm = hsmOf(p);
  const native = hsm?.binding?.activation === 'native';
  const rehearsal = hsm?.binding?.rehearsal ?? false;
  return (
    <ActionForm
      label={label}
      busy={p.busy}
      blocked={p.blocked}
      onSubmit={() =>
        p.perform(
          kind === 'hsm-initialize'
            ? { kind, holders: chosen, ...(soPin ? { soPin } : {}), ...(native && lines(cards).length ? { cards: lines(cards) } : {}) }
            : { kind, holders: chosen, ...(soPin ? { soPin } : {}), ...outOf(dir) },
        )
      }
    >
      <HsmLine p={p} />
      <fieldset>
        <legend>Holders present who receive theirs now</legend>
        {holders.length === 0 && <p className="muted">No holder is signed in: every credential will be sealed for later distribution.</p>}
        {holders.map((h) => (
          <label key={h.personId} className="choice">
            <input
              type="checkbox"
              checked={chosen.includes(h.personId)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, h.personId] : chosen.filter((c) => c !== h.personId))}
            />
            <span>{h.name}</span>
          </label>
        ))}
      </fieldset>
      {!rehearsal && <TextField label="Security Officer PIN of the token" value={soPin} onChange={setSoPin} />}
      {kind === 'hsm-initialize' && native && (
        <TextField label="Card ids the HSM issued, in holder order (one per line)" value={cards} onChange={setCards} multiline />
      )}
      {kind === 'backup-ksk' && <OutDir value={dir} onChange={setDir} />}
    </ActionForm>
  );
}

export const HsmInitializeForm = (p: ActionFormProps) => <HoldersForm p={p} kind="hsm-initialize" label="Initialise the HSM and issue the credentials" />;
export const BackupKskForm = (p: ActionFormProps) => <HoldersForm p={p} kind="backup-ksk" label="Back up the KSK and issue the shares" />;

export function HsmActivateForm(p: ActionFormProps) {
  return (
    <ActionForm label="Activate the HSM with the credentials presented" busy={p.busy} blocked={p.blocked} onSubmit={() => p.perform({ kind: 'hsm-activate' })}>
      <HsmLine p={p} />
    </ActionForm>
  );
}

export function HsmDeactivateForm(p: ActionFormProps) {
  return (
    <ActionForm label="Log out of the HSM" busy={p.busy} blocked={p.blocked} onSubmit={() => p.perform({ kind: 'hsm-deactivate' })}>
      <HsmLine p={p} />
    </ActionForm>
  );
}

export function GenerateKskForm(p: ActionFormProps) {
  const algorithm = inputs(p).algorithm as { algorithm?: string; size?: number; fromStep?: string } | undefined;
  return (
    <ActionForm
      label={`Generate the KSK in ${String(inputs(p).hsm ?? 'the HSM')}`}
      busy={p.busy}
      blocked={p.blocked}
      onSubmit={() => p.perform({ kind: 'generate-ksk' })}
    >
      <HsmLine p={p} />
      <p>
        Key: {String(inputs(p).key ?? 'new')}; algorithm:{' '}
        {algorithm?.algorithm ? `${algorithm.algorithm}${algorithm.size ? ` ${algorithm.size} bits` : ''}` : `as chosen at step ${algorithm?.fromStep ?? '?'}`}.
      </p>
    </ActionForm>
  );
}

export function DestroyKskForm(p: ActionFormProps) {
  const [impossible, setImpossible] = useState(false);
  const [reason, setReason] = useState('');
  const iw = internalWitness(p.state);
  const ifPossible = inputs(p).ifPossible === true;
  return (
    <ActionForm
      label={impossible ? 'Record that the key cannot be destroyed (the IW witnesses)' : `Destroy the KSK in ${String(inputs(p).hsm ?? 'the HSM')}`}
      busy={p.busy}
      blocked={p.blocked}
      incomplete={impossible && (!reason.trim() || !iw) ? (iw ? 'Say why it cannot be destroyed.' : 'The IW must be signed in to witness.') : null}
      onSubmit={() =>
        p.perform(impossible && iw ? { kind: 'destroy-ksk', notPossible: { reason: reason.trim(), witnessId: iw.personId } } : { kind: 'destroy-ksk' })
      }
    >
      <HsmLine p={p} />
      <p className="warning">This destroys the key in the HSM for good. The app then searches the HSM and records that the key is gone.</p>
      {ifPossible && (
        <label className="choice">
          <input type="checkbox" checked={impossible} onChange={(e) => setImpossible(e.target.checked)} />
          <span>It cannot be destroyed (record why, as an exception)</span>
        </label>
      )}
      {impossible && <TextField label="Why it cannot be destroyed" value={reason} onChange={setReason} multiline />}
    </ActionForm>
  );
}

export function ReconstructKskForm(p: ActionFormProps) {
  const [backup, setBackup] = useState<PickedFile | null>(null);
  return (
    <ActionForm
      label="Reconstruct the KSK from the backup"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={backup ? null : 'Choose the encrypted backup.'}
      onSubmit={() => backup && p.perform({ kind: 'reconstruct-ksk', backup })}
    >
      <HsmLine p={p} />
      <FilePicker label="The encrypted KSK backup" onChange={setBackup} />
    </ActionForm>
  );
}
