import { expect, type Locator, type Page } from '@playwright/test';
import { RunnerPage } from './RunnerPage.js';

/** The app's screens as the tests drive them: by role and label, as a keyboard or screen-reader user finds them. */
export class HomePage {
  readonly title: Locator;
  readonly mode: Locator;
  readonly deadline: Locator;
  readonly inProgress: Locator;
  readonly past: Locator;
  readonly followUps: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByRole('heading', { level: 1, name: 'Workspace' });
    this.mode = page.getByTestId('workspace-mode');
    this.deadline = page.getByTestId('deadline');
    this.inProgress = page.getByTestId('ceremonies-in-progress');
    this.past = page.getByTestId('ceremonies-past');
    this.followUps = page.getByTestId('follow-ups');
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.title.waitFor();
  }
}

export class TriagePage {
  readonly question: Locator;
  readonly result: Locator;
  readonly procedure: Locator;

  constructor(readonly page: Page) {
    this.question = page.getByTestId('triage-question');
    this.result = page.getByTestId('triage-result');
    this.procedure = page.getByTestId('triage-procedure');
  }

  /** Answers the question on screen with the option whose label starts with `label`, by keyboard. */
  async answer(label: string | RegExp): Promise<void> {
    const before = await this.question.textContent();
    await this.page.getByRole('radio', { name: label }).check();
    await this.page.getByRole('button', { name: 'Next' }).click();
    await expect(this.question.or(this.result)).not.toHaveText(before ?? '');
  }

  async start(site: string): Promise<void> {
    await this.page.getByLabel('Site').fill(site);
    await this.result.getByRole('button', { name: /^Start / }).click();
  }
}

export class SignInPage {
  readonly participants: Locator;
  readonly quorums: Locator;
  readonly rolesMissing: Locator;

  constructor(readonly page: Page) {
    this.participants = page.getByTestId('participant');
    this.quorums = page.getByTestId('quorums');
    this.rolesMissing = page.getByTestId('roles-missing');
  }

  async signIn(name: string, roles: readonly string[]): Promise<void> {
    const count = await this.participants.count();
    await this.page.getByLabel('Printed name').fill(name);
    for (const role of roles) await this.page.getByRole('checkbox', { name: new RegExp(`\\(${role}\\)(: not needed in the room)?$`) }).check();
    await this.sign();
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(this.participants).toHaveCount(count + 1);
  }

  /** Someone from an earlier ceremony signs in under the id their credentials were issued to. */
  async signInReturning(personId: string): Promise<void> {
    const count = await this.participants.count();
    await this.page.getByTestId('returning').selectOption(personId);
    await this.sign();
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(this.participants).toHaveCount(count + 1);
  }

  /** The participant draws their signature on the sign-in pad. */
  async sign(): Promise<void> {
    const pad = this.page.getByRole('form', { name: 'Sign in a participant' }).getByTestId('signature-pad');
    await new RunnerPage(this.page).drawSignature(pad);
    await expect(pad).toHaveAttribute('data-inked', 'yes');
  }

  quorum(id: string): Locator {
    return this.page.getByTestId(`quorum-${id}`);
  }
}

export class ProjectorPage {
  readonly projection: Locator;
  readonly step: Locator;
  readonly hashes: Locator;
  readonly head: Locator;

  constructor(readonly page: Page) {
    this.projection = page.getByTestId('projection');
    this.step = page.getByTestId('projector-step');
    this.hashes = page.getByTestId('projector-hash');
    this.head = page.getByTestId('projector-head');
  }

  async open(url: string): Promise<void> {
    await this.page.goto(`${url}#/projector`);
  }
}
