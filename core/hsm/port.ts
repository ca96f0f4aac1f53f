import type { AlgorithmName, AlgorithmNumber } from '../dnssec/algorithms.js';
import type { KskSummary } from '../dnssec/dnskey.js';
import type { KeyBackup, RestoredKey } from './backup.js';
import type { HsmProfile } from './capabilities.js';
import type { Share } from './shares.js';

/**
 * What the domain needs of an HSM, so that core/ never imports the PKCS#11 driver: native/
 * implements these, core/service and core/cli wire the implementation in.
 */

/** A key as the HSM holds it, with its public half in DNSKEY form (read back from the HSM). */
export interface HsmKey {
  /** CKA_LABEL: the KSK identifier in KSRs, SKRs and trust anchors (root style: K + 6 base32). */
  label: string;
  /** CKA_ID in hex. */
  idHex: string;
  algorithm: AlgorithmNumber;
  /** The DNSKEY public key field (RFC 3110 for RSA, x||y for ECDSA, 32 bytes for Ed25519). */
  publicKey: Buffer;
}

/**
 * Signs with a key that stays in the HSM. The signature is in DNSSEC form (r||s for ECDSA) and has
 * been verified in software against the key's public half before it is returned.
 */
export interface KeySigner {
  sign(label: string, data: Uint8Array): Promise<Buffer>;
  /** The key labelled so, or null when the HSM has none. */
  findKey(label: string): Promise<HsmKey | null>;
}

/** Progress of a long HSM operation; fraction is null when the HSM cannot tell (key generation). */
export interface HsmProgress {
  stage: string;
  fraction: number | null;
}

/** Every long operation accepts these: progress reports, and cancellation where PKCS#11 allows it. */
export interface OperationOptions {
  onProgress?: (progress: HsmProgress) => void;
  /** Cancels at the next step boundary; a key created by then is destroyed, never left behind. */
  signal?: AbortSignal;
}

export type KskAlgorithm = Extract<AlgorithmName, 'RSASHA256' | 'ECDSAP256SHA256' | 'ECDSAP384SHA384' | 'ED25519'>;
export const rsaKeySizes = [2048, 3072, 4096] as const;

export interface GenerateKskOptions {
  algorithm: KskAlgorithm;
  /** RSA only: 2048, 3072 or 4096 (default 2048). */
  rsaBits?: number;
  /** Default: root style, K + 6 base32 characters of the generation time. */
  label?: string;
  /** Owner name of the DNSKEY and DS (default the root, "."). */
  owner?: string;
  /** TTL of the DNSKEY presentation (default 172800, the root's). */
  ttl?: number;
}

/** The attributes that decide how a private key may be used and whether it may ever leave the HSM. */
export interface KeyAttributes {
  token: boolean;
  private: boolean;
  sensitive: boolean;
  extractable: boolean;
  wrapWithTrusted: boolean | null;
  alwaysSensitive: boolean | null;
  neverExtractable: boolean | null;
  /** CKA_LOCAL: generated inside this token (false for an imported or unwrapped key). */
  local: boolean | null;
  sign: boolean;
  decrypt: boolean | null;
  unwrap: boolean | null;
  derive: boolean | null;
}

/**
 * A key found on the token, for inventory and audit. Nothing is hidden: a lone half, or a key of an
 * algorithm DNSSEC does not use, is listed with what could be read of it (nulls for the rest).
 */
export interface KeyInventoryEntry {
  label: string;
  idHex: string;
  algorithm: AlgorithmNumber | null;
  algorithmName: AlgorithmName | null;
  /** The DNSKEY public key field, when the HSM yields it. */
  publicKey: Buffer | null;
  keySizeBits: number | null;
  /** Key tag as a KSK (flags 257). */
  keyTag: number | null;
  hasPrivateKey: boolean;
  hasPublicKey: boolean;
  /** Of the private half, when there is one. */
  attributes: KeyAttributes | null;
}

export interface GeneratedKsk {
  key: HsmKey;
  algorithmName: KskAlgorithm;
  keySizeBits: number;
  /** DNSKEY (flags 257), key tag and DS SHA-256, computed from the public key read back from the HSM. */
  summary: KskSummary;
  attributes: KeyAttributes;
  /** Backup by wrapping is possible: extractable only under a trusted key (CKA_WRAP_WITH_TRUSTED). */
  backupByWrapping: boolean;
  generatedAt: string;
  durationMs: number;
}

/** Evidence that a key is gone: what was destroyed, and a fresh search that found nothing. */
export interface DestroyEvidence {
  label: string;
  idHex: string;
  keyTag: number | null;
  destroyed: { privateKey: boolean; publicKey: boolean };
  /** Objects labelled so after the destruction; 0, or the destruction is reported as failed. */
  remainingObjects: number;
  at: string;
}

/** What the ceremony log records of the HSM it used. */
export interface HsmIdentity {
  module: { path: string; manufacturer: string; description: string; libraryVersion: string; cryptokiVersion: string };
  slot: { id: string; description: string; manufacturer: string; hardwareVersion: string; firmwareVersion: string };
  token: TokenDescription;
  loggedIn: boolean;
}

export interface TokenDescription {
  label: string;
  serial: string;
  model: string;
  manufacturer: string;
  hardwareVersion: string;
  firmwareVersion: string;
  /** Bytes, or null when the token does not say (CK_UNAVAILABLE_INFORMATION). */
  freePublicMemory: number | null;
  freePrivateMemory: number | null;
  totalPublicMemory: number | null;
  totalPrivateMemory: number | null;
  initialized: boolean;
  userPinInitialized: boolean;
  userPinLocked: boolean;
  userPinCountLow: boolean;
  userPinFinalTry: boolean;
  protectedAuthenticationPath: boolean;
  loginRequired: boolean;
}

/** A slot of a module, with its token when one is present. */
export interface SlotDescription {
  id: string;
  description: string;
  manufacturer: string;
  hardwareVersion: string;
  firmwareVersion: string;
  tokenPresent: boolean;
  removable: boolean;
  hardware: boolean;
  token: TokenDescription | null;
  /** Of an initialised token: what it can do; null without one, or when the description was not asked for profiles. */
  profile: HsmProfile | null;
}

export interface ModuleDescription {
  path: string;
  manufacturer: string;
  description: string;
  libraryVersion: string;
  cryptokiVersion: string;
  slots: SlotDescription[];
}

/**
 * An open, possibly logged-in session with one token: what ceremonies drive. native/'s HsmSession
 * implements it; core code (quorum activation, backup, the ceremony steps) takes this type.
 */
export interface HsmSessionPort extends KeySigner {
  generateKsk(options: GenerateKskOptions, op?: OperationOptions): Promise<GeneratedKsk>;
  listKeys(): Promise<KeyInventoryEntry[]>;
  findKeyById(idHex: string): Promise<HsmKey | null>;
  destroyKey(label: string): Promise<DestroyEvidence>;
  identity(): Promise<HsmIdentity>;
  /** What the token can do, from its mechanism list and token information (core/hsm/capabilities.ts). */
  profile(): Promise<HsmProfile>;
  /** With a PIN, or through the protected authentication path (PED, operator cards) without one. */
  login(pin?: string): Promise<void>;
  logout(): Promise<void>;
  initUserPin(soPin: string, newPin: string): Promise<void>;
  changeUserPin(oldPin: string, newPin: string): Promise<void>;
  writeShare(share: Share): Promise<{ label: string }>;
  readShares(): Promise<Share[]>;
  backupKey(label: string, options: { soPin: string; userPin?: string; threshold?: number; total?: number }): Promise<{ backup: KeyBackup; shares: Share[] }>;
  restoreKey(backup: KeyBackup, shares: readonly Share[], options?: { label?: string }): Promise<RestoredKey>;
  close(): Promise<void>;
}

/** Which token carries out an HSM a ceremony script declares (HSM1, HSM-TEMP, ...). */
export interface HsmBindingSpec {
  modulePath: string;
  tokenLabel: string;
  /** native: the HSM collects the CO cards itself (protected authentication path); split-pin: the app rebuilds the PIN from CO shares. */
  activation: 'native' | 'split-pin';
  rehearsal: boolean;
}

/** A rehearsal token of the workspace standing for one HSM of a script, with the SO PIN a rehearsal may know. */
export interface RehearsalHsmToken {
  binding: HsmBindingSpec;
  soPin: string;
}

/**
 * How the ceremony engine reaches HSMs: core/service implements it with native/, a test may wrap it
 * (to kill the process in the middle of an operation). Sessions are opened logged out; activation
 * logs them in.
 */
export interface HsmProvider {
  open(binding: HsmBindingSpec, options?: { clock?: { now(): Date } }): Promise<HsmSessionPort>;
  /**
   * The workspace's rehearsal token for an HSM id (created on first use, in the workspace's one
   * SoftHSM2 configuration), or null when this provider has none (production).
   */
  rehearsalToken(hsmId: string): Promise<RehearsalHsmToken | null>;
  /** The SO PIN of a rehearsal token the workspace created, or null. */
  rehearsalSoPin(binding: HsmBindingSpec): Promise<string | null>;
}
