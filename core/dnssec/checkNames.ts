/**
 * The checks, named as IANA's ksrsigner logs them, so that an operator's runbook, IANA's logs and
 * this app's records speak of the same thing, and an engine can match a witnessed exception to
 * exactly one of them.
 */
export const checkNames = [
  'KSR-DOMAIN',
  'KSR-BUNDLE-UNIQUE',
  'KSR-BUNDLE-KEYS',
  'KSR-BUNDLE-POP',
  'KSR-ZSK-NOT-KSK',
  'KSR-BUNDLE-COUNT',
  'KSR-BUNDLE-CYCLE-DURATION',
  'KSR-POLICY-KEYS',
  'KSR-POLICY-ALG',
  'KSR-POLICY-SIG-OVERLAP',
  'KSR-POLICY-SIG-VALIDITY',
  'KSR-POLICY-SIG-HORIZON',
  'KSR-POLICY-BUNDLE-INTERVALS',
  'KSR-PREVIOUS',
  'KSR-ID',
  'KSR-CHAIN-KEYS',
  'KSR-CHAIN-OVERLAP',
  'KSR-CHAIN-KEYS-HSM',
  'KSK-KEY-USE',
  'KSR-POLICY-SAFETY',
  'SKR-VERIFY',
] as const;
export type CheckName = (typeof checkNames)[number];

/**
 * Checks no policy can switch off: bundle ids must be unique to refer to bundles at all (as in
 * IANA's tool), a KSK's own public key is never signed as a ZSK, and a signature the HSM returns is
 * always verified before it is written.
 */
export const alwaysOnChecks: readonly CheckName[] = ['KSR-BUNDLE-UNIQUE', 'KSR-ZSK-NOT-KSK', 'SKR-VERIFY'];
