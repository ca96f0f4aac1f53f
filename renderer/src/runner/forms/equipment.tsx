import { useState } from 'react';
import type { ParticipantState } from '../../../../core/contract/ceremonyState.js';
import { FilePicker, type PickedFile } from '../../components/FilePicker.js';
import { present, withRoles } from '../../panels/people.js';
import { ActionForm, OutDir, PersonSelect, RowsEditor, TextField, filledRows, lines, outOf, parseUtc, useRows, type ActionFormProps, type Column, type InputOf } from './common.js';

const inputs = (p: ActionFormProps) => p.step.action.inputs as Record<string, unknown>;

/** The holders a per-member TEB step is about: those present with the quorum's role; otherwise one bag. */
function bagHolders(p: ActionFormProps): (ParticipantState | null)[] {
  const quorumId = inputs(p).perMemberOf;
  if (typeof quorumId !== 'string') return [null];
  const quorum = p.state.quorums.find((q) => q.id === quorumId);
  return quorum ? withRoles(p.state, [quorum.role]) : [null];
}

/**
 * TEB serials as read aloud (or scanned: a barcode scanner types them here), one per bag. The app
 * compares each with the serial it expects only once entered, so the IW's own comparison with the
 * printed record comes first; a mismatch opens an exception.
 */
function TebForm({ p, seal }: { p: ActionFormProps; seal: boolean }) {
  const holders = bagHolders(p);
  const [serials, setSerials] = useState<string[]>(() => holders.map(() => ''));
  const [contents, setContents] = useState<string[]>(() => holders.map(() => ''));
  const what = String(inputs(p).contents ?? 'the bag');
  const complete = holders.length > 0 && serials.every((s) => s.trim());
  const bags = holders.map((h, i) => ({
    serial: serials[i]!.trim(),
    ...(h ? { holderId: h.personId } : {}),
    ...(seal && contents[i]?.trim() ? { contents: contents[i]!.trim() } : {}),
  }));
  return (
    <ActionForm
      label={seal ? `Record the new TEB serial${holders.length > 1 ? 's' : ''}` : `Compare the TEB serial${holders.length > 1 ? 's' : ''}`}
      busy={p.busy}
      blocked={p.blocked}
      incomplete={holders.length === 0 ? 'No holder of this quorum is signed in.' : complete ? null : 'Enter every serial.'}
      onSubmit={() => p.perform(seal ? { kind: 'teb-seal', bags } : { kind: 'teb-check', bags })}
    >
      <p>
        {seal ? 'Sealed: ' : 'Checked: '}
        {what}
      </p>
      {holders.map((h, i) => (
        <div key={h?.personId ?? 'bag'} className="row-editor">
          <TextField
            label={`TEB serial${h ? ` of ${h.name}’s bag` : ''}, as read aloud or scanned`}
            value={serials[i]!}
            onChange={(v) => setSerials(serials.map((s, j) => (j === i ? v : s)))}
            mono
            testId="teb-serial"
          />
          {seal && <TextField label="Contents (optional: the script’s description when empty)" value={contents[i]!} onChange={(v) => setContents(contents.map((c, j) => (j === i ? v : c)))} />}
        </div>
      ))}
    </ActionForm>
  );
}

export const TebCheckForm = (p: ActionFormProps) => <TebForm p={p} seal={false} />;
export const TebSealForm = (p: ActionFormProps) => <TebForm p={p} seal={true} />;

export function HashCheckForm(p: ActionFormProps) {
  const [file, setFile] = useState<PickedFile | null>(null);
  const [computed, setComputed] = useState('');
  const [expected, setExpected] = useState('');
  const [readBy, setReadBy] = useState('');
  const hex = computed.replace(/\s/g, '').toLowerCase();
  const subject = file ? { file } : /^[0-9a-f]{64}$/.test(hex) ? { sha256: hex } : null;
  return (
    <ActionForm
      label="Compare the hashes"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={!subject ? 'Choose the file, or give the SHA-256 the app computed at boot.' : expected.trim() ? null : 'Enter the published value as read aloud.'}
      onSubmit={() => subject && p.perform({ kind: 'hash-check', subject, expected, ...(readBy ? { readBy } : {}) })}
    >
      <p>Subject: {String(inputs(p).subject ?? 'the file')}</p>
      <FilePicker label="The file to hash" onChange={setFile} />
      <TextField label="or its SHA-256 as computed at boot (hex)" value={computed} onChange={setComputed} mono />
      <TextField label="The published value, as read aloud (hex or PGP words)" value={expected} onChange={setExpected} mono />
      <PersonSelect label="Read aloud by (optional)" people={present(p.state)} value={readBy} onChange={setReadBy} />
    </ActionForm>
  );
}

export function ClockCheckForm(p: ActionFormProps) {
  const [typed, setTyped] = useState('');
  const referenceTime = parseUtc(typed);
  const max = inputs(p).maxSkewSeconds;
  return (
    <ActionForm
      label="Compare with the reference clock"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={referenceTime ? null : 'Type the UTC time the reference clock shows.'}
      onSubmit={() => referenceTime && p.perform({ kind: 'clock-check', referenceTime })}
    >
      <TextField
        label="UTC time on the reference clock in the room"
        value={typed}
        onChange={setTyped}
        mono
        hint={`As YYYY-MM-DD HH:MM:SS (UTC). The app records its own time beside it; more than ${typeof max === 'number' ? max : 60} seconds apart is an exception.`}
        testId="reference-time"
      />
    </ActionForm>
  );
}

function CameraForm({ p, start }: { p: ActionFormProps; start: boolean }) {
  const [cameras, setCameras] = useState('');
  return (
    <ActionForm label={start ? 'Record that the cameras are recording' : 'Record that the cameras stopped'} busy={p.busy} blocked={p.blocked} onSubmit={() => p.perform({ kind: start ? 'camera-start' : 'camera-stop', cameras: lines(cameras) })}>
      <TextField label="Cameras (optional, one per line)" value={cameras} onChange={setCameras} multiline />
    </ActionForm>
  );
}

export const CameraStartForm = (p: ActionFormProps) => <CameraForm p={p} start={true} />;
export const CameraStopForm = (p: ActionFormProps) => <CameraForm p={p} start={false} />;

const boxColumns: Column[] = [
  { key: 'holder', label: 'Box holder' },
  { key: 'reason', label: 'Why it was drilled' },
  { key: 'serial', label: 'Serial of the TEB recovered' },
  { key: 'contents', label: 'Its contents' },
];

export function DrillBoxForm(p: ActionFormProps) {
  const [rows, setRows] = useRows(boxColumns);
  const filled = filledRows(rows, boxColumns);
  return (
    <ActionForm
      label="Record the boxes drilled"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={filled ? null : 'Fill in every box.'}
      onSubmit={() => filled && p.perform({ kind: 'drill-safe-deposit-box', boxes: filled.map((r) => ({ holder: r.holder!, reason: r.reason!, recovered: [{ serial: r.serial!, contents: r.contents! }] })) })}
    >
      <RowsEditor legend="Safe deposit boxes drilled (each one is an exception the IW witnesses)" columns={boxColumns} rows={rows} onChange={setRows} />
    </ActionForm>
  );
}

const retiredColumns: Column[] = [
  { key: 'hsm', label: 'HSM' },
  { key: 'serial', label: 'Serial number' },
  { key: 'disposition', label: 'Disposition' },
];

export function ReplaceHardwareForm(p: ActionFormProps) {
  const [rows, setRows] = useRows(retiredColumns);
  const filled = filledRows(rows, retiredColumns);
  return (
    <ActionForm label="Record the hardware retired" busy={p.busy} blocked={p.blocked} incomplete={filled ? null : 'Fill in every HSM retired.'} onSubmit={() => filled && p.perform({ kind: 'replace-hardware', retired: filled as InputOf<'replace-hardware'>['retired'] })}>
      <p>Retire: {String(inputs(p).retire ?? '')}</p>
      <RowsEditor legend="Retired" columns={retiredColumns} rows={rows} onChange={setRows} />
    </ActionForm>
  );
}

const handoverColumns: Column[] = [
  { key: 'tebSerial', label: 'TEB serial' },
  { key: 'holderName', label: 'Handed to' },
  { key: 'reference', label: 'Reference', optional: true },
];

export function DistributeCredentialsForm(p: ActionFormProps) {
  const [rows, setRows] = useRows(handoverColumns);
  const filled = filledRows(rows, handoverColumns);
  return (
    <ActionForm
      label="Record the credentials handed over"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={filled ? null : 'Fill in every handover.'}
      onSubmit={() => filled && p.perform({ kind: 'distribute-credentials', handovers: filled as InputOf<'distribute-credentials'>['handovers'] })}
    >
      <RowsEditor legend="Handovers" columns={handoverColumns} rows={rows} onChange={setRows} />
    </ActionForm>
  );
}

export function StoreRrsigsForm(p: ActionFormProps) {
  const [serial, setSerial] = useState('');
  const [dir, setDir] = useState('');
  return (
    <ActionForm label="Store the SKRs" busy={p.busy} blocked={p.blocked} incomplete={serial.trim() ? null : 'Enter the serial of the TEB they are sealed in.'} onSubmit={() => p.perform({ kind: 'store-rrsigs', tebSerial: serial.trim(), ...outOf(dir) })}>
      <TextField label="Serial of the TEB the SKRs are sealed in" value={serial} onChange={setSerial} mono />
      <OutDir value={dir} onChange={setDir} />
    </ActionForm>
  );
}
