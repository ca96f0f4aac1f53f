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

export const checkDescriptions: Record<CheckName, string> = {
  'KSR-DOMAIN': 'the KSR domain is one of the acceptable domains',
  'KSR-BUNDLE-UNIQUE': 'bundle ids are unique within the KSR',
  'KSR-BUNDLE-KEYS': 'a key identifier means the same key in every bundle; keys match the KSR ZSK policy; ZSK flags 256; key tags correct',
  'KSR-BUNDLE-POP': 'every ZSK signs its bundle DNSKEY RRset (proof of possession) and every signature verifies',
  'KSR-ZSK-NOT-KSK': 'no ZSK of the KSR has the public key of a KSK of the policy (in the HSM, by its configured DS, or in the previous SKR)',
  'KSR-BUNDLE-COUNT': 'the KSR has the configured number of bundles',
  'KSR-BUNDLE-CYCLE-DURATION': 'last inception minus first inception within the configured cycle length',
  'KSR-POLICY-KEYS': 'keys per bundle, number of distinct keys and TTL as configured',
  'KSR-POLICY-ALG': 'algorithms, RSA sizes and exponents approved by the KSK operator; deprecated algorithms refused',
  'KSR-POLICY-SIG-OVERLAP': 'consecutive bundles overlap within the KSR Min/MaxValidityOverlap',
  'KSR-POLICY-SIG-VALIDITY': 'each bundle validity within the KSR Min/MaxSignatureValidity (both bounds)',
  'KSR-POLICY-SIG-HORIZON': 'no signature expires beyond the horizon from now, none in the past',
  'KSR-POLICY-BUNDLE-INTERVALS': 'inception-to-inception gaps within the configured bounds',
  'KSR-PREVIOUS': 'the previous SKR verifies completely',
  'KSR-ID': 'the KSR id differs from the previous SKR and no bundle id is reused',
  'KSR-CHAIN-KEYS': 'every key of the first KSR bundle is in the last bundle of the previous SKR',
  'KSR-CHAIN-OVERLAP': 'previous SKR last expiration minus first KSR inception within the ZSK overlap bounds',
  'KSR-CHAIN-KEYS-HSM': 'the KSKs that signed the last bundle of the previous SKR are in the HSM with the same public key (IANA logs this as KSR-CHAIN-KEYS)',
  'KSK-KEY-USE': 'each KSK of the schema is valid for the bundles it appears in and matches its configuration (type, size, exponent, tag, DS)',
  'KSR-POLICY-SAFETY': 'publish and retire safety respected across the previous SKR and the new one; no signer vanishes while its signatures are valid',
  'SKR-VERIFY': 'every HSM signature verified in software before the SKR is written',
};
