import path from 'node:path';
import { examineSkr, readCurrentSkr } from '../../ceremony/engine/currentSkr.js';
import { fixedClock, systemClock } from '../../clock.js';
import { readInputFile } from '../../dnssec/files.js';
import { deadlineStatus, defaultDeadlinePolicy, parseTime, type DeadlineStatus } from '../../ceremony/deadline.js';
import { disasters, type Disaster } from '../../ceremony/procedures.js';
import { nextQuestion, triage, type QuestionId, type TriageAnswers } from '../../ceremony/triage.js';
import { workspaceAt } from '../../workspace/workspace.js';
import { output, parseCommandArgs, UsageError, type CommandImpl } from '../command.js';
import { ExitCode } from '../exitCodes.js';

const flags: Record<QuestionId, string> = {
  disaster: '--disaster signing|compromise|lost',
  prolonged: '--prolonged',
  cosAvailable: '--cos yes|no',
  kmfAvailable: '--kmf yes|no',
  backupAvailable: '--backup yes|no',
  rkshsAvailable: '--rkshs yes|no',
  timeSufficient: '--skr SKR, --deadline TIME, --workspace DIR (its current SKR) or --time sufficient|insufficient',
};

const flagName = (q: QuestionId): string => (q === 'timeSufficient' ? 'time' : (flags[q].split(' ')[0] as string).slice(2));

export const triageCommand: CommandImpl = {
  usage:
    'ksk-ceremony triage --disaster signing|compromise|lost [--cos yes|no] [--kmf yes|no] [--backup yes|no] [--rkshs yes|no] [--prolonged] ' +
    '[--skr SKR | --deadline TIME | --workspace DIR | --time sufficient|insufficient] [--now TIME] [--lead-time P14D] [--publication-margin P2D] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        disaster: { type: 'string' },
        cos: { type: 'string' },
        kmf: { type: 'string' },
        backup: { type: 'string' },
        rkshs: { type: 'string' },
        prolonged: { type: 'boolean' },
        deadline: { type: 'string' },
        skr: { type: 'string' },
        time: { type: 'string' },
        now: { type: 'string' },
        'lead-time': { type: 'string' },
        'publication-margin': { type: 'string' },
      },
      this,
    );
    if (positionals.length > 0) throw new UsageError(`triage takes no arguments, only options.\nusage: ${this.usage}`);
    const yesNo = (value: string | undefined, flag: string): boolean | undefined => {
      if (value === undefined) return undefined;
      if (value === 'yes' || value === 'no') return value === 'yes';
      throw new UsageError(`--${flag} takes yes or no, not "${value}".\nusage: ${this.usage}`);
    };
    if (values.disaster !== undefined && !(disasters as readonly string[]).includes(values.disaster)) {
      throw new UsageError(`--disaster takes ${disasters.join(', ')}, not "${values.disaster}".\nusage: ${this.usage}`);
    }
    if (values.time !== undefined && values.time !== 'sufficient' && values.time !== 'insufficient')
      throw new UsageError(`--time takes sufficient or insufficient, not "${values.time}".\nusage: ${this.usage}`);
    const sources = (['skr', 'deadline', 'workspace', 'time'] as const).filter((k) => values[k] !== undefined);
    if (sources.length > 1)
      throw new UsageError(`Give the time once: --${sources.join(', --')} are ${sources.length} answers to the same question.\nusage: ${this.usage}`);

    // The deadline is the expiry of the last RRSIG of the current SKR: the SKR given, the workspace's, or a time.
    let current: { id: string; sha256: string; lastExpiration: string } | null = null;
    if (values.skr !== undefined) {
      const bytes = await readInputFile(values.skr, 'SKR', 10 * 1024 * 1024);
      const { view } = examineSkr(bytes, values.skr, new Date().toISOString());
      current = { id: view.id, sha256: view.hash.sha256, lastExpiration: view.lastExpiration };
    } else if (values.workspace !== undefined) {
      const found = readCurrentSkr(workspaceAt(path.resolve(values.workspace)));
      if (!found)
        throw new UsageError(
          `The workspace ${values.workspace} has no current SKR: load one (workspace.loadCurrentSkr), or give --skr, --deadline or --time.\nusage: ${this.usage}`,
        );
      current = { id: found.view.id, sha256: found.view.hash.sha256, lastExpiration: found.view.lastExpiration };
    }
    const deadlineAt = current?.lastExpiration ?? values.deadline;
    let deadline: DeadlineStatus | null = null;
    if (deadlineAt !== undefined) {
      const clock = values.now !== undefined ? fixedClock(parseTime(values.now, '--now time')) : systemClock;
      deadline = deadlineStatus(parseTime(deadlineAt, current ? 'last RRSIG expiration of the SKR' : '--deadline time'), clock.now(), {
        leadTime: values['lead-time'] ?? defaultDeadlinePolicy.leadTime,
        publicationMargin: values['publication-margin'] ?? defaultDeadlinePolicy.publicationMargin,
      });
    } else if (values.now !== undefined || values['lead-time'] !== undefined || values['publication-margin'] !== undefined) {
      throw new UsageError(
        `--now, --lead-time and --publication-margin apply to the deadline (--deadline, --skr or --workspace), which is missing.\nusage: ${this.usage}`,
      );
    }

    const answers: TriageAnswers = {
      disaster: values.disaster as Disaster | undefined,
      // --prolonged is a flag: for a signing disaster its absence is the answer "no".
      prolonged: values.prolonged ?? (values.disaster === 'signing' ? false : undefined),
      cosAvailable: yesNo(values.cos, 'cos'),
      kmfAvailable: yesNo(values.kmf, 'kmf'),
      backupAvailable: yesNo(values.backup, 'backup'),
      rkshsAvailable: yesNo(values.rkshs, 'rkshs'),
      ...(values.time !== undefined ? { timeSufficient: values.time === 'sufficient' } : {}),
    };
    const context = { deadline };
    const missing = nextQuestion(answers, context);
    if (missing)
      throw new UsageError(
        `${missing.id === 'timeSufficient' ? 'Whether there is time to reschedule or repair decides here.' : missing.text} Answer with ${flags[missing.id]}.\nusage: ${this.usage}`,
      );
    const result = triage(answers, context);

    output(io, values.json, { ...result, deadline, ...(current ? { currentSkr: current } : {}) }, () =>
      [
        `Decision:   ${result.label}${result.template ? `  (template ${result.template})` : ''}`,
        ...(result.decision === 'procedure' ? [`            ${result.title}`] : []),
        ...(result.branch ? [`Branch:     ${result.branch}`] : []),
        ...(result.plan ? [`Also:       DR ${result.plan}, for the prolonged unavailability`] : []),
        `Now:        ${result.next}`,
        `Why:        ${result.reason}`,
        ...(result.interpretation ? [`Note:       ${result.interpretation}`] : []),
        `Answers:    ${result.questionsAsked.map((q) => `${flagName(q)}=${result.answers[q]}${q === 'timeSufficient' && result.time?.source === 'deadline' ? ' (from the deadline)' : ''}`).join(', ')}`,
        ...(result.ignored.length > 0 ? [`Not needed: ${result.ignored.map((q) => `--${flagName(q)}`).join(', ')}`] : []),
        ...(current ? [`SKR:        ${current.id} (SHA-256 ${current.sha256})`] : []),
        ...(deadline
          ? [
              `Deadline:   last RRSIG expires ${deadline.lastExpiration} (${deadline.countdown}); SKR due at the RZM by ${deadline.skrDue}`,
              `            a ceremony can be convened until ${deadline.unavoidableAt} (lead time ${deadline.policy.leadTime}); ${deadline.consequence}`,
            ]
          : []),
        ...(result.template ? [`Next:       ksk-ceremony script show ${result.template}`] : []),
      ].join('\n'),
    );
    return ExitCode.OK;
  },
};
