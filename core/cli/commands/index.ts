import type { Command } from '../command.js';
import { hashCommand } from './hash.js';
import { logExportCommand, logShowCommand, logVerifyCommand } from './log.js';

/** Every subcommand of ksk-ceremony; each domain adds its own here. */
export const commands: readonly Command[] = [hashCommand, logVerifyCommand, logShowCommand, logExportCommand];
