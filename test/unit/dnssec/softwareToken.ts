import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { algorithmNumber, publicKeyRdataFromKeyObject } from '../../../core/dnssec/algorithms.js';
import type { GenerateKskOptions, HsmKey } from '../../../core/hsm/port.js';
import type { ZskToken } from '../../../core/dnssec/rehearsal.js';

/**
 * A token in node:crypto, for pure unit tests only: the integration tests sign in SoftHSM2. It
 * signs as the HSM layer does (DNSSEC form: r||s for ECDSA).
 */
export class SoftwareToken implements ZskToken {
  readonly keys = new Map<string, { key: HsmKey; privateKey: KeyObject }>();
  signatures = 0;

  add(label: string, privateKey: KeyObject, publicKey: KeyObject): HsmKey {
    const { algorithm, publicKey: rdata } = publicKeyRdataFromKeyObject(publicKey);
    const key: HsmKey = { label, idHex: Buffer.from(label).toString('hex'), algorithm, publicKey: rdata };
    this.keys.set(label, { key, privateKey });
    return key;
  }

  async generateKsk(options: GenerateKskOptions): Promise<{ key: HsmKey }> {
    const label = options.label ?? `K${this.keys.size}`;
    const pair =
      options.algorithm === 'RSASHA256'
        ? generateKeyPairSync('rsa', { modulusLength: options.rsaBits ?? 2048, publicExponent: 65537 })
        : options.algorithm === 'ED25519'
          ? generateKeyPairSync('ed25519')
          : generateKeyPairSync('ec', { namedCurve: options.algorithm === 'ECDSAP256SHA256' ? 'P-256' : 'P-384' });
    const key = this.add(label, pair.privateKey, pair.publicKey);
    if (key.algorithm !== algorithmNumber(options.algorithm)) throw new Error('algorithm mismatch');
    return { key };
  }

  async findKey(label: string): Promise<HsmKey | null> {
    return this.keys.get(label)?.key ?? null;
  }

  async sign(label: string, data: Uint8Array): Promise<Buffer> {
    const entry = this.keys.get(label);
    if (!entry) throw new Error(`no key ${label}`);
    this.signatures++;
    const { algorithm } = entry.key;
    if (algorithm === 8) return sign('sha256', data, entry.privateKey);
    if (algorithm === 15) return sign(null, data, entry.privateKey);
    return sign(algorithm === 13 ? 'sha256' : 'sha384', data, { key: entry.privateKey, dsaEncoding: 'ieee-p1363' });
  }
}
