import { KskError } from '../../errors.js';

/** The answer of a channel whose implementation has not landed yet: said plainly, never faked. */
export function notYet(channel: string): never {
  throw new KskError('INTERNAL', `${channel} is not implemented yet.`);
}
