import type { Page } from '@playwright/test';
import { startBrowserHost } from '../../dist/browser-host/server.js';
import { expect, test } from './fixtures.js';
import { officers, people, Room } from './helpers/room.js';
import { checkScreen } from './helpers/screens.js';
import { RunnerPage } from './pages/RunnerPage.js';
import { SignInPage, TriagePage } from './pages/AppPages.js';

/** Answers the question on screen with the keyboard only: Tab to the options, arrows to choose, Tab and Enter for Next. */
async function answerByKeyboard(page: Page, option: number): Promise<void> {
  const triage = new TriagePage(page);
  const before = await triage.question.textContent();
  await page.keyboard.press('Tab');
  await expect(page.locator(':focus')).toHaveAttribute('type', 'radio');
  await page.keyboard.press('Space');
  for (let i = 0; i < option; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab');
  await expect(page.locator(':focus')).toHaveText('Next');
  await page.keyboard.press('Enter');
  await expect(triage.question.or(triage.result)).not.toHaveText(before ?? '');
}

test('a reload in the middle of a step, a window closed mid-step and a restart of the app lose nothing; the keyboard reaches everything it needs', async ({
  page,
  context,
  world,
}, testInfo) => {
  test.setTimeout(300_000);
  const startAt = Date.parse(world.time) + 1000;
  const started = Date.now();
  let worldHost = await startBrowserHost({ workspaceDir: world.workspaceDir, mode: 'rehearsal', startAt: new Date(startAt).toISOString() });
  try {
    // Triage by keyboard alone: compromise (the second option), COs yes, a KMF yes.
    await page.goto(`${worldHost.url}#/triage`);
    const triage = new TriagePage(page);
    await expect(triage.question).toHaveText('Which disaster is this?');
    await answerByKeyboard(page, 1);
    await answerByKeyboard(page, 0);
    // A reload on the way keeps the answers given so far: they are in the address.
    await page.reload();
    await expect(page.getByTestId('triage-answers')).toContainText('compromise');
    await answerByKeyboard(page, 0);
    await expect(triage.procedure).toHaveText('DR 4.2.1 A');
    await triage.start('Rehearsal site West');

    const signIn = new SignInPage(page);
    await expect(page).toHaveURL(/\/sign-in$/);
    const ceremonyId = decodeURIComponent(/#\/ceremony\/([^/]+)\/sign-in$/.exec(page.url())![1]!);
    for (const p of people) await signIn.signIn(p.name, p.roles);
    // The sign-in screen after a reload: the same people, from the log.
    await page.reload();
    await expect(signIn.participants).toHaveCount(people.length);
    for (const [n, id] of officers.entries()) {
      await signIn.signInReturning(id);
      await expect(signIn.participants).toHaveCount(people.length + n + 1);
    }
    await expect(signIn.participants).toHaveCount(people.length + officers.length);

    // The runner up to the activation of HSM1.
    const runner = new RunnerPage(page);
    await runner.open(worldHost.url, ceremonyId);
    const room = new Room(page, world, async () => undefined);
    for (;;) {
      const step = await runner.current();
      if (step?.id === 'hsm-activate-HSM1' && step.status === 'in-progress') break;
      // Starting a step by keyboard puts the focus on its heading, so Tab leads into its work.
      if (step?.id === 'laptop-teb-check' && step.status === 'pending') {
        await page.getByTestId('start-step').focus();
        await page.keyboard.press('Enter');
        await expect(runner.panel.getByRole('heading', { level: 2 })).toBeFocused();
        await page.keyboard.press('Tab');
        await expect(page.locator(':focus')).toHaveAttribute('data-testid', 'performer');
        // The serial read aloud is not the one on record: the app says so and opens an exception.
        await runner.panel.getByTestId('teb-serial').fill('RH-999999');
        await runner.perform();
        await expect(runner.panel.getByTestId('teb-result')).toHaveAttribute('data-matched', 'no');
        await expect(runner.panel.getByTestId('teb-result')).toContainText(world.state.bags.laptop!);
        await expect(runner.panel.getByTestId('exception')).toContainText('needs a decision and a signature');
        await checkScreen(page, testInfo, 'runner-teb-mismatch');
        continue;
      }
      await room.play();
    }

    // Two of the three Crypto Officers present their credentials; then the page is reloaded.
    await room.presentAll(2);
    const present = page.getByTestId('present');
    await expect(present.getByTestId('quorum-counter')).toHaveText('1 still missing');
    await page.reload();
    await expect(runner.panel).toHaveAttribute('data-step', 'hsm-activate-HSM1');
    await expect(runner.panel).toHaveAttribute('data-status', 'in-progress');
    await expect(present.getByTestId('quorum-counter')).toHaveText('1 still missing');
    await expect(present.getByTestId('presented').locator('li')).toHaveCount(2);
    await checkScreen(page, testInfo, 'runner-after-reload');
    // The third presents, the HSM is activated, and the IW initials: the step goes on as if nothing happened.
    await room.presentAll();
    await expect(present.getByTestId('quorum-counter')).toHaveText('quorum met');
    await runner.perform();
    await runner.leaves('hsm-activate-HSM1', 'in-progress');
    await runner.initialByKey();
    await runner.leaves('hsm-activate-HSM1', 'awaiting-initials');
    await expect(runner.scriptStep('hsm-activate-HSM1')).toHaveAttribute('data-status', 'completed');

    // The window is closed in the middle of the next step, and a new one opened on the ceremony.
    await expect(runner.panel).toHaveAttribute('data-step', 'destroy-ksk');
    await runner.start();
    await runner.leaves('destroy-ksk', 'pending');
    await page.close();
    const again = await context.newPage();
    const second = new RunnerPage(again);
    await second.open(worldHost.url, ceremonyId);
    await expect(second.panel).toHaveAttribute('data-step', 'destroy-ksk');
    await expect(second.panel).toHaveAttribute('data-status', 'in-progress');
    await expect(second.scriptStep('hsm-activate-HSM1')).toContainText('initialled by Ines Witness');
    await second.perform();
    await expect(second.panel.getByTestId('step-result')).toContainText('no object labelled so remains');
    await second.initialByKey();
    await expect(second.scriptStep('destroy-ksk')).toHaveAttribute('data-status', 'completed');

    // Every screen reloads to itself: the log of this ceremony, with the steps done so far.
    await again.goto(`${worldHost.url}#/log/${encodeURIComponent(ceremonyId)}`);
    await again.reload();
    await expect(again.getByTestId('verify-status')).toContainText('The log verifies');
    await again.getByTestId('event-type-filter').selectOption('credential.presented');
    await expect(again.getByTestId('event')).toHaveCount(3);

    // The app itself stops (a crash, a power cut) while HSM1 is active, and starts again: the log says
    // HSM1 is active, but no session survived. The Crypto Officers present their credentials again.
    await worldHost.close();
    worldHost = await startBrowserHost({
      workspaceDir: world.workspaceDir,
      mode: 'rehearsal',
      startAt: new Date(startAt + (Date.now() - started) + 60_000).toISOString(),
    });
    const third = new RunnerPage(again);
    await third.open(worldHost.url, ceremonyId);
    const reactivate = again.getByTestId('reactivate');
    await expect(reactivate).toContainText('Reactivate HSM1');
    await checkScreen(again, testInfo, 'runner-reactivate');
    const afterRestart = new Room(again, world, async () => undefined);
    await afterRestart.presentAll();
    await reactivate.getByRole('button', { name: 'Activate HSM1 again' }).click();
    await expect(reactivate).toHaveCount(0);
    await afterRestart.completeExceptions();
    // The ceremony goes on where it was: HSM1 is logged out at the next step.
    await expect(third.panel).toHaveAttribute('data-step', 'hsm-deactivate-HSM1');
    await afterRestart.play();
    await afterRestart.play();
    await expect(third.panel.getByTestId('step-result')).toContainText('Logged out');
  } finally {
    await worldHost.close();
  }
});
