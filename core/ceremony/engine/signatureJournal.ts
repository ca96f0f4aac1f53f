import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { verifySignature } from '../../dnssec/algorithms.js';
import { sha256Hex } from '../../hash/sha256.js';
import type { HsmKey, KeySigner } from '../../hsm/port.js';

/**
 * A signer that writes down every signature the HSM makes for one step, on disk and synced before
 * the signature is used. When the step is repeated after a crash, a signature already made for the
 * same key over the same data is taken from the journal (after verifying it again) instead of
 * asking the HSM twice: the repeat is recorded as a retry, and the HSM signs only what it had not.
 * Signatures over DNSKEY RRsets are public; nothing secret is written.
 */
export class SignatureJournal implements KeySigner {
  readonly #entries = new Map<string, Buffer>();
  readonly #keys = new Map<string, HsmKey | null>();
  fromJournal = 0;
  fromHsm = 0;

  constructor(
    readonly file: string,
    private readonly hsm: KeySigner,
  ) {
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      try {
        const entry = JSON.parse(line) as { label: string; data: string; signature: string };
        this.#entries.set(`${entry.label}\0${entry.data}`, Buffer.from(entry.signature, 'base64'));
      } catch {
        // A line cut short by a crash is simply not a signature.
      }
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  async findKey(label: string): Promise<HsmKey | null> {
    if (!this.#keys.has(label)) this.#keys.set(label, await this.hsm.findKey(label));
    return this.#keys.get(label) ?? null;
  }

  async sign(label: string, data: Uint8Array): Promise<Buffer> {
    const id = `${label}\0${sha256Hex(data)}`;
    const known = this.#entries.get(id);
    const key = known ? await this.findKey(label) : null;
    if (known && key && verifySignature(key.algorithm, key.publicKey, data, known)) {
      this.fromJournal++;
      return known;
    }
    const signature = await this.hsm.sign(label, data);
    this.#append({ label, data: sha256Hex(data), signature: signature.toString('base64') });
    this.#entries.set(id, signature);
    this.fromHsm++;
    return signature;
  }

  #append(entry: { label: string; data: string; signature: string }): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const fd = openSync(this.file, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
