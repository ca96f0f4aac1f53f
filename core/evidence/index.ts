/** The evidence log: the public API other parts of the app build on. */
export { openEvidenceStore, EvidenceStore } from './store.js';
export type { StoredEvent } from './stored.js';
export * from './events.js';
export { GENESIS_PREV_HASH } from './canonical.js';
export { auditKeyLabel, hsmSealer, softwareSealer, sealSignatureValid, type Sealer } from './seal.js';
export { verifyEvidence, type VerifyReport } from './verify.js';
export { exportCeremony } from './export.js';
export { runHsmOperation, findInterruptedOperations, reconcileInterrupted, keyRecord } from './hsmOperations.js';
export { quorumStatus } from './registers/credentials.js';
export { tebs } from './registers/tebs.js';
export { hsmOperations, type HsmOperationRecord } from './registers/hsm.js';
export { attestations, exceptions } from './registers/records.js';
export { interruptedSteps } from './registers/steps.js';
