import { useId, useState, type ReactNode } from 'react';
import type { CeremonyState, ParticipantState, StepState } from '../../../../core/contract/ceremonyState.js';
import type { StepInput } from '../../../../core/contract/stepInputs.js';
import { useCall } from '../../api.js';
import { bytes } from '../../format.js';

export type InputOf<K extends StepInput['kind']> = Extract<StepInput, { kind: K }>;

/** What every action form gets: the ceremony, the step, and the one way to perform it. */
export interface ActionFormProps {
  state: CeremonyState;
  step: StepState;
  busy: boolean;
  /** Disabled reason from outside the form (no performer chosen), or null. */
  blocked: string | null;
  perform: (input: StepInput) => void;
}

/** The form around an action's fields: one submit button that says what it does; disabled while it runs or until the form is complete. */
export function ActionForm({
  label,
  busy,
  blocked,
  incomplete,
  onSubmit,
  children,
}: {
  label: string;
  busy: boolean;
  blocked: string | null;
  incomplete?: string | null;
  onSubmit: () => void;
  children?: ReactNode;
}) {
  const reason = blocked ?? incomplete ?? null;
  return (
    <form
      className="action-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy && !reason) onSubmit();
      }}
    >
      {children}
      <div className="actions">
        <button type="submit" className="primary-large" disabled={busy || reason !== null} data-testid="perform">
          {busy ? 'Working… (this cannot be started twice)' : label}
        </button>
        {reason && !busy && <span className="hint">{reason}</span>}
      </div>
    </form>
  );
}

export function TextField({
  label,
  value,
  onChange,
  hint,
  multiline = false,
  mono = false,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  multiline?: boolean;
  mono?: boolean;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className={mono ? 'mono' : undefined}
          spellCheck={false}
          data-testid={testId}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
      ) : (
        <input
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className={mono ? 'mono' : undefined}
          autoComplete="off"
          spellCheck={false}
          data-testid={testId}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
      )}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function PersonSelect({
  label,
  people,
  value,
  onChange,
}: {
  label: string;
  people: ParticipantState[];
  value: string;
  onChange: (personId: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose…</option>
        {people.map((p) => (
          <option key={p.personId} value={p.personId}>
            {p.name} ({p.roles.join(', ')})
          </option>
        ))}
      </select>
    </div>
  );
}

/** A UTC time as typed from a clock: ISO 8601 with Z, or "YYYY-MM-DD HH:MM:SS" (UTC understood). Null if it is not one. */
export function parseUtc(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)\s*(Z|UTC)?$/i.exec(text.trim());
  if (!m) return null;
  const time = m[2]!.length === 5 ? `${m[2]}:00` : m[2];
  const date = new Date(`${m[1]}T${time}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

export interface Column {
  key: string;
  label: string;
  options?: readonly string[];
  optional?: boolean;
}
export type Row = Record<string, string>;

/** A table of rows to fill in (people notified, bags handed over...): add and remove rows by keyboard or mouse. */
export function RowsEditor({ legend, columns, rows, onChange }: { legend: string; columns: readonly Column[]; rows: Row[]; onChange: (rows: Row[]) => void }) {
  const id = useId();
  const blank = () => Object.fromEntries(columns.map((c) => [c.key, c.options?.[0] ?? '']));
  return (
    <fieldset>
      <legend>{legend}</legend>
      {rows.map((row, i) => (
        <div key={i} className="row-editor" role="group" aria-label={`${legend}: row ${i + 1}`}>
          {columns.map((c) => (
            <div key={c.key} className="field">
              <label htmlFor={`${id}-${i}-${c.key}`}>
                {c.label}
                {c.optional ? ' (optional)' : ''}
              </label>
              {c.options ? (
                <select
                  id={`${id}-${i}-${c.key}`}
                  value={row[c.key] ?? ''}
                  onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, [c.key]: e.target.value } : r)))}
                >
                  {c.options.map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={`${id}-${i}-${c.key}`}
                  value={row[c.key] ?? ''}
                  autoComplete="off"
                  onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, [c.key]: e.target.value } : r)))}
                />
              )}
            </div>
          ))}
          {rows.length > 1 && (
            <button type="button" className="secondary" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              Remove row {i + 1}
            </button>
          )}
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...rows, blank()])}>
        Add a row
      </button>
    </fieldset>
  );
}

/** Rows with every required cell filled, trimmed; optional cells left empty are dropped. */
export function filledRows(rows: Row[], columns: readonly Column[]): Row[] | null {
  const out: Row[] = [];
  for (const row of rows) {
    const cells = Object.fromEntries(columns.map((c) => [c.key, (row[c.key] ?? '').trim()]).filter(([, v]) => v !== ''));
    if (columns.some((c) => !c.optional && !cells[c.key])) return null;
    out.push(cells);
  }
  return out.length > 0 ? out : null;
}

export function useRows(columns: readonly Column[], initial = 1): [Row[], (rows: Row[]) => void] {
  return useState<Row[]>(() => Array.from({ length: initial }, () => Object.fromEntries(columns.map((c) => [c.key, c.options?.[0] ?? '']))));
}

/** An action whose input is a table the people in the room fill in (who was notified, packages, boxes...). */
/**
 * `none`: the step may record that there is no row at all (no key could be sent, no box was drilled),
 * with why when `reason` is asked for.
 */
export interface NoRows {
  label: string;
  reason?: string;
  toInput: (reason: string) => StepInput;
}

export function RowsForm({
  p,
  columns,
  legend,
  label,
  incomplete,
  toInput,
  none,
  children,
}: {
  p: ActionFormProps;
  columns: readonly Column[];
  legend: string;
  label: string;
  incomplete: string;
  toInput: (rows: Row[]) => StepInput;
  none?: NoRows;
  children?: ReactNode;
}) {
  const [rows, setRows] = useRows(columns);
  const [empty, setEmpty] = useState(false);
  const [why, setWhy] = useState('');
  const filled = filledRows(rows, columns);
  const noneReady = empty && (!none?.reason || why.trim() !== '');
  return (
    <ActionForm
      label={label}
      busy={p.busy}
      blocked={p.blocked}
      incomplete={empty ? (noneReady ? null : 'Say why.') : filled ? null : incomplete}
      onSubmit={() => (empty && none ? noneReady && p.perform(none.toInput(why.trim())) : filled && p.perform(toInput(filled)))}
    >
      {children}
      {none && (
        <label className="choice">
          <input type="checkbox" checked={empty} onChange={(e) => setEmpty(e.target.checked)} />
          <span>{none.label}</span>
        </label>
      )}
      {empty && none?.reason && <TextField label={none.reason} value={why} onChange={setWhy} multiline />}
      {!empty && <RowsEditor legend={legend} columns={columns} rows={rows} onChange={setRows} />}
    </ActionForm>
  );
}

/**
 * Where files the step writes go: a removable medium mounted now, or a folder typed on this
 * laptop; empty means the ceremony's folder in the workspace.
 */
export function OutDir({ value, onChange }: { value: string; onChange: (dir: string) => void }) {
  const id = useId();
  const media = useCall('export.media', {});
  return (
    <div className="field">
      <label htmlFor={id}>Write the files to (a folder on this laptop or a removable medium; empty: the ceremony’s folder in the workspace)</label>
      <input id={id} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" spellCheck={false} list={`${id}-media`} />
      {media.status === 'ok' && media.value.media.length > 0 && (
        <>
          <datalist id={`${id}-media`}>
            {media.value.media.map((m) => (
              <option key={m.mountPoint} value={m.mountPoint} />
            ))}
          </datalist>
          <p className="hint">
            Removable media: {media.value.media.map((m) => `${m.mountPoint} (${bytes(m.freeBytes)} free${m.readOnly ? ', READ-ONLY' : ''})`).join('; ')}
          </p>
        </>
      )}
    </div>
  );
}

export function outOf(dir: string): { out?: { dir: string } } {
  return dir.trim() ? { out: { dir: dir.trim() } } : {};
}
