import type { ErrorCode } from './contract/envelope.js';

/**
 * The one error type of the domain. Its message is written for the person at the keyboard (a CA,
 * an IW or an auditor): it names the problem and, where it can, the thing to do about it.
 */
export class KskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KskError';
  }
}

export function isKskError(e: unknown): e is KskError {
  return e instanceof KskError;
}

/** The message of any thrown value, without a stack trace. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
