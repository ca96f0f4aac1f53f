import { KskError } from '../errors.js';

/**
 * Why an HSM operation failed, in words a UI and a log can act on. Each PKCS#11 return value the
 * ceremony can meet maps to one of these; the raw CKR_* name travels along for the record.
 */
export const hsmErrorReasons = [
  'MODULE_NOT_FOUND',
  'NOT_PKCS11_MODULE',
  'MODULE_INIT_FAILED',
  'MODULE_BUSY',
  'NO_TOKEN',
  'TOKEN_NOT_FOUND',
  'TOKEN_NOT_INITIALIZED',
  'PIN_INCORRECT',
  'PIN_LOCKED',
  'PIN_INVALID',
  'NOT_LOGGED_IN',
  'KEY_NOT_FOUND',
  'DUPLICATE_LABEL',
  'MECHANISM_NOT_SUPPORTED',
  'TOKEN_REMOVED',
  'KEY_NOT_EXTRACTABLE',
  'WRAPPED_KEY_INVALID',
  'SIGNATURE_MISMATCH',
  'SESSION_CLOSED',
  'DEVICE_ERROR',
] as const;
export type HsmErrorReason = (typeof hsmErrorReasons)[number];

export class HsmError extends KskError {
  constructor(
    readonly reason: HsmErrorReason,
    message: string,
    /** The PKCS#11 return value behind it (e.g. CKR_PIN_INCORRECT), when there is one. */
    readonly ckr?: string,
    options?: { cause?: unknown },
  ) {
    super('HSM_ERROR', message, options);
    this.name = 'HsmError';
  }
}

export function isHsmError(e: unknown, reason?: HsmErrorReason): e is HsmError {
  return e instanceof HsmError && (reason === undefined || e.reason === reason);
}

/** What was being done when the HSM answered, so the message can name it. */
export interface HsmErrorContext {
  /** e.g. "log in", "generate the KSK", "sign with Kjqmt7v" */
  operation: string;
  token?: string;
  key?: string;
}

const ckrReasons: Record<string, HsmErrorReason> = {
  CKR_PIN_INCORRECT: 'PIN_INCORRECT',
  CKR_PIN_LOCKED: 'PIN_LOCKED',
  CKR_PIN_EXPIRED: 'PIN_LOCKED',
  CKR_PIN_INVALID: 'PIN_INVALID',
  CKR_PIN_LEN_RANGE: 'PIN_INVALID',
  CKR_USER_NOT_LOGGED_IN: 'NOT_LOGGED_IN',
  CKR_USER_PIN_NOT_INITIALIZED: 'TOKEN_NOT_INITIALIZED',
  CKR_TOKEN_NOT_RECOGNIZED: 'TOKEN_NOT_INITIALIZED',
  CKR_TOKEN_NOT_PRESENT: 'TOKEN_REMOVED',
  CKR_DEVICE_REMOVED: 'TOKEN_REMOVED',
  CKR_SESSION_HANDLE_INVALID: 'TOKEN_REMOVED',
  CKR_SESSION_CLOSED: 'TOKEN_REMOVED',
  CKR_CRYPTOKI_NOT_INITIALIZED: 'TOKEN_REMOVED',
  CKR_SLOT_ID_INVALID: 'TOKEN_REMOVED',
  CKR_MECHANISM_INVALID: 'MECHANISM_NOT_SUPPORTED',
  CKR_MECHANISM_PARAM_INVALID: 'MECHANISM_NOT_SUPPORTED',
  CKR_KEY_SIZE_RANGE: 'MECHANISM_NOT_SUPPORTED',
  CKR_CURVE_NOT_SUPPORTED: 'MECHANISM_NOT_SUPPORTED',
  CKR_DOMAIN_PARAMS_INVALID: 'MECHANISM_NOT_SUPPORTED',
  CKR_KEY_UNEXTRACTABLE: 'KEY_NOT_EXTRACTABLE',
  CKR_KEY_NOT_WRAPPABLE: 'KEY_NOT_EXTRACTABLE',
  CKR_WRAPPED_KEY_INVALID: 'WRAPPED_KEY_INVALID',
  CKR_WRAPPED_KEY_LEN_RANGE: 'WRAPPED_KEY_INVALID',
  CKR_ENCRYPTED_DATA_INVALID: 'WRAPPED_KEY_INVALID',
  CKR_KEY_HANDLE_INVALID: 'KEY_NOT_FOUND',
  CKR_OBJECT_HANDLE_INVALID: 'KEY_NOT_FOUND',
};

function where(ctx: HsmErrorContext): string {
  const parts = [ctx.token !== undefined ? `token "${ctx.token}"` : '', ctx.key !== undefined ? `key "${ctx.key}"` : ''].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

const advice: Partial<Record<HsmErrorReason, string>> = {
  PIN_INCORRECT: 'The PIN is wrong. Stop and check it: a few more wrong PINs lock the token.',
  PIN_LOCKED: 'The user PIN is locked. Only the Security Officer can unlock it; do not try again.',
  PIN_INVALID: 'The PIN does not have a form the token accepts (length or characters).',
  NOT_LOGGED_IN: 'This needs a logged-in session: activate the HSM (PIN or quorum) first.',
  TOKEN_NOT_INITIALIZED: 'The token has not been initialised (or has no user PIN).',
  TOKEN_REMOVED: 'The token is gone: it was removed, or the HSM connection was lost. Check it and open a new session.',
  MECHANISM_NOT_SUPPORTED: 'The token does not support the mechanism or key size this needs.',
  KEY_NOT_EXTRACTABLE: 'The key may not leave the token this way (it is not extractable, or only under a trusted wrapping key).',
  WRAPPED_KEY_INVALID: 'The token could not unwrap the blob: it is damaged or was wrapped under another key.',
  KEY_NOT_FOUND: 'The key is no longer there.',
};

/** The HsmError for a PKCS#11 return value met while doing ctx.operation. */
export function hsmErrorFromCkr(ckr: string, ctx: HsmErrorContext, cause?: unknown): HsmError {
  const reason = ckrReasons[ckr] ?? 'DEVICE_ERROR';
  const tail = advice[reason] ?? 'The HSM reported an error it gives no further detail on.';
  return new HsmError(reason, `Could not ${ctx.operation}${where(ctx)}: ${ckr}. ${tail}`, ckr, { cause });
}
