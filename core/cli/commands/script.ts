import { closeSync, fsyncSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { scriptHash } from '../../ceremony/hash.js';
import { checkScript, formatIssue, readScriptFile, type ScriptCheck } from '../../ceremony/load.js';
import { participantRoles, type Script } from '../../ceremony/script.js';
import { isTemplateId, loadTemplate, templateIds } from '../../ceremony/templates.js';
import { adaptation, scriptToYaml } from '../../ceremony/write.js';
import { KskError, messageOf } from '../../errors.js';
import { resourcePath } from '../../resources.js';
import { output, parseCommandArgs, UsageError, type Command, type CommandImpl } from '../command.js';
import { ExitCode } from '../exitCodes.js';

/** A template id, or the path of a script file. */
function check(ref: string): ScriptCheck & { source: string } {
  if (isTemplateId(ref))
    return { ...checkScript(readScriptFile(resourcePath('scripts', `${ref}.yaml`)), `resources/scripts/${ref}.yaml`), source: `template ${ref}` };
  return { ...checkScript(readScriptFile(ref), ref), source: ref };
}

function loadRef(ref: string): Script {
  const result = check(ref);
  if (!result.script)
    throw new KskError('BAD_INPUT_FILE', `${result.source} is not a valid ceremony script:\n${result.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
  return result.script;
}

function oneRef(positionals: string[], command: Pick<Command, 'usage'>): string {
  if (positionals.length !== 1) throw new UsageError(`Give exactly one template id or script file.\nusage: ${command.usage}`);
  return positionals[0] as string;
}

function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** The script as the CA would read it on paper: acts, numbered steps, who, what the app does. */
function describe(script: Script, sha256: string): string {
  const quorums = Object.entries(script.quorums).map(([id, q]) => `${id} ${q.m} of ${q.n} ${q.role}`);
  const lines = [
    `${script.title}`,
    `${script.id} ${script.version}  sha256 ${sha256}`,
    `procedure ${script.procedure}${script.disaster ? ` (${script.disaster} disaster)` : ''}${script.seedReference ? `: ${script.seedReference}` : ''}`,
    `participants: ${participantRoles(script).join(', ')}; quorums: ${quorums.join(', ') || 'none'}`,
    ...script.hsms.map((h) => `HSM ${h.id}: ${h.title} (${h.location}, ${h.provenance}, ${h.activation} activation)`),
  ];
  for (const act of script.acts) {
    lines.push('', `Act ${act.number}  ${act.title}${act.phase === 'preparation' ? '  (preparation, before the ceremony day)' : ''}`);
    for (const step of act.steps) {
      const marks = [step.action.kind, step.roles.join(' '), step.initial ? 'IW initials' : '', step.seedStep ? `seed ${step.seedStep}` : ''].filter(Boolean);
      lines.push(`  ${step.number.padEnd(6)}${step.id}  [${marks.join('; ')}]`, ...wrap(step.text, '        '));
    }
  }
  for (const f of script.followUps) lines.push('', `Follow-up ${f.id} (${f.kind}): ${f.title}, ${f.condition}`);
  return lines.join('\n');
}

/** Writes a new file completely or not at all, and never over an existing one. */
function writeNewFile(target: string, text: string): void {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new KskError('CONFLICT', `${target} already exists: choose another name, or remove it first.`);
    throw new KskError('STORAGE_ERROR', `Cannot write ${target}: ${messageOf(e)}`);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // the temporary file was never created
    }
  }
}

export const scriptListCommand: CommandImpl = {
  usage: 'ksk-ceremony script list [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {}, this);
    if (positionals.length > 0) throw new UsageError(`script list takes no arguments.\nusage: ${this.usage}`);
    const list = templateIds().map((id) => {
      const script = loadTemplate(id);
      return { id, version: script.version, procedure: script.procedure, title: script.title, sha256: scriptHash(script) };
    });
    const width = Math.max(...list.map((t) => t.id.length));
    output(io, values.json, list, () => list.map((t) => `${t.id.padEnd(width)}  ${t.version}  ${t.sha256.slice(0, 16)}  ${t.title}`).join('\n'));
    return ExitCode.OK;
  },
};

export const scriptShowCommand: CommandImpl = {
  usage: 'ksk-ceremony script show TEMPLATE|FILE [--yaml | --json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { yaml: { type: 'boolean', default: false } }, this);
    const script = loadRef(oneRef(positionals, this));
    const sha256 = scriptHash(script);
    if (values.yaml && !values.json) io.stdout.write(scriptToYaml(script));
    else output(io, values.json, { sha256, script }, () => describe(script, sha256));
    return ExitCode.OK;
  },
};

export const scriptValidateCommand: CommandImpl = {
  usage: 'ksk-ceremony script validate FILE|TEMPLATE [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {}, this);
    const result = check(oneRef(positionals, this));
    const valid = result.script !== null;
    output(io, values.json, { valid, sha256: result.sha256, issues: result.issues }, () =>
      [
        ...result.issues.map((i) => `${i.severity}: ${formatIssue(i)}`),
        valid && result.script
          ? `${result.source}: valid, ${result.script.id} ${result.script.version}, ${result.script.acts.length} acts, sha256 ${result.sha256}`
          : `${result.source}: not valid (${result.issues.filter((i) => i.severity === 'error').length} errors)`,
      ].join('\n'),
    );
    return valid ? ExitCode.OK : ExitCode.BAD_INPUT;
  },
};

export const scriptAdaptCommand: CommandImpl = {
  usage: 'ksk-ceremony script adapt TEMPLATE [--out FILE]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { out: { type: 'string' } }, this);
    const id = oneRef(positionals, this);
    if (!isTemplateId(id)) throw new KskError('NOT_FOUND', `There is no template "${id}" (the templates are: ${templateIds().join(', ')}).`);
    const template = loadTemplate(id);
    const text = adaptation(template, scriptHash(template));
    if (values.out) {
      writeNewFile(values.out, text);
      output(
        io,
        values.json,
        { file: values.out, basedOn: id },
        () => `Wrote ${values.out}, adapted from ${id}. Edit it, then: ksk-ceremony script validate ${values.out}`,
      );
    } else io.stdout.write(text);
    return ExitCode.OK;
  },
};
