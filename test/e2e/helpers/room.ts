import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { toPgpWords } from '../../../dist/core/hash/pgpWords.js';
import { sha256 } from '../../../dist/core/hash/sha256.js';
import type { RehearsalWorldFixture } from '../fixtures.js';
import { RunnerPage } from '../pages/RunnerPage.js';

/** The people in the room, as the UI test signs them in: the Crypto Officers are the world's, by their ids. */
export const people = [
  { name: 'Ada Administrator', roles: ['CA'] },
  { name: 'Ines Witness', roles: ['IW'] },
  { name: 'Sam Sysadmin', roles: ['SA'] },
  { name: 'Sol Safe-One', roles: ['SSC1'] },
  { name: 'Sue Safe-Two', roles: ['SSC2'] },
  { name: 'Rita Maintainer', roles: ['RZM'] },
  { name: 'Rob Security', roles: ['RKOS'] },
] as const;
export const officers = ['co-1', 'co-2', 'co-3', 'co-4'] as const;

/** The OS image a rehearsal boots: the stand-in whose published hash the opening checks (as the engine's simulated participants use). */
export const osImageSha256 = sha256('ksk-ceremony rehearsal operating-system image').toString('hex');

/**
 * What the people in the room do at each step, through the UI only, with what they hold: the
 * serials on the bags, their share sheets, the KSR and its hash received out of band. One call
 * handles the step on screen in its current state and returns once the backend has moved it on.
 */
export class Room {
  readonly runner: RunnerPage;
  /** Share sheets the app issued at this ceremony, as the holders took them from the screen. */
  readonly sheets = new Map<string, string>();
  private serial = 900000;
  /** Steps whose screens were photographed and checked (by kind), so each kind of panel is checked once. */
  readonly seen = new Set<string>();
  /** The kinds of action the room performed, for the test to see the whole procedure was played. */
  readonly performed = new Set<string>();
  /** Where the export steps write (a stick); the ceremony's folder when null. */
  outDir: string | null = null;

  constructor(
    readonly page: Page,
    readonly world: RehearsalWorldFixture,
    readonly check: (name: string) => Promise<void>,
    /** Called while the KSR's hash is on screen and before it is matched, with its PGP words. */
    readonly onKsrShown: (words: string[]) => Promise<void> = async () => undefined,
  ) {
    this.runner = new RunnerPage(page);
  }

  newSerial(): string {
    this.serial += 1;
    return `RH-${this.serial}`;
  }

  /** The share sheets of the credential set that activates a token, by holder. */
  sheetsOf(tokenLabel: string): Map<string, string> {
    return this.sheetsOfSet(this.world.state.activation[tokenLabel]);
  }

  sheetsOfSet(set: string | undefined): Map<string, string> {
    return new Map(
      Object.values(this.world.state.credentials)
        .filter((c) => c.set === set)
        .map((c) => [c.holderId, c.sheet]),
    );
  }

  /** The IW completes every exception the app recorded on its own (e.g. a new bag with no serial on record). */
  async completeExceptions(): Promise<void> {
    const complete = this.page.getByRole('button', { name: /^Complete exception / });
    while ((await complete.count()) > 0) {
      const name = (await complete.first().textContent()) ?? '';
      await complete.first().click();
      const dialog = this.page.getByRole('dialog');
      await dialog
        .getByLabel('What was decided')
        .fill('The IW checked the bag and the serial read aloud against the delivery inventory; the ceremony continues.');
      await dialog.getByRole('button', { name: /\(IW\) signs the decision$/ }).click();
      await expect(dialog).toHaveCount(0);
      await expect(this.page.getByRole('button', { name, exact: true })).toHaveCount(0);
    }
  }

  async once(kind: string, name: string): Promise<void> {
    if (this.seen.has(kind)) return;
    this.seen.add(kind);
    await this.check(name);
  }

  /** Plays the step on screen one move (start, perform, initial ...). Returns false once the close panel shows. */
  async play(): Promise<boolean> {
    await this.completeExceptions();
    const step = await this.runner.current();
    if (!step) return false;
    const { runner, page } = this;
    const panel = runner.panel;
    if (step.status === 'pending') {
      await runner.start();
      await runner.leaves(step.id, 'pending');
      return true;
    }
    if (step.status === 'awaiting-initials') {
      await runner.initialByKey();
      await runner.leaves(step.id, 'awaiting-initials');
      return true;
    }
    // A preparation step whose performer has not signed in: the RKOS who did it writes their name.
    const byName = panel.getByRole('group', { name: /^Performed by \(before the ceremony day/ });
    if ((await byName.count()) > 0) await byName.getByLabel('Name').fill('Rob Security');
    switch (step.kind) {
      case 'manual':
        await panel.getByRole('button', { name: 'Confirm: this was done' }).click();
        break;
      case 'notify':
        await this.notify();
        await runner.perform();
        break;
      case 'schedule-alternate': {
        // The RKOS schedules the first whole hour of the window the app recorded when the step started.
        const window = panel.getByTestId('alternate-window');
        await expect(window).toBeVisible();
        const earliest = Date.parse((await window.getAttribute('data-earliest')) ?? '');
        const date = new Date(Math.ceil(earliest / 3_600_000) * 3_600_000)
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, '');
        await panel.getByRole('radio', { name: /^Schedule an alternate date/ }).check();
        await panel.getByLabel('Alternate date (UTC)').fill(date);
        await this.once('schedule-alternate', 'runner-schedule-alternate');
        await runner.perform();
        break;
      }
      case 'export':
        if (this.outDir) await panel.getByLabel(/^Write the files to/).fill(this.outDir);
        await runner.perform();
        break;
      case 'reconstruct-ksk': {
        // The RKSHs present their shares from the world's shelf; the CA picks the backup file.
        const backup = this.world.state.backups.at(-1);
        if (!backup) throw new Error('the world has no KSK backup');
        await this.presentAll(Number.POSITIVE_INFINITY, this.sheetsOfSet(backup.set));
        await panel.getByLabel('or type its path on this laptop').fill(path.join(this.world.workspaceDir, backup.file));
        await runner.perform();
        break;
      }
      case 'choose-algorithm':
        await panel.getByRole('radio').first().check();
        await panel.getByLabel('Rationale').fill('The algorithm of the compromised KSK, which every validator supports.');
        await runner.perform();
        break;
      case 'teb-check':
      case 'teb-seal':
        await this.bags(step.kind === 'teb-seal');
        await this.once(step.kind, step.kind === 'teb-check' ? 'runner-teb-check' : 'runner-teb-seal');
        await runner.perform();
        break;
      case 'hash-check':
        await panel.getByLabel('or its SHA-256 as computed at boot (hex)').fill(osImageSha256);
        await panel.getByLabel(/The published value/).fill(toPgpWords(Buffer.from(osImageSha256, 'hex')).join(' '));
        await runner.perform();
        break;
      case 'clock-check': {
        const shown = (await page.getByTestId('app-clock').locator('.mono').textContent()) ?? '';
        await expect(page.getByTestId('app-clock').locator('.mono')).not.toHaveText('…');
        await panel.getByTestId('reference-time').fill(shown.replace(' UTC', ''));
        await runner.perform();
        break;
      }
      case 'hsm-activate': {
        const fromScreen = await this.presentAll();
        await this.once('hsm-activate', 'runner-hsm-activation');
        await runner.perform();
        // The holders of the new credentials have used their sheets: the CA takes them off the screen.
        if (fromScreen) await page.getByRole('button', { name: /^Every holder has their sheet/ }).click();
        break;
      }
      case 'hsm-initialize':
        await runner.perform();
        await this.takeSheets();
        break;
      case 'generate-ksk':
        await runner.perform();
        await expect(page.getByTestId('progress').or(panel.getByTestId('result-hash').first())).toBeVisible();
        await expect(panel.getByTestId('result-hash').first()).toBeVisible({ timeout: 60_000 });
        await this.once('generate-ksk', 'runner-generated-ksk');
        break;
      case 'sign-ksr':
        await this.signKsr();
        break;
      case 'attestation':
        await this.attest();
        break;
      default:
        await runner.perform();
    }
    await runner.leaves(step.id, 'in-progress');
    this.performed.add(step.kind);
    return true;
  }

  /** One person notified for each kind of recipient the step names (Crypto Officers, Recovery Key Share Holders ...). */
  async notify(): Promise<void> {
    const panel = this.runner.panel;
    const roles = await panel
      .getByRole('group', { name: /^Notified: row 1$/ })
      .getByRole('combobox', { name: 'Role' })
      .locator('option')
      .allTextContents();
    const names: Record<string, string> = { CO: 'Carla Officer 1', RKSH: 'Rhea Shareholder 1' };
    for (const [i, role] of roles.entries()) {
      if (i > 0) await panel.getByRole('button', { name: 'Add a row' }).click();
      const row = panel.getByRole('group', { name: `Notified: row ${i + 1}` });
      if ((await row.getByRole('textbox', { name: 'Name' }).inputValue()) === '')
        await row.getByRole('textbox', { name: 'Name' }).fill(names[role] ?? 'Rob Security');
      await row.getByRole('combobox', { name: 'Role' }).selectOption(role);
    }
  }

  /** Reads the serial off each bag (the world's shelf), or a new bag's for a seal; a delivered bag's manifest says the same. */
  private async bags(seal: boolean): Promise<void> {
    const panel = this.runner.panel;
    const custody = (await panel.getByTestId('teb-custody').getAttribute('data-custody')) ?? '';
    const rows = panel.locator('.row-editor[data-holder]');
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const holder = (await row.getAttribute('data-holder')) ?? '';
      const onShelf = this.world.state.bags[holder ? `${custody}:${holder}` : custody];
      const serial = seal || !onShelf ? this.newSerial() : onShelf;
      await row.getByTestId('teb-serial').fill(serial);
      const manifest = row.getByTestId('teb-manifest-serial');
      if ((await manifest.count()) > 0) await manifest.fill(serial);
    }
  }

  /**
   * The holders present their sheets one at a time, as the app asks, until the quorum is met.
   * Returns whether the sheets were the ones this ceremony issued on screen.
   */
  async presentAll(limit = Number.POSITIVE_INFINITY, given?: Map<string, string>): Promise<boolean> {
    const present = this.page.getByTestId('present');
    const hsm = (await present.getAttribute('data-token')) ?? '';
    const fromScreen = !given && this.sheets.size > 0 && hsm.endsWith('HSM2');
    const sheets = given ?? (fromScreen ? this.sheets : this.sheetsOf(hsm));
    for (let n = 0; n < limit && (await present.getByTestId('share-text').count()) > 0; n++) {
      const holder = await present.getByLabel('Next holder').inputValue();
      const sheet = sheets.get(holder);
      if (!sheet) throw new Error(`no share sheet of ${holder} for ${hsm}`);
      const counter = await present.getByTestId('quorum-counter').textContent();
      await present.getByTestId('share-text').fill(sheet);
      await present.getByRole('button', { name: /^Present .* credential$/ }).click();
      await expect(present.getByTestId('quorum-counter')).not.toHaveText(counter ?? '');
    }
    return fromScreen;
  }

  /** The holders take their new sheets from the screen (a printer would print them). */
  private async takeSheets(): Promise<void> {
    const shares = this.page.getByTestId('issued-share');
    await expect(shares.first()).toBeVisible();
    await this.once('issued-shares', 'runner-issued-shares');
    for (let i = 0; i < (await shares.count()); i++) {
      const share = shares.nth(i);
      this.sheets.set((await share.getAttribute('data-holder')) ?? '', (await share.locator('pre').textContent()) ?? '');
    }
  }

  private async signKsr(): Promise<void> {
    const { page, runner } = this;
    const panel = runner.panel;
    await panel.getByLabel('Choose the file').setInputFiles(this.world.ksr);
    await panel.getByRole('button', { name: /^Read and check/ }).click();
    const hash = panel.getByTestId('ksr-hash');
    await expect(hash).toBeVisible();
    const bytes = readFileSync(this.world.ksr);
    const expectedHex = sha256(bytes).toString('hex');
    await expect(hash.getByTestId('hash-hex')).toHaveText(expectedHex.match(/.{4}/g)!.join(' '));
    const sign = panel.getByTestId('sign');
    await expect(sign).toBeDisabled();
    // The hash read aloud, as the RZM representative reads it: the PGP words.
    const words = toPgpWords(sha256(bytes));
    await this.onKsrShown(words);
    const entry = panel.getByTestId('out-of-band-hash');
    await entry.fill(words.slice(0, 10).join(' '));
    await expect(panel.getByTestId('hash-match')).toContainText('Incomplete');
    await entry.fill([...words.slice(0, 31), words[0]].join(' '));
    await expect(panel.getByTestId('hash-match')).toContainText('DOES NOT MATCH');
    await expect(sign).toBeDisabled();
    await entry.fill(words.join(' '));
    await expect(panel.getByTestId('hash-match')).toContainText('MATCH');
    await panel.getByLabel(/^Read aloud by/).selectOption({ label: 'Rita Maintainer (RZM)' });
    // A new KSK (4.2.1 A) cannot pass the chain checks: each is overridden by an exception the IW signs. The existing KSK (4.3.1 A) passes them.
    const override = panel.getByRole('button', { name: /^Record the exception overriding / });
    await expect(sign.and(page.locator(':enabled')).or(override).first()).toBeVisible();
    await this.once('sign-ksr', 'runner-ksr-signing');
    for (let left = await override.count(); left > 0; left--) {
      const name = ((await override.first().textContent()) ?? '').replace('Record the exception overriding ', '');
      await override.first().click();
      const dialog = page.getByRole('dialog');
      await dialog
        .getByLabel('What happened')
        .fill(`${name} fails: the compromised KSK was destroyed and the new one was never published in the previous SKR.`);
      await dialog.getByLabel('What was decided').fill(`Override ${name}, as DR 4.2.1 A foresees for a new KSK.`);
      await this.once('exception-dialog', 'runner-exception-dialog');
      await dialog.getByTestId('iw-sign-exception').click();
      await expect(dialog).toHaveCount(0);
      await expect(override).toHaveCount(left - 1);
    }
    await expect(sign).toBeEnabled();
    await sign.click();
  }

  /** Everyone the step names attests in their own dialog: the statement, the log head, a drawn signature. */
  private async attest(): Promise<void> {
    const { page, runner } = this;
    const open = runner.panel.getByRole('button', { name: / attests…$/ });
    while ((await open.count()) > 0) {
      const who = ((await open.first().textContent()) ?? '').replace(' attests…', '');
      await open.first().click();
      const dialog = page.getByTestId('attestation-dialog');
      await expect(dialog.getByTestId('statement')).not.toBeEmpty();
      await expect(dialog.getByTestId('attestation-head').getByTestId('hash-words').locator('li')).toHaveCount(32);
      const sign = dialog.getByTestId('attestation-sign');
      await expect(sign).toBeDisabled();
      if (who === 'Rob Security') {
        // One participant does not agree, and says why: the record keeps it.
        await dialog.getByRole('button', { name: 'I do not agree…' }).click();
        await dialog.getByLabel(/does not agree$/).fill('I was out of the room during the trust anchor publication and cannot attest to it.');
        await dialog.getByRole('button', { name: /does not agree$/ }).click();
      } else if (who === 'Sam Sysadmin') {
        // Signed with the keyboard: the arrows draw on the focused pad (a typed name is never a signature).
        const pad = dialog.getByTestId('signature-pad');
        await pad.focus();
        for (const key of ['ArrowRight', 'ArrowRight', 'ArrowUp', 'ArrowRight', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowUp'])
          await page.keyboard.press(key);
        await expect(pad).toHaveAttribute('data-inked', 'yes');
        await expect(sign).toBeEnabled();
        await sign.focus();
        await page.keyboard.press('Enter');
      } else {
        await runner.drawSignature(dialog.getByTestId('signature-pad'));
        await expect(sign).toBeEnabled();
        await this.once('attestation', 'runner-attestation-dialog');
        await sign.click();
      }
      await expect(dialog).toHaveCount(0);
      await expect(runner.panel.getByTestId('attester').filter({ hasText: who }).getByRole('button')).toHaveCount(0);
    }
  }
}
