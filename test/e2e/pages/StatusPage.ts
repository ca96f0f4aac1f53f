import type { Locator, Page } from '@playwright/test';

/** The status screen, as both the browser and the Electron tests drive it. */
export class StatusPage {
  readonly version: Locator;
  readonly workspace: Locator;
  readonly databasePath: Locator;
  readonly modeBanner: Locator;
  readonly airGapVerdict: Locator;
  readonly airGapWarnings: Locator;
  readonly airGapInterfaces: Locator;
  readonly hsmModules: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.version = page.getByTestId('app-version');
    this.workspace = page.getByTestId('workspace');
    this.databasePath = page.getByTestId('database-path');
    this.modeBanner = page.getByTestId('mode-banner');
    this.airGapVerdict = page.getByTestId('airgap-verdict');
    this.airGapWarnings = page.getByTestId('airgap-warnings').locator('li');
    this.airGapInterfaces = page.getByTestId('airgap-interface');
    this.hsmModules = page.getByTestId('hsm-modules').locator('li');
    this.alert = page.getByRole('alert');
  }

  /** Opens the app at its status route (the address the host printed, or the app's index page). */
  async open(url: string): Promise<void> {
    await this.page.goto(`${url}#/status`);
    await this.waitReady();
  }

  /** For a page already loaded (Electron's window, where navigation away is denied): through the menu. */
  async openFromNav(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Status', exact: true }).click();
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await this.page.getByRole('heading', { name: 'Status' }).waitFor();
  }

  async hashFile(path: string): Promise<void> {
    await this.page.getByLabel('File path').fill(path);
    await this.page.getByRole('button', { name: 'Compute SHA-256' }).click();
  }

  hashHex(): Locator {
    return this.page.getByTestId('hash-hex');
  }
}
