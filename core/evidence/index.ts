/** The evidence log: the public API other parts of the app build on. */
export { openEvidenceStore, EvidenceStore, MAX_ARTIFACT_BYTES } from './store.js';
export type { AppendableType, AttestationInput, CeremonySummary, Head, NewArtifact, SealRecord } from './store.js';
export type { EventMeta, EventSource, StoredEvent } from './stored.js';
export * from './events.js';
export { GENESIS_PREV_HASH, canonicalBytes } from './canonical.js';
export { auditKeyLabel, hsmSealer, softwareSealer, sealStatementBytes, sealSignatureValid, type Sealer, type SealStatement } from './seal.js';
export { verifyEvidence, verifyDatabase, type VerifyReport, type VerifyProblem, type VerifyCheck, type CeremonyVerification, type VerifyOptions } from './verify.js';
export { exportCeremony } from './export.js';
export { runHsmOperation, findInterruptedOperations, reconcileInterrupted, keyRecord, probeData, type HsmIntent, type HsmOutcome } from './hsmOperations.js';
export { SCHEMA_VERSION } from './migrations/index.js';
export { participants, people, presentParticipant, type Participant, type Person } from './registers/participants.js';
export { credentials, quorumStatus, type Credential, type QuorumStatus } from './registers/credentials.js';
export { tebs, expectedTeb, normalizeSerial, type Teb } from './registers/tebs.js';
export { hsmIdentities, hsmOperations, kskKeys, type HsmIdentity, type HsmOperationRecord } from './registers/hsm.js';
export { artifacts, attestations, exceptions, type ArtifactRecord, type Attestation, type ExceptionRecord } from './registers/records.js';
export { steps, interruptedSteps, type StepRecord } from './registers/steps.js';
export type { Place } from './registers/place.js';
