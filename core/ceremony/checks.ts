/**
 * The KSR/SKR checks by the names IANA's signing tool logs (see ksr-skr.md), which the KSR/SKR
 * layer reports and a sign-ksr step may list as overridable. IANA logs both halves of the chain
 * check as KSR-CHAIN-KEYS; the half that looks for SKR n-1's signing KSKs in the HSM is named
 * KSR-CHAIN-KEYS-HSM here, because it is the one a new or temporary KSK cannot pass and an override
 * must not also waive the ZSK half.
 */
export const ksrCheckNames = [
  'KSR-DOMAIN',
  'KSR-BUNDLE-UNIQUE',
  'KSR-BUNDLE-KEYS',
  'KSR-BUNDLE-POP',
  'KSR-BUNDLE-COUNT',
  'KSR-BUNDLE-CYCLE-DURATION',
  'KSR-POLICY-KEYS',
  'KSR-POLICY-ALG',
  'KSR-POLICY-SIG-OVERLAP',
  'KSR-POLICY-SIG-VALIDITY',
  'KSR-POLICY-SIG-HORIZON',
  'KSR-POLICY-BUNDLE-INTERVALS',
  'KSR-ID',
  'KSR-CHAIN-KEYS',
  'KSR-CHAIN-OVERLAP',
  'KSR-CHAIN-KEYS-HSM',
  'KSR-POLICY-SAFETY',
  'SKR-VERIFY',
] as const;
export type KsrCheckName = (typeof ksrCheckNames)[number];

/**
 * Checks no disaster can excuse: they establish that the KSR is what the ZSK operator sent and that
 * the SKR's signatures verify. A script that lists one of them as overridable is refused.
 */
export const neverOverridable: ReadonlySet<KsrCheckName> = new Set(['KSR-DOMAIN', 'KSR-BUNDLE-UNIQUE', 'KSR-BUNDLE-KEYS', 'KSR-BUNDLE-POP', 'KSR-ID', 'SKR-VERIFY']);
