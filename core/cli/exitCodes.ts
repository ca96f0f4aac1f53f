import type { ErrorCode } from '../contract/envelope.js';

/** Distinct exit codes, so scripts and auditors can tell a failed check from a bad file or an HSM fault. */
export const ExitCode = {
  OK: 0,
  CHECK_FAILED: 1,
  USAGE: 2,
  BAD_INPUT: 3,
  HSM: 4,
  STORAGE: 5,
  CANCELLED: 6,
  INTERNAL: 70,
} as const;
export type ExitCodeNumber = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(code: ErrorCode): ExitCodeNumber {
  switch (code) {
    case 'POLICY_FAILURE':
    case 'TAMPERED':
      return ExitCode.CHECK_FAILED;
    case 'BAD_REQUEST':
    case 'UNKNOWN_CHANNEL':
      return ExitCode.USAGE;
    case 'BAD_INPUT_FILE':
    case 'NOT_FOUND':
    case 'CONFLICT':
      return ExitCode.BAD_INPUT;
    case 'HSM_ERROR':
      return ExitCode.HSM;
    case 'STORAGE_ERROR':
      return ExitCode.STORAGE;
    case 'CANCELLED':
      return ExitCode.CANCELLED;
    case 'INTERNAL':
      return ExitCode.INTERNAL;
  }
}
