import { useState } from 'react';
import { present, withRoles } from '../../panels/people.js';
import {
  ActionForm,
  OutDir,
  PersonSelect,
  RowsEditor,
  RowsForm,
  TextField,
  filledRows,
  lines,
  outOf,
  parseUtc,
  useRows,
  type ActionFormProps,
  type Column,
  type InputOf,
} from './common.js';

const inputs = (p: ActionFormProps) => p.step.action.inputs as Record<string, unknown>;

export function SignInForm(p: ActionFormProps) {
  return (
    <ActionForm label="Record the sign-in: every role is present" busy={p.busy} blocked={p.blocked} onSubmit={() => p.perform({ kind: 'sign-in' })}>
      <p>
        Participants sign in on the <a href={`#/ceremony/${encodeURIComponent(p.state.ceremonyId)}/sign-in`}>sign-in screen</a>; {present(p.state).length} are
        signed in now.
      </p>
    </ActionForm>
  );
}

export function SignOutForm(p: ActionFormProps) {
  const people = present(p.state);
  const stay = (roles: string[]) => roles.includes('CA') || roles.includes('IW');
  const [chosen, setChosen] = useState<string[]>(() => people.filter((x) => !stay(x.roles)).map((x) => x.personId));
  return (
    <ActionForm
      label={`Sign out ${chosen.length} participant${chosen.length === 1 ? '' : 's'}`}
      busy={p.busy}
      blocked={p.blocked}
      onSubmit={() => p.perform({ kind: 'sign-out', personIds: chosen })}
    >
      <fieldset>
        <legend>Who signs out now (the CA and the IW stay until the ceremony is closed)</legend>
        {people.map((x) => (
          <label key={x.personId} className="choice">
            <input
              type="checkbox"
              checked={chosen.includes(x.personId)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, x.personId] : chosen.filter((c) => c !== x.personId))}
            />
            <span>
              {x.name} ({x.roles.join(', ')})
            </span>
          </label>
        ))}
      </fieldset>
    </ActionForm>
  );
}

const notifyColumns = (p: ActionFormProps): Column[] => [
  { key: 'name', label: 'Name' },
  { key: 'role', label: 'Role', options: (inputs(p).recipients as string[] | undefined) ?? p.state.roles.map((r) => r.id) },
  { key: 'channel', label: 'How', options: (inputs(p).channels as string[] | undefined) ?? ['in-person', 'phone', 'email', 'letter', 'secure-message'] },
  { key: 'reference', label: 'Reference', optional: true },
];

export function NotifyForm(p: ActionFormProps) {
  return (
    <RowsForm
      p={p}
      columns={notifyColumns(p)}
      legend="Notified"
      label="Record who was notified"
      incomplete="Name everyone notified."
      toInput={(rows) => ({ kind: 'notify', notified: rows as InputOf<'notify'>['notified'] })}
    />
  );
}

const approvalColumns: Column[] = [
  { key: 'name', label: 'Name' },
  { key: 'role', label: 'Role' },
];

export function ApprovePlanForm(p: ActionFormProps) {
  const [plan, setPlan] = useState('');
  const [approvals, setApprovals] = useRows(approvalColumns);
  const [notified, setNotified] = useState<Record<string, string>[]>([]);
  const filled = filledRows(approvals, approvalColumns);
  return (
    <ActionForm
      label="Record the approved plan"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={!plan.trim() ? 'Write the plan.' : filled ? null : 'Name every approver.'}
      onSubmit={() =>
        filled &&
        p.perform({
          kind: 'approve-plan',
          plan,
          approvals: filled as InputOf<'approve-plan'>['approvals'],
          notified: (filledRows(notified, approvalColumns) ?? []) as InputOf<'approve-plan'>['notified'],
        })
      }
    >
      <TextField label="The plan" value={plan} onChange={setPlan} multiline />
      <RowsEditor legend="Approved by" columns={approvalColumns} rows={approvals} onChange={setApprovals} />
      <RowsEditor
        legend="Notified of the plan (optional)"
        columns={approvalColumns}
        rows={notified.length ? notified : [{ name: '', role: '' }]}
        onChange={setNotified}
      />
    </ActionForm>
  );
}

const courierColumns: Column[] = [
  { key: 'holder', label: 'Holder' },
  { key: 'tebSerial', label: 'TEB serial' },
  { key: 'courierReference', label: 'Courier reference' },
];

export function CourierKeysForm(p: ActionFormProps) {
  return (
    <RowsForm
      p={p}
      columns={courierColumns}
      legend="Packages"
      label="Record the packages couriered"
      incomplete="Fill in every package."
      toInput={(rows) => ({ kind: 'courier-keys', packages: rows as InputOf<'courier-keys'>['packages'] })}
      none={{
        label: 'No key could be sent in time (time and circumstances did not permit)',
        reason: 'Why',
        toInput: (notPossible) => ({ kind: 'courier-keys', notPossible }),
      }}
    />
  );
}

export function AssessDurationForm(p: ActionFormProps) {
  const [assessment, setAssessment] = useState('');
  const [sources, setSources] = useState('');
  const [until, setUntil] = useState('');
  const coverUntil = parseUtc(until);
  return (
    <ActionForm
      label="Record the assessment"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={
        !assessment.trim()
          ? 'Write the assessment.'
          : lines(sources).length === 0
            ? 'Name at least one source.'
            : coverUntil
              ? null
              : 'Give the time to cover until, in UTC.'
      }
      onSubmit={() => coverUntil && p.perform({ kind: 'assess-duration', assessment, sources: lines(sources), coverUntil })}
    >
      <TextField label="Assessment" value={assessment} onChange={setAssessment} multiline />
      <TextField label="Sources (one per line)" value={sources} onChange={setSources} multiline />
      <TextField label="The additional RRSIGs must cover the zone until (UTC)" value={until} onChange={setUntil} hint="e.g. 2027-03-31 00:00:00 UTC" />
    </ActionForm>
  );
}

export function ReleaseRrsigsForm(p: ActionFormProps) {
  const [receivedBy, setReceivedBy] = useState('');
  const [dir, setDir] = useState('');
  const to = String(inputs(p).to ?? 'RZM');
  return (
    <ActionForm
      label="Release the stored SKR"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={receivedBy ? null : `Choose who receives it (${to}).`}
      onSubmit={() => p.perform({ kind: 'release-rrsigs', receivedBy, ...outOf(dir) })}
    >
      <PersonSelect label={`Received by (${to})`} people={withRoles(p.state, [to])} value={receivedBy} onChange={setReceivedBy} />
      <OutDir value={dir} onChange={setDir} />
    </ActionForm>
  );
}
