import type { HsmBindingSpec, HsmSessionPort } from '../../hsm/port.js';
import type { SplitPinCommissioning } from '../../hsm/quorum.js';
import type { Share } from '../../hsm/shares.js';

/**
 * What the engine holds in memory and never writes to the log: open HSM sessions, and the secret
 * shares handed over at a quorum step until the step is performed (and, for an active split-PIN
 * HSM, until it is deactivated: a backup logs the user in again). After a restart this is empty:
 * the log says what was presented, the people present it again.
 */

export interface LiveHsm {
  hsmId: string;
  binding: HsmBindingSpec;
  session: HsmSessionPort;
  loggedIn: boolean;
  /** The CO shares that activated it (split PIN), kept while it is active. */
  pinShares: Share[];
  commissioning: SplitPinCommissioning | null;
}

export interface HeldCredentials {
  /** Split-PIN or RKSH shares, by credential id. */
  shares: Map<string, Share>;
  /** Native activation: the cards presented, by credential id, with their holders. */
  cards: Map<string, { holder: string; credential: string }>;
}

/** A share sheet a step issued, as the holder takes it from the screen or the printer. */
export interface IssuedSheet {
  credentialId: string;
  holderId: string;
  holderName: string;
  sheet: string;
}

export class Sessions {
  readonly #live = new Map<string, LiveHsm>();
  readonly #held = new Map<string, HeldCredentials>();
  /** Share sheets on screen, by ceremony and step, until the CA confirms every holder has theirs: a reload of the page finds them here. */
  readonly #sheets = new Map<string, IssuedSheet[]>();

  keepSheets(ceremonyId: string, stepId: string, sheets: IssuedSheet[]): void {
    this.#sheets.set(`${ceremonyId}\0${stepId}`, sheets);
  }

  sheets(ceremonyId: string, stepId: string): IssuedSheet[] | undefined {
    return this.#sheets.get(`${ceremonyId}\0${stepId}`);
  }

  dropSheets(ceremonyId: string, stepId: string): void {
    this.#sheets.delete(`${ceremonyId}\0${stepId}`);
  }

  /** The steps of a ceremony whose sheets this process still holds. */
  sheetsHeld(ceremonyId: string): Set<string> {
    return new Set([...this.#sheets.keys()].filter((k) => k.startsWith(`${ceremonyId}\0`)).map((k) => k.slice(ceremonyId.length + 1)));
  }

  live(ceremonyId: string, hsmId: string): LiveHsm | undefined {
    return this.#live.get(`${ceremonyId}\0${hsmId}`);
  }

  keep(ceremonyId: string, live: LiveHsm): void {
    this.#live.set(`${ceremonyId}\0${live.hsmId}`, live);
  }

  async close(ceremonyId: string, hsmId: string): Promise<void> {
    const key = `${ceremonyId}\0${hsmId}`;
    const live = this.#live.get(key);
    this.#live.delete(key);
    if (!live) return;
    for (const s of live.pinShares) s.data.fill(0);
    await live.session.close();
  }

  async closeAll(ceremonyId: string): Promise<void> {
    for (const key of [...this.#live.keys()]) if (key.startsWith(`${ceremonyId}\0`)) await this.close(ceremonyId, key.slice(ceremonyId.length + 1));
    for (const key of [...this.#held.keys()]) if (key.startsWith(`${ceremonyId}\0`)) this.drop(ceremonyId, key.slice(ceremonyId.length + 1));
    for (const key of [...this.#sheets.keys()]) if (key.startsWith(`${ceremonyId}\0`)) this.#sheets.delete(key);
  }

  held(ceremonyId: string, stepId: string): HeldCredentials {
    const key = `${ceremonyId}\0${stepId}`;
    let held = this.#held.get(key);
    if (!held) this.#held.set(key, (held = { shares: new Map(), cards: new Map() }));
    return held;
  }

  /** Forgets what a step held, wiping the share bytes. */
  drop(ceremonyId: string, stepId: string): void {
    const key = `${ceremonyId}\0${stepId}`;
    for (const s of this.#held.get(key)?.shares.values() ?? []) s.data.fill(0);
    this.#held.delete(key);
  }

  /** The HSMs of a ceremony this process holds logged in. */
  loggedIn(ceremonyId: string): Set<string> {
    return new Set([...this.#live.values()].filter((l) => l.loggedIn && this.#live.get(`${ceremonyId}\0${l.hsmId}`) === l).map((l) => l.hsmId));
  }

  heldCounts(ceremonyId: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [key, held] of this.#held)
      if (key.startsWith(`${ceremonyId}\0`)) counts.set(key.slice(ceremonyId.length + 1), held.shares.size + held.cards.size);
    return counts;
  }
}
