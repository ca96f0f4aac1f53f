import type { ErrorCode } from '../core/contract/envelope.js';
import type { KeyBackup, RestoredKey } from '../core/hsm/backup.js';
import type { HsmProfile } from '../core/hsm/capabilities.js';
import type { HsmErrorReason } from '../core/hsm/errors.js';
import type { Share } from '../core/hsm/shares.js';
import type {
  DestroyEvidence,
  GeneratedKsk,
  GenerateKskOptions,
  HsmIdentity,
  HsmKey,
  HsmProgress,
  KeyInventoryEntry,
  ModuleDescription,
  TokenDescription,
} from '../core/hsm/port.js';

/**
 * Messages between an HSM session (caller's thread) and the module host worker that owns the
 * PKCS#11 library. Bytes cross as Uint8Array (structured clone turns Buffers into Uint8Arrays).
 */
export interface Ops {
  describe: { args: { profiles?: boolean }; result: ModuleDescription };
  initToken: { args: { label: string; soPin: string; userPin: string }; result: TokenDescription };
  open: { args: { tokenLabel: string; pin?: string }; result: { session: number } };
  login: { args: { pin?: string }; result: null };
  close: { args: Record<string, never>; result: null };
  finalize: { args: Record<string, never>; result: null };
  identity: { args: Record<string, never>; result: HsmIdentity };
  profile: { args: Record<string, never>; result: HsmProfile };
  findKey: { args: { label: string }; result: HsmKey | null };
  findKeyById: { args: { idHex: string }; result: HsmKey | null };
  sign: { args: { label: string; data: Uint8Array }; result: Uint8Array };
  generateKsk: { args: GenerateKskOptions & { at: string }; result: GeneratedKsk };
  listKeys: { args: Record<string, never>; result: KeyInventoryEntry[] };
  destroyKey: { args: { label: string; at: string }; result: DestroyEvidence };
  logout: { args: Record<string, never>; result: null };
  initUserPin: { args: { soPin: string; newPin: string }; result: null };
  changeUserPin: { args: { oldPin: string; newPin: string }; result: null };
  writeShare: { args: { share: Share }; result: { label: string } };
  readShares: { args: Record<string, never>; result: Share[] };
  backupKey: {
    args: { label: string; soPin: string; userPin?: string; threshold: number; total: number; at: string };
    result: { backup: KeyBackup; shares: Share[] };
  };
  restoreKey: { args: { backup: KeyBackup; shares: Share[]; label?: string; at: string }; result: RestoredKey };
}
export type OpName = keyof Ops;

export type HostRequest = { type: 'call'; id: number; session: number | null; op: OpName; args: unknown } | { type: 'cancel'; id: number };

export interface WireError {
  code: ErrorCode;
  message: string;
  reason?: HsmErrorReason;
  ckr?: string;
}

export type HostReply =
  | { type: 'ready' }
  | { type: 'failed'; error: WireError }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'progress'; id: number; progress: HsmProgress };

export interface HostData {
  modulePath: string;
}
