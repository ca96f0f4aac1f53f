import type { CheckName } from '../dnssec/checkNames.js';

/**
 * Checks no disaster can excuse: they establish that the KSR is what the ZSK operator sent, that
 * the previous SKR and the new one verify, and that each KSK is used as configured. A script that
 * lists one of them as overridable is refused. (The chain check that a new or temporary KSK cannot
 * pass is KSR-CHAIN-KEYS-HSM, named apart from its ZSK half so an override never waives both.)
 */
export const neverOverridable: ReadonlySet<CheckName> = new Set([
  'KSR-DOMAIN',
  'KSR-BUNDLE-UNIQUE',
  'KSR-BUNDLE-KEYS',
  'KSR-BUNDLE-POP',
  'KSR-ZSK-NOT-KSK',
  'KSR-ID',
  'KSR-PREVIOUS',
  'KSK-KEY-USE',
  'SKR-VERIFY',
]);
