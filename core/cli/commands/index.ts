import type { Command } from '../command.js';
import { hashCommand } from './hash.js';
import { scriptAdaptCommand, scriptListCommand, scriptShowCommand, scriptValidateCommand } from './script.js';
import { triageCommand } from './triage.js';

/** Every subcommand of ksk-ceremony; each domain adds its own here. */
export const commands: readonly Command[] = [hashCommand, triageCommand, scriptListCommand, scriptShowCommand, scriptValidateCommand, scriptAdaptCommand];
