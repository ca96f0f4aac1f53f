import { useState } from 'react';
import { useCall } from '../../api.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Hash } from '../../components/Hash.js';
import { HashEntry } from '../HashEntry.js';
import { useBackendNow } from '../../components/Countdown.js';
import { FilePicker, type PickedFile } from '../../components/FilePicker.js';
import { utc } from '../../format.js';
import { present, withRoles } from '../../panels/people.js';
import { ActionForm, OutDir, PersonSelect, RowsForm, TextField, lines, outOf, parseUtc, type ActionFormProps, type Column, type InputOf } from './common.js';

const inputs = (p: ActionFormProps) => p.step.action.inputs as Record<string, unknown>;

interface Bag {
  /** The person id of whose bag it is, or an absent holder's name; null for a step with one bag. */
  holder: string | null;
  label: string;
}

/**
 * The bags of a per-member TEB step: one per holder present with the quorum's role, and, when
 * sealing credentials this ceremony issued, one per credential issued to someone absent (sealed
 * for later distribution). More can be added by the absent holder's name.
 */
function bagsOf(p: ActionFormProps, seal: boolean): Bag[] {
  const quorumId = inputs(p).perMemberOf;
  if (typeof quorumId !== 'string') return [{ holder: null, label: '' }];
  const quorum = p.state.quorums.find((q) => q.id === quorumId);
  const here = quorum ? withRoles(p.state, [quorum.role]).map((h) => ({ holder: h.personId, label: ` of ${h.name}’s bag` })) : [];
  if (!seal) return here;
  const custody = String(inputs(p).custody ?? '');
  const hsm = custody.startsWith('co-credential:') ? custody.slice('co-credential:'.length) : null;
  const issuing = p.state.acts
    .flatMap((a) => a.steps)
    .find(
      (s) => (hsm ? s.action.kind === 'hsm-initialize' && s.action.inputs.hsm === hsm : custody === 'rksh-share' && s.action.kind === 'backup-ksk') && s.result,
    );
  const issued = ((issuing?.result?.issued ?? []) as { holderId: string; holderName: string }[]).filter((c) => !here.some((h) => h.holder === c.holderId));
  return [...here, ...issued.map((c) => ({ holder: c.holderId, label: ` of the credential ${c.holderName}` }))];
}

/**
 * TEB serials as read aloud (or scanned: a barcode scanner types them here), one per bag. The app
 * compares each with the serial its custody record expects only once entered, so the IW's own
 * comparison with the printed record comes first; a mismatch opens an exception. A bag delivered
 * new is compared with its delivery manifest, whose serial is entered as well.
 */
function TebForm({ p, seal }: { p: ActionFormProps; seal: boolean }) {
  const perMember = typeof inputs(p).perMemberOf === 'string';
  const [extra, setExtra] = useState<Bag[]>([]);
  const [absent, setAbsent] = useState('');
  const holders = [...bagsOf(p, seal), ...extra];
  const manifest = !seal && inputs(p).expected === 'manifest';
  const [serials, setSerials] = useState<string[]>(() => holders.map(() => ''));
  const [expected, setExpected] = useState<string[]>(() => holders.map(() => ''));
  const [contents, setContents] = useState<string[]>(() => holders.map(() => ''));
  const addAbsent = () => {
    if (!absent.trim()) return;
    setExtra([...extra, { holder: absent.trim(), label: ` of ${absent.trim()}’s bag (absent)` }]);
    setSerials([...serials, '']);
    setExpected([...expected, '']);
    setContents([...contents, '']);
    setAbsent('');
  };
  const what = String(inputs(p).contents ?? 'the bag');
  const complete = holders.length > 0 && holders.every((_, i) => serials[i]?.trim() && (!manifest || expected[i]?.trim()));
  // Bags a courier may or may not have delivered: with none, the CA records why.
  const courier = !seal && inputs(p).expected === 'courier-record';
  const [none, setNone] = useState('');
  const set = (list: string[], i: number, v: string) => list.map((x, j) => (j === i ? v : x));
  const bags = holders.map((h, i) => ({
    serial: (serials[i] ?? '').trim(),
    ...(h.holder ? { holder: h.holder } : {}),
    ...(manifest ? { expectedSerial: (expected[i] ?? '').trim() } : {}),
    ...(seal && contents[i]?.trim() ? { contents: contents[i]!.trim() } : {}),
  }));
  return (
    <ActionForm
      label={seal ? `Record the new TEB serial${holders.length > 1 ? 's' : ''}` : `Compare the TEB serial${holders.length > 1 ? 's' : ''}`}
      busy={p.busy}
      blocked={p.blocked}
      incomplete={
        holders.length === 0
          ? courier
            ? none.trim()
              ? null
              : 'Add the bag of each key delivered, or say why none was.'
            : 'No holder of this quorum is signed in.'
          : complete
            ? null
            : 'Enter every serial.'
      }
      onSubmit={() =>
        p.perform(seal ? { kind: 'teb-seal', bags } : courier && holders.length === 0 ? { kind: 'teb-check', none: none.trim() } : { kind: 'teb-check', bags })
      }
    >
      {courier && holders.length === 0 && <TextField label="No bag was delivered: why" value={none} onChange={setNone} />}
      <p data-testid="teb-custody" data-custody={String(inputs(p).custody ?? '')}>
        {seal ? 'Sealed: ' : 'Checked: '}
        {what}
      </p>
      {holders.map((h, i) => (
        <div key={h.holder ?? 'bag'} className="row-editor" data-holder={h.holder ?? ''}>
          <TextField
            label={`TEB serial${h.label}, as read aloud or scanned`}
            value={serials[i] ?? ''}
            onChange={(v) => setSerials(set(serials, i, v))}
            mono
            testId="teb-serial"
          />
          {manifest && (
            <TextField
              label={`Serial on the delivery manifest${h.label}`}
              value={expected[i] ?? ''}
              onChange={(v) => setExpected(set(expected, i, v))}
              mono
              testId="teb-manifest-serial"
            />
          )}
          {seal && (
            <TextField
              label={`Contents${h.label} (optional: the script’s description when empty)`}
              value={contents[i] ?? ''}
              onChange={(v) => setContents(set(contents, i, v))}
            />
          )}
        </div>
      ))}
      {perMember && (
        <div className="row-editor">
          <TextField label="Name of an absent holder whose bag is here too" value={absent} onChange={setAbsent} />
          <button type="button" className="secondary" onClick={addAbsent} disabled={!absent.trim()}>
            Add their bag
          </button>
        </div>
      )}
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
  const what = String(inputs(p).subject ?? 'the file');
  return (
    <ActionForm
      label="Compare the hashes"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={
        !subject ? 'Choose the file, or give the SHA-256 the app computed at boot.' : expected.trim() ? null : 'Enter the published value as read aloud.'
      }
      onSubmit={() => subject && p.perform({ kind: 'hash-check', subject, expected, ...(readBy ? { readBy } : {}) })}
    >
      <p>Subject: {what}</p>
      <FilePicker label="The file to hash" onChange={setFile} />
      <TextField label="or its SHA-256 as computed at boot (hex)" value={computed} onChange={setComputed} mono multiline />
      {subject && <Computed subject={subject} what={what} expected={expected} setExpected={setExpected} />}
      <PersonSelect label="Read aloud by (optional)" people={present(p.state)} value={readBy} onChange={setReadBy} />
    </ActionForm>
  );
}

/** The computed hash, large, in hex and PGP words, as the CA reads it aloud; the published value typed beside it and matched live. */
function Computed({
  subject,
  what,
  expected,
  setExpected,
}: {
  subject: { file: PickedFile } | { sha256: string };
  what: string;
  expected: string;
  setExpected: (v: string) => void;
}) {
  const described = useCall('hash.describe', { subject: 'file' in subject ? subject.file : subject });
  if (described.status === 'loading') return <p>Computing the SHA-256…</p>;
  if (described.status === 'error') return <ErrorMessage error={described.error} />;
  return (
    <>
      <Hash
        large
        label={`SHA-256 of the ${what}, as the app computes it`}
        hex={described.value.sha256}
        words={described.value.pgpWords}
        testId="computed-hash"
      />
      <HashEntry
        label="The published value, as read aloud (hex or PGP words)"
        value={expected}
        onChange={setExpected}
        hash={described.value}
        of={`the ${what}’s`}
        testId="published-hash"
      />
    </>
  );
}

/** The time the app shows: the backend's clock as it answered, ticking on in the page. */
function AppClock() {
  const status = useCall('app.status', {});
  const now = useBackendNow(status.status === 'ok' ? status.value.airGap.checkedAt : null);
  return (
    <p className="big" data-testid="app-clock">
      The app’s clock: <span className="mono">{now ? utc(now) : '…'}</span>
    </p>
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
      <AppClock />
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
    <ActionForm
      label={start ? 'Record that the cameras are recording' : 'Record that the cameras stopped'}
      busy={p.busy}
      blocked={p.blocked}
      onSubmit={() => p.perform({ kind: start ? 'camera-start' : 'camera-stop', cameras: lines(cameras) })}
    >
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
  { key: 'despiteKey', label: 'If its key arrived by courier: why it is drilled all the same', optional: true },
];

/** The holders whose safe deposit box key this ceremony received by courier (the courier-keys step). */
function keysHere(p: ActionFormProps): string[] {
  const courier = p.state.acts.flatMap((a) => a.steps).find((s) => s.action.kind === 'courier-keys');
  return ((courier?.result?.packages as { holder: string }[] | undefined) ?? []).map((x) => x.holder);
}

export function DrillBoxForm(p: ActionFormProps) {
  return (
    <RowsForm
      p={p}
      columns={boxColumns}
      legend="Safe deposit boxes drilled (each one is an exception the IW witnesses)"
      label="Record the boxes drilled"
      incomplete="Fill in every box."
      toInput={(rows) => ({
        kind: 'drill-safe-deposit-box',
        boxes: rows.map((r) => ({
          holder: r.holder!,
          reason: r.reason!,
          recovered: [{ serial: r.serial!, contents: r.contents! }],
          ...(r.despiteKey ? { despiteKey: r.despiteKey } : {}),
        })),
      })}
      none={{ label: 'No box was drilled: every box needed was opened with its key', toInput: () => ({ kind: 'drill-safe-deposit-box', boxes: [] }) }}
    >
      {keysHere(p).length > 0 && (
        <p data-testid="keys-here">
          Keys received by courier: {keysHere(p).join(', ')}. Their boxes are opened with them; the app refuses to record one drilled unless you say why.
        </p>
      )}
    </RowsForm>
  );
}

const retiredColumns: Column[] = [
  { key: 'hsm', label: 'HSM' },
  { key: 'serial', label: 'Serial number' },
  { key: 'disposition', label: 'Disposition' },
];

export function ReplaceHardwareForm(p: ActionFormProps) {
  const named = p.state.followUps.outstanding.flatMap((o) => (o.kind === 'replace-hardware' ? (o.subjects ?? []) : []));
  return (
    <RowsForm
      p={p}
      columns={retiredColumns}
      legend="Retired"
      label="Record the hardware retired"
      incomplete="Fill in every HSM retired."
      toInput={(rows) => ({ kind: 'replace-hardware', retired: rows as InputOf<'replace-hardware'>['retired'] })}
    >
      <p>Retire: {String(inputs(p).retire ?? '')}</p>
      {named.length > 0 && (
        <div data-testid="hsms-to-retire">
          <p>The open obligations name these HSMs, which must be retired here (by serial number) before they are discharged:</p>
          <ul>
            {named.map((h) => (
              <li key={h.serialNumber}>
                {h.hsmId}: {h.model}, serial <span className="mono">{h.serialNumber}</span>
                {h.tokenLabel ? `, token ${h.tokenLabel}` : ''}: {h.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </RowsForm>
  );
}

const handoverColumns: Column[] = [
  { key: 'tebSerial', label: 'TEB serial' },
  { key: 'holderName', label: 'Handed to' },
  { key: 'reference', label: 'Reference', optional: true },
];

export function DistributeCredentialsForm(p: ActionFormProps) {
  return (
    <RowsForm
      p={p}
      columns={handoverColumns}
      legend="Handovers"
      label="Record the credentials handed over"
      incomplete="Fill in every handover."
      toInput={(rows) => ({ kind: 'distribute-credentials', handovers: rows as InputOf<'distribute-credentials'>['handovers'] })}
    />
  );
}

export function StoreRrsigsForm(p: ActionFormProps) {
  const [serial, setSerial] = useState('');
  const [dir, setDir] = useState('');
  return (
    <ActionForm
      label="Store the SKRs"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={serial.trim() ? null : 'Enter the serial of the TEB they are sealed in.'}
      onSubmit={() => p.perform({ kind: 'store-rrsigs', tebSerial: serial.trim(), ...outOf(dir) })}
    >
      <TextField label="Serial of the TEB the SKRs are sealed in" value={serial} onChange={setSerial} mono />
      <OutDir value={dir} onChange={setDir} />
    </ActionForm>
  );
}
