import { readRegularFileSync } from '../system/inputFiles.js';
import type { z } from 'zod';
import { KskError } from '../errors.js';
import { actionKinds } from './actions.js';
import { scriptHash } from './hash.js';
import { shippedParts } from './parts.js';
import { lineOf, locate, parseSource, resolveScript, type Origin, type Path, type PartLoader, type Resolution } from './resolve.js';
import { scriptSchema, type Script } from './script.js';
import { validateScript } from './validate.js';

/**
 * Reads a ceremony script (a template, an operator's adaptation, or a resolved script back from the
 * log: YAML or JSON), resolves it and validates it completely. Every problem is reported with the
 * file, the line, where in the script (act, step) and what is wrong, all at once, so an operator
 * adapting a template fixes them in one pass.
 */

export interface ScriptIssue {
  severity: 'error' | 'warning';
  file: string;
  line: number | null;
  /** Where in the script, for people: 'step 4.3 (generate-ksk): action.inputs.quorum'. */
  where: string;
  message: string;
  /** For a problem inside a shared part: the include that brought it in ('dr-4.1.1.yaml:40'). */
  includedFrom: string | null;
}

export interface ScriptCheck {
  /** The validated script, or null when there is any error. */
  script: Script | null;
  sha256: string | null;
  issues: ScriptIssue[];
}

/** A script larger than this is not a script (the biggest template is about 30 kB). */
const maxScriptBytes = 1_000_000;

export class InvalidScriptError extends KskError {
  constructor(
    readonly file: string,
    readonly issues: ScriptIssue[],
  ) {
    const errors = issues.filter((i) => i.severity === 'error');
    super(
      'BAD_INPUT_FILE',
      `The ceremony script ${file} is not valid (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n${errors.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
    );
    this.name = 'InvalidScriptError';
  }
}

export function formatIssue(issue: ScriptIssue): string {
  const at = issue.line === null ? issue.file : `${issue.file}:${issue.line}`;
  const where = issue.where ? ` ${issue.where}:` : '';
  const via = issue.includedFrom ? ` (in the part included at ${issue.includedFrom})` : '';
  return `${at}:${where} ${issue.message}${via}`;
}

function place(origin: Origin): Pick<ScriptIssue, 'file' | 'line' | 'includedFrom'> {
  const via = origin.via;
  return { file: origin.source.file, line: lineOf(origin), includedFrom: via ? `${via.source.file}:${lineOf(via) ?? '?'}` : null };
}

function get(value: unknown, at: Path): unknown {
  let node = value;
  for (const key of at) node = typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[key] : undefined;
  return node;
}

/** 'step 4.3 (generate-ksk): action.inputs.quorum' from a path in the resolved document. */
function describePath(value: unknown, at: Path): string {
  const dotted = (parts: Path) =>
    parts
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
      .join('')
      .replace(/^\./, '');
  if (at[0] === 'acts' && typeof at[1] === 'number') {
    if (at[2] === 'steps' && typeof at[3] === 'number') {
      const step = get(value, at.slice(0, 4)) as { id?: unknown; number?: unknown } | undefined;
      const rest = dotted(at.slice(4));
      return `step ${String(step?.number ?? `${at[1] + 1}.${at[3] + 1}`)}${typeof step?.id === 'string' ? ` (${step.id})` : ''}${rest ? `: ${rest}` : ''}`;
    }
    const act = get(value, at.slice(0, 2)) as { title?: unknown } | undefined;
    const rest = dotted(at.slice(2));
    return `act ${at[1] + 1}${typeof act?.title === 'string' ? ` "${act.title}"` : ''}${rest ? `: ${rest}` : ''}`;
  }
  return dotted(at);
}

const typeName = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : typeof v === 'string' ? `"${v}"` : String(v);

const typeWords: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'text',
  boolean: 'true or false',
  int: 'a whole number',
  number: 'a number',
};
const typeWord = (expected: string): string => typeWords[expected] ?? expected;

type ZodIssue = z.core.$ZodIssue;

/** What a union accepts, from the failures of its options at their root: '"current" or a mapping'. */
function forms(options: ZodIssue[][]): string {
  return options
    .flatMap((errors) =>
      errors.map((e) =>
        e.code === 'invalid_value' ? e.values.map((v) => JSON.stringify(v)).join(' or ') : e.code === 'invalid_type' ? typeWord(e.expected) : e.message,
      ),
    )
    .join(' or ');
}

/** Zod's issues in words for the person editing the script, at the path where the problem is. */
function describeZodIssue(issue: ZodIssue, value: unknown, prefix: (string | number)[] = []): { path: Path; message: string }[] {
  const at = [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
  const found = get(value, at);
  switch (issue.code) {
    case 'invalid_type':
      if (found === undefined) return [{ path: at, message: `${at[at.length - 1] ?? 'a value'} is required (${typeWord(issue.expected)})` }];
      // YAML reads 1 or 1.0 as a number; a version or a label must be quoted to stay text.
      if (issue.expected === 'string' && typeof found === 'number') return [{ path: at, message: `must be text, not the number ${found}: write it in quotes` }];
      return [{ path: at, message: `must be ${typeWord(issue.expected)}, not ${typeName(found)}` }];
    case 'unrecognized_keys':
      return [
        {
          path: [...at, issue.keys[0] as string],
          message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (a typo?)`,
        },
      ];
    case 'invalid_union': {
      if (at[at.length - 1] === 'kind') return [{ path: at, message: `unknown action kind ${typeName(found)}; the kinds are: ${actionKinds.join(', ')}` }];
      // An option that failed below its root is the form the value was meant to have: report its problems.
      const meant = issue.errors
        .filter((errors) => errors.some((e) => e.path.length > 0 || e.code === 'unrecognized_keys'))
        .sort((a, b) => a.length - b.length)[0];
      if (meant) return meant.flatMap((e) => describeZodIssue(e, value, at));
      return [{ path: at, message: `must be ${forms(issue.errors)}, not ${typeName(found)}` }];
    }
    case 'invalid_value': {
      const allowed = issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return [
        { path: at, message: found === undefined ? `${at[at.length - 1] ?? 'a value'} is required: ${allowed}` : `must be ${allowed}, not ${typeName(found)}` },
      ];
    }
    case 'too_small':
      return [{ path: at, message: issue.origin === 'array' ? `needs at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}` : issue.message }];
    default:
      return [{ path: at, message: issue.message }];
  }
}

function checkResolved(resolution: Resolution): { script: Script | null; issues: ScriptIssue[] } {
  const issues: ScriptIssue[] = [];
  const at = (severity: ScriptIssue['severity'], resolvedPath: Path, message: string) =>
    issues.push({ severity, ...place(locate(resolution, resolvedPath)), where: describePath(resolution.value, resolvedPath), message });
  const parsed = scriptSchema.safeParse(resolution.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      for (const { path: issuePath, message } of describeZodIssue(issue, resolution.value)) at('error', issuePath, message);
    return { script: null, issues };
  }
  for (const finding of validateScript(parsed.data)) at(finding.severity, finding.path, finding.message);
  return { script: issues.some((i) => i.severity === 'error') ? null : parsed.data, issues };
}

/** Resolves and validates a script's text; never throws for a bad script, it reports. */
export function checkScript(text: string, file: string, parts: PartLoader = shippedParts): ScriptCheck {
  if (Buffer.byteLength(text) > maxScriptBytes) {
    return {
      script: null,
      sha256: null,
      issues: [
        {
          severity: 'error',
          file,
          line: null,
          where: '',
          message: `the file is larger than ${maxScriptBytes} bytes: not a ceremony script`,
          includedFrom: null,
        },
      ],
    };
  }
  const { source, issues: syntax } = parseSource(text, file);
  const fromSource = (list: { origin: Origin; message: string }[]): ScriptIssue[] =>
    list.map(({ origin, message }) => ({ severity: 'error', ...place(origin), where: '', message }));
  if (syntax.length > 0) return { script: null, sha256: null, issues: fromSource(syntax) };
  const resolution = resolveScript(source, parts);
  if (resolution.issues.length > 0) return { script: null, sha256: null, issues: fromSource(resolution.issues) };
  const { script, issues } = checkResolved(resolution);
  return { script, sha256: script ? scriptHash(script) : null, issues };
}

/** The validated script, or an InvalidScriptError listing every problem. */
export function loadScript(text: string, file = 'script', parts: PartLoader = shippedParts): Script {
  const { script, issues } = checkScript(text, file, parts);
  if (!script) throw new InvalidScriptError(file, issues);
  return script;
}

/** A script is a few tens of kilobytes; this bound keeps a device or a huge file out. */
const MAX_SCRIPT_BYTES = 4 * 1024 * 1024;

export function readScriptFile(filePath: string): string {
  return readRegularFileSync(filePath, 'ceremony script', MAX_SCRIPT_BYTES).toString('utf8');
}

/** A script received as a value (from the log or the contract), validated exactly like a file. */
export function scriptFromValue(value: unknown, name = 'script'): Script {
  return loadScript(JSON.stringify(value) ?? 'null', name);
}
