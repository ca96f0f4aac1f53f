import type { HashValue } from './blocks.js';
import type { CeremonyMode, Paper } from './pdf.js';

/**
 * The inputs of the printed documents: plain data, so the ceremony engine and the evidence log map
 * onto them without the documents knowing either. Times are ISO 8601 UTC strings ("...Z"), hashes
 * hex strings, pictures PNG bytes. Renderers check what they print and refuse a malformed hash or
 * time with a KskError naming the field.
 */

export type { CeremonyMode, Paper } from './pdf.js';
export type { HashValue } from './blocks.js';

/** What every document says about its ceremony. */
export interface CeremonyInfo {
  /** The ceremony's identifier in the log, e.g. "KSK-55". */
  id: string;
  /** e.g. "Root KSK Ceremony 55". */
  title: string;
  /** e.g. "Culpeper, VA, USA (KMF East)". */
  site: string;
  /**
   * When the ceremony is (or was) held, UTC. It is also the documents' pinned PDF date, so a
   * document renders to the same bytes whenever it is rendered.
   */
  date: string;
  /** e.g. "Quarterly KSR signing" or "DR 4.3.1 A: lost KSK, reconstruct from backup". */
  procedure: string;
  mode: CeremonyMode;
  /** The workspace's pinned audit key (SHA-256 fingerprint, hex), printed so the paper can check the seal's key. */
  auditKeyFingerprint?: string;
  /** LETTER unless given. */
  paper?: Paper;
}

// ---- The script, before the ceremony -------------------------------------------------------

export interface ScriptDocumentInput {
  ceremony: CeremonyInfo;
  /** SHA-256 of the script's source as the log records it: printed at the foot of every page. */
  scriptHash: string;
  /** e.g. "ksr-signing v3 (template)". */
  scriptVersion?: string;
  /** One sign-in row each; the name is printed when known, otherwise left blank for pen. */
  participants: { role: string; name?: string }[];
  /** Blank sign-in rows for people not on the list (default 4). */
  extraSignInRows?: number;
  acts: ScriptAct[];
  /** Blank exception sheets at the end (default 2). */
  exceptionSheets?: number;
  /** The closing attestations, each with lines for signature and time. */
  attestations: { role: string; name?: string; statement: string }[];
}

export interface ScriptAct {
  /** e.g. "3". */
  number: string;
  title: string;
  summary?: string;
  steps: ScriptStep[];
}

export interface ScriptStep {
  /** e.g. "3.4". */
  number: string;
  /** Who performs it, e.g. "CA", "IW", "CO 1-3". */
  role: string;
  activity: string;
  /** Values the step compares against (e.g. the OS image's published hash): printed in hex and PGP words. */
  hashes?: HashValue[];
}

// ---- The record, after the ceremony ---------------------------------------------------------

export interface RecordDocumentInput {
  ceremony: CeremonyInfo;
  /** The network as the laptop saw it: when the ceremony opened, at every change, when it closed. */
  airGap?: { at: string; when: 'open' | 'change' | 'close'; isolated: boolean; up: string[] }[];
  /** SHA-256 of the script the ceremony followed. */
  scriptHash: string;
  startedAt: string;
  endedAt?: string;
  /** More facts for the cover (why the ceremony was held, what it started from), as label/value lines. */
  facts?: { label: string; value: string }[];
  /** signatureIn/OutPng: the signatures drawn on screen at sign-in and sign-out, when drawn. */
  participants: { role: string; name: string; signedInAt?: string; signedOutAt?: string; signatureInPng?: Uint8Array; signatureOutPng?: Uint8Array }[];
  /** The HSMs used, as they identified themselves. */
  hsms: { label: string; model: string; serial: string; firmware?: string; note?: string }[];
  /** What each HSM's token could do, from the profile recorded when it was first used (hsm.profiled). */
  hsmCapabilities?: { label: string; library: string; can: string; cannot: string }[];
  /** Every TEB checked (before opening), sealed (new bag), opened or handed over, in order. */
  tebs: RecordTeb[];
  acts: RecordAct[];
  exceptions: RecordException[];
  /** Hashes recorded during the ceremony (KSR, SKR, OS image, trust anchor, ...) in hex and PGP words. */
  hashes: HashValue[];
  attestations: RecordAttestation[];
  /** The seal that closed the log; absent while the log is still open, which the record says in large type. */
  seal?: RecordSeal;
  /** The hash at the head of the log (the last event): at the foot of every page, and in hex, words and QR at the end. */
  logHead: { hex: string; sequence: number };
}

export interface RecordTeb {
  serial: string;
  /** What the bag holds, e.g. "CO 3 smartcard", "HSM 2 (Keyper 9860)". */
  contents: string;
  action: 'checked' | 'sealed' | 'opened' | 'handed over';
  at: string;
  by: string;
  step?: string;
  /** e.g. "matches the serial recorded at ceremony 54", or what was wrong. */
  note?: string;
}

export interface RecordAct {
  number: string;
  title: string;
  steps: RecordStep[];
}

export interface RecordStep {
  number: string;
  role: string;
  activity: string;
  /** not-done: never completed (not reached, or started and abandoned). not-applicable: on a branch of the script its decision did not take. */
  status: 'done' | 'skipped' | 'failed' | 'not-done' | 'not-applicable';
  /** When the step was completed or skipped (or started, if it never ended). */
  at?: string;
  performer?: string;
  /** The IW's initials as entered. */
  initials?: string;
  note?: string;
  /** Numbers of the exceptions raised at this step. */
  exceptions?: string[];
  hashes?: HashValue[];
}

export interface RecordException {
  number: string;
  step: string;
  at: string;
  expected: string;
  happened: string;
  decision: string;
  signedBy: string[];
}

export interface RecordAttestation {
  role: string;
  name: string;
  statement: string;
  at: string;
  agreed: boolean;
  /** Why not, when the person did not agree. */
  reason?: string;
  /** The signature drawn on screen. */
  signaturePng?: Uint8Array;
}

export interface RecordSeal {
  at: string;
  by: string;
  /** Further facts of the seal (signing key, event count...), as label/value lines. */
  details: { label: string; value: string }[];
  hashes: HashValue[];
}

// ---- Letters, share sheets, trust anchors ---------------------------------------------------

/** Notification letters to COs and RKSHs (the first step of every DR playbook): one letter per recipient. */
export interface LettersInput {
  ceremony: CeremonyInfo;
  /** The date on the letters, UTC (and their pinned PDF date). */
  date: string;
  sender: { name: string; title: string; organization: string; contact: string[] };
  /** Why the ceremony is called, in a sentence or two. */
  reason: string;
  /** The last day to confirm attendance, UTC. */
  respondBy?: string;
  letters: { recipient: { name: string; role: 'CO' | 'RKSH'; address?: string[] }; bring: string[]; reference?: string }[];
}

/** One share per sheet, each for its holder. */
export interface ShareSheetsInput {
  ceremony: CeremonyInfo;
  sheets: ShareSheet[];
}

export interface ShareSheet {
  holder: { name: string; role: string };
  /** What the shares recover, e.g. "Storage master key of the KSK backup, HSM 2 (serial 12345)". */
  secret: string;
  commissioningId: string;
  shareNumber: number;
  /** M of N: shares needed, shares made. */
  threshold: number;
  total: number;
  /** The share as text (e.g. base32 or hex); printed in numbered groups for reading back. */
  shareText: string;
  /**
   * The share's own numbered lines, when its format has them (core/hsm/shares.ts `shareLines`: each
   * line ends with a check that `parseShareText` verifies): printed exactly, instead of regrouping
   * `shareText`, so what is typed back is what the HSM layer reads.
   */
  lines?: string[];
  checksum: string;
}

/** The trust-anchor publication sheet. */
export interface TrustAnchorSheetInput {
  ceremony: CeremonyInfo;
  /** root-anchors.xml exactly as published; its SHA-256 is printed and at the foot of every page. */
  xml: string;
  /** The KSKs the XML publishes; each DNSKEY's DS is computed here and must appear in the XML. */
  keys: TrustAnchorKey[];
}

export interface TrustAnchorKey {
  /** "." for the root. */
  owner: string;
  ttl: number;
  flags: number;
  protocol: number;
  algorithm: number;
  publicKeyBase64: string;
  /** The KeyDigest id (the HSM label), e.g. "Klajeyz". */
  id?: string;
  validFrom?: string;
  validUntil?: string;
}
