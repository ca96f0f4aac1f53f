import { z } from 'zod';

/**
 * Every error that crosses the UI boundary carries one of these codes, so the UI can react to the
 * kind of failure without parsing messages (errors lose their class crossing IPC).
 */
export const errorCodes = [
  'BAD_REQUEST',
  'UNKNOWN_CHANNEL',
  'NOT_FOUND',
  'CONFLICT',
  'BAD_INPUT_FILE',
  'POLICY_FAILURE',
  'HSM_ERROR',
  'STORAGE_ERROR',
  'TAMPERED',
  'CANCELLED',
  'INTERNAL',
] as const;
export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const contractErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
});
export type ContractError = z.infer<typeof contractErrorSchema>;

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ContractError };
