import type { Command } from '../command.js';
import { bundleExportCommand, bundleMediaCommand, bundleVerifyCommand } from './bundle.js';
import { documentCommand } from './document.js';
import { ceremonyListCommand, ceremonyShowCommand } from './ceremony.js';
import { hashCommand } from './hash.js';
import { hsmListCommand } from './hsm.js';
import { keyDeleteCommand, keyGenerateCommand, keyListCommand } from './key.js';
import { logExportCommand, logShowCommand, logVerifyCommand } from './log.js';
import { ksrCheckCommand, ksrGenerateCommand, ksrSignCommand } from './ksr.js';
import { rehearseCommand } from './rehearse.js';
import { scriptAdaptCommand, scriptListCommand, scriptShowCommand, scriptValidateCommand } from './script.js';
import { skrVerifyCommand } from './skr.js';
import { triageCommand } from './triage.js';
import { trustAnchorCommand } from './trustAnchor.js';

/** Every subcommand of ksk-ceremony; each domain adds its own here (one per line). */
export const commands: readonly Command[] = [
  hashCommand,
  hsmListCommand,
  keyListCommand,
  keyGenerateCommand,
  keyDeleteCommand,
  ksrCheckCommand,
  ksrSignCommand,
  ksrGenerateCommand,
  skrVerifyCommand,
  trustAnchorCommand,
  logVerifyCommand,
  logShowCommand,
  logExportCommand,
  triageCommand,
  rehearseCommand,
  ceremonyListCommand,
  ceremonyShowCommand,
  scriptListCommand,
  scriptShowCommand,
  scriptValidateCommand,
  scriptAdaptCommand,
  documentCommand,
  bundleExportCommand,
  bundleVerifyCommand,
  bundleMediaCommand,
];
