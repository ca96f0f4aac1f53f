import type { ContractError } from '../../../core/contract/envelope.js';

const titles: Record<ContractError['code'], string> = {
  BAD_REQUEST: 'That input was not accepted',
  UNKNOWN_CHANNEL: 'The app asked for something the backend does not know',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  BAD_INPUT_FILE: 'The file could not be used',
  POLICY_FAILURE: 'A policy check failed',
  HSM_ERROR: 'HSM error',
  STORAGE_ERROR: 'Storage error',
  TAMPERED: 'The record does not verify',
  CANCELLED: 'Cancelled',
  INTERNAL: 'Internal error',
};

/** A contract error as the CA reads it: what kind of problem, then the backend's own sentence. */
export function ErrorMessage({ error }: { error: ContractError }) {
  return (
    <div className="error" role="alert">
      <strong>{titles[error.code]}.</strong> {error.message}
    </div>
  );
}
