import { expect, type Locator, type Page } from '@playwright/test';

/** The runner screen: the script, the step panel, the IW's control, the dialogs. */
export class RunnerPage {
  readonly panel: Locator;
  readonly status: Locator;
  readonly iwInitial: Locator;
  readonly closePanel: Locator;
  readonly closedPanel: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('step-panel');
    this.status = page.getByTestId('step-status');
    this.iwInitial = page.getByTestId('iw-initial');
    this.closePanel = page.getByTestId('close-panel');
    this.closedPanel = page.getByTestId('closed-panel');
    this.alert = page.getByRole('alert');
  }

  async open(url: string, ceremonyId: string): Promise<void> {
    await this.page.goto(`${url}#/ceremony/${encodeURIComponent(ceremonyId)}`);
    await this.page.getByRole('navigation', { name: 'Script' }).waitFor();
  }

  /** The step on screen now: its id, status and action kind, or null when the close (or closed) panel is shown. */
  async current(): Promise<{ id: string; status: string; kind: string } | null> {
    await expect(this.panel.or(this.closePanel).or(this.closedPanel)).toBeVisible();
    if (!(await this.panel.isVisible())) return null;
    const [id, status, kind] = await Promise.all(['data-step', 'data-status', 'data-kind'].map((a) => this.panel.getAttribute(a)));
    return { id: id ?? '', status: status ?? '', kind: kind ?? '' };
  }

  scriptStep(stepId: string): Locator {
    return this.page.locator(`[data-testid="script-step"][data-step="${stepId}"]`);
  }

  /** Waits until the step leaves the given status (the panel shows the next state from the backend). */
  async leaves(stepId: string, status: string): Promise<void> {
    await expect(this.scriptStep(stepId)).not.toHaveAttribute('data-status', status);
  }

  async start(): Promise<void> {
    await this.page.getByTestId('start-step').click();
  }

  async perform(): Promise<void> {
    // A form left incomplete says why in its hint: fail on that, not on the test's timeout.
    await expect(this.panel.getByTestId('perform'), 'the step form should be complete').toBeEnabled({ timeout: 30_000 });
    await this.panel.getByTestId('perform').click();
  }

  /** The IW initials with their own key (F8), as from a keypad on their side of the table. */
  async initialByKey(): Promise<void> {
    await expect(this.iwInitial).toBeEnabled();
    await this.page.keyboard.press('F8');
  }

  /** Draws a signature on the pad with the mouse: a few strokes, as a hand would. */
  async drawSignature(pad: Locator): Promise<void> {
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    if (!box) throw new Error('the signature pad is not on screen');
    const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
    await this.page.mouse.move(...at(0.1, 0.6));
    await this.page.mouse.down();
    for (const [fx, fy] of [
      [0.2, 0.3],
      [0.3, 0.7],
      [0.4, 0.35],
      [0.5, 0.65],
      [0.65, 0.4],
      [0.85, 0.55],
    ] as const) {
      await this.page.mouse.move(...at(fx, fy), { steps: 4 });
    }
    await this.page.mouse.up();
  }
}
