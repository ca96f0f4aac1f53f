import type { Command } from '../command.js';
import { hashCommand } from './hash.js';
import { hsmListCommand } from './hsm.js';
import { keyDeleteCommand, keyGenerateCommand, keyListCommand } from './key.js';
import { scriptAdaptCommand, scriptListCommand, scriptShowCommand, scriptValidateCommand } from './script.js';
import { triageCommand } from './triage.js';

/** Every subcommand of ksk-ceremony; each domain adds its own here (one per line). */
export const commands: readonly Command[] = [
  hashCommand,
  hsmListCommand,
  keyListCommand,
  keyGenerateCommand,
  keyDeleteCommand,
  triageCommand,
  scriptListCommand,
  scriptShowCommand,
  scriptValidateCommand,
  scriptAdaptCommand,
];
