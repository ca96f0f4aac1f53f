import type { Command } from '../command.js';
import { hashCommand } from './hash.js';
import { hsmListCommand } from './hsm.js';
import { keyDeleteCommand, keyGenerateCommand, keyListCommand } from './key.js';
import { logExportCommand, logShowCommand, logVerifyCommand } from './log.js';

/** Every subcommand of ksk-ceremony; each domain adds its own here. */
export const commands: readonly Command[] = [
  hashCommand,
  hsmListCommand,
  keyListCommand,
  keyGenerateCommand,
  keyDeleteCommand,
  logVerifyCommand,
  logShowCommand,
  logExportCommand,
];
