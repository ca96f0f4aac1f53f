import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { standardQuorums, standardRoles } from './roles.js';

/**
 * Turns a script as written (YAML with includes of shared parts, defaults left out) into the plain,
 * complete document that scriptSchema validates and that is hashed. It keeps a map from every act
 * of the result back to the file and place it was written, so that a problem found later is
 * reported where the operator can fix it.
 *
 * What a source may leave out, and what it becomes: roles and quorums (the standard ones, roles.ts),
 * hsms and followUps (none), an act's number (its position) and phase (ceremony), a step's number
 * ("act.step"), its `initial` (true in the ceremony, false in preparation), its action (manual) and
 * an action's inputs (none). An act may be `{include: PART, with: {PARAM: VALUE}, branch: ID}`: the
 * acts of resources/scripts/parts/PART.yaml, with each "{{PARAM}}" replaced (a value that is exactly
 * "{{PARAM}}" takes the parameter's value whatever its type; a null value removes the field), each
 * on the branch given, if any.
 */

export type Path = (string | number)[];

export interface Source {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Where something was written: a place in a source, and the include that brought it in, if any. */
export interface Origin {
  source: Source;
  path: Path;
  via?: Origin;
  /** For a problem in the YAML itself, which has no path: where in the text it is. */
  offset?: number;
}

export interface SourceIssue {
  origin: Origin;
  message: string;
}

export interface PartLoader {
  load(name: string): { file: string; text: string } | null;
  names(): string[];
}

export interface Resolution {
  value: unknown;
  /** The origin of each act of the result, by index. */
  actOrigins: Origin[];
  root: Origin;
  issues: SourceIssue[];
}

/** YAML aliases can multiply a small file into a huge value; a script never needs many. */
const maxAliasCount = 50;

export function parseSource(text: string, file: string): { source: Source; issues: SourceIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, schema: 'core' });
  const source = { file, doc, lines };
  const issues = [...doc.errors, ...doc.warnings].map((e) => ({
    origin: { source, path: [], offset: e.pos[0] },
    message: (e.message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, ''),
  }));
  return { source, issues };
}

const unreadable = Symbol('unreadable');

function toValue(source: Source, issues: SourceIssue[]): unknown {
  try {
    return source.doc.toJS({ maxAliasCount });
  } catch (e) {
    // yaml refuses documents whose aliases expand too far ("resource exhaustion").
    issues.push({ origin: { source, path: [] }, message: `the document cannot be read: ${e instanceof Error ? e.message : String(e)}` });
    return unreadable;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const REMOVE = Symbol('remove');
const placeholder = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;

function substitute(value: unknown, params: Record<string, unknown>, unknown: Set<string>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{([A-Za-z][A-Za-z0-9]*)\}\}$/.exec(value);
    if (whole) {
      const name = whole[1] as string;
      if (!(name in params)) {
        unknown.add(name);
        return value;
      }
      return params[name] === null ? REMOVE : params[name];
    }
    return value.replace(placeholder, (text, name: string) => {
      const param = params[name];
      if (typeof param === 'string' || typeof param === 'number') return String(param);
      unknown.add(name);
      return text;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, params, unknown)).filter((v) => v !== REMOVE);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const replaced = substitute(v, params, unknown);
      if (replaced !== REMOVE) out[key] = replaced;
    }
    return out;
  }
  return value;
}

interface Included {
  acts: unknown[];
  origins: Origin[];
}

function includePart(entry: Record<string, unknown>, at: Origin, parts: PartLoader, issues: SourceIssue[]): Included | null {
  const fail = (message: string, path: Path = []): null => {
    issues.push({ origin: { ...at, path: [...at.path, ...path] }, message });
    return null;
  };
  const extra = Object.keys(entry).filter((k) => k !== 'include' && k !== 'with' && k !== 'branch');
  if (extra.length > 0) return fail(`an include takes only "include", "with" and "branch", not ${extra.map((k) => `"${k}"`).join(', ')}`, [extra[0] as string]);
  const name = entry.include;
  const found = typeof name === 'string' && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name) ? parts.load(name) : null;
  if (!found) return fail(`there is no shared part "${String(name)}" (the parts are: ${parts.names().join(', ')})`, ['include']);
  const given = entry.with ?? {};
  if (!isRecord(given)) return fail('"with" must map each parameter of the part to its value', ['with']);

  const { source, issues: parseIssues } = parseSource(found.text, found.file);
  if (parseIssues.length > 0) {
    issues.push(...parseIssues.map((i) => ({ ...i, origin: { ...i.origin, via: at } })));
    return null;
  }
  const part = toValue(source, issues);
  if (part === unreadable) return null;
  const partAt: Origin = { source, path: [], via: at };
  if (!isRecord(part) || !Array.isArray(part.acts) || (part.params !== undefined && !isRecord(part.params))) {
    issues.push({ origin: partAt, message: 'a shared part is a mapping with "acts" (a list) and optionally "params"' });
    return null;
  }
  const declared = (part.params ?? {}) as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  const before = issues.length;
  for (const [param, spec] of Object.entries(declared)) {
    if (param in given) params[param] = given[param];
    else if (isRecord(spec) && 'default' in spec) params[param] = spec.default;
    else
      fail(`part "${name}" needs the parameter "${param}"${isRecord(spec) && typeof spec.description === 'string' ? ` (${spec.description})` : ''}`, ['with']);
  }
  for (const param of Object.keys(given))
    if (!(param in declared)) fail(`part "${name}" has no parameter "${param}" (it has: ${Object.keys(declared).join(', ') || 'none'})`, ['with', param]);
  if (issues.length > before) return null;

  const unknown = new Set<string>();
  const acts = part.acts
    .map((act) => substitute(act, params, unknown))
    .map((act) => (entry.branch !== undefined && isRecord(act) ? { ...act, branch: entry.branch } : act));
  for (const param of unknown)
    issues.push({ origin: partAt, message: `part "${name}" uses {{${param}}} but declares no such parameter, or its value is not text` });
  for (const [i, act] of acts.entries())
    if (isRecord(act) && 'include' in act)
      issues.push({ origin: { source, path: ['acts', i], via: at }, message: 'a shared part cannot include another part' });
  return { acts, origins: acts.map((_, i) => ({ source, path: ['acts', i], via: at })) };
}

function withStepDefaults(step: unknown, actNumber: number, stepIndex: number, phase: unknown): unknown {
  if (!isRecord(step)) return step;
  const out = { ...step };
  out.number ??= `${actNumber}.${stepIndex + 1}`;
  out.initial ??= phase !== 'preparation';
  out.action ??= { kind: 'manual' };
  if (isRecord(out.action) && !('inputs' in out.action)) out.action = { ...out.action, inputs: {} };
  return out;
}

function withActDefaults(act: unknown, index: number): unknown {
  if (!isRecord(act)) return act;
  const out = { ...act };
  out.number ??= index + 1;
  out.phase ??= 'ceremony';
  if (Array.isArray(out.steps)) out.steps = out.steps.map((step, i) => withStepDefaults(step, index + 1, i, out.phase));
  return out;
}

export function resolveScript(root: Source, parts: PartLoader): Resolution {
  const rootOrigin: Origin = { source: root, path: [] };
  const issues: SourceIssue[] = [];
  const raw = toValue(root, issues);
  if (raw === unreadable) return { value: null, actOrigins: [], root: rootOrigin, issues };
  if (!isRecord(raw)) {
    return {
      value: raw,
      actOrigins: [],
      root: rootOrigin,
      issues: [{ origin: rootOrigin, message: 'a ceremony script is a mapping (format, id, version, title, acts, ...)' }],
    };
  }
  const value: Record<string, unknown> = { ...raw };
  value.roles ??= standardRoles;
  value.quorums ??= standardQuorums;
  value.hsms ??= [];
  value.followUps ??= [];

  const actOrigins: Origin[] = [];
  if (Array.isArray(raw.acts)) {
    const acts: unknown[] = [];
    for (const [i, entry] of raw.acts.entries()) {
      const at: Origin = { source: root, path: ['acts', i] };
      if (isRecord(entry) && 'include' in entry) {
        const included = includePart(entry, at, parts, issues);
        if (included) {
          acts.push(...included.acts);
          actOrigins.push(...included.origins);
        }
      } else {
        acts.push(entry);
        actOrigins.push(at);
      }
    }
    value.acts = acts.map(withActDefaults);
  }
  return { value, actOrigins, root: rootOrigin, issues };
}

/** The source place of a path in the resolved document: the deepest node that exists where it was written. */
export function locate(resolution: Resolution, path: Path): Origin {
  let base = resolution.root;
  let rest = path;
  const act = path[0] === 'acts' && typeof path[1] === 'number' ? resolution.actOrigins[path[1]] : undefined;
  if (act) {
    base = act;
    rest = path.slice(2);
  }
  for (let k = rest.length; k > 0; k--) {
    const candidate = [...base.path, ...rest.slice(0, k)];
    if (isNode(base.source.doc.getIn(candidate, true))) return { ...base, path: candidate };
  }
  return base;
}

/** 1-based line of an origin in its file, or null when there is no node to point at (an empty file). */
export function lineOf(origin: Origin): number | null {
  let offset = origin.offset ?? null;
  for (let k = origin.path.length; offset === null && k >= 0; k--) {
    const node = k === 0 ? origin.source.doc.contents : origin.source.doc.getIn(origin.path.slice(0, k), true);
    if (isNode(node) && node.range) offset = node.range[0];
  }
  return offset === null ? null : origin.source.lines.linePos(offset).line;
}
