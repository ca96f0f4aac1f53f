/**
 * What the DNS wire format can hold (RFC 1035 §3.2.1: RDLENGTH is 16 bits), checked when a KSR or
 * SKR is read, so a field too long to encode is refused by name instead of failing deep inside the
 * encoder.
 */
export const MAX_RDATA_BYTES = 65535;
/** DNSKEY RDATA: flags (2), protocol (1), algorithm (1), then the public key. */
export const MAX_DNSKEY_PUBLIC_KEY_BYTES = MAX_RDATA_BYTES - 4;
/** RRSIG RDATA: 18 fixed bytes and the signer's name (at most 255), then the signature. */
export const MAX_RRSIG_SIGNATURE_BYTES = MAX_RDATA_BYTES - 18 - 255;
