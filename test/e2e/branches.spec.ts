import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from './fixtures.js';
import { checkScreen } from './helpers/screens.js';
import { Room } from './helpers/room.js';
import { HomePage, SignInPage, TriagePage } from './pages/AppPages.js';

const run = promisify(execFile);
const cli = new URL('../../dist/core/cli/main.js', import.meta.url).pathname;

// A week before a ceremony can last be convened in time: there is time for an alternate date.
test.use({ worldTime: 'sufficient' });

test('DR 4.1.2 A through the UI, on its alternate-date branch: the ceremony ends with the decision, sealed, with nothing signed after it', async ({
  page,
  world,
  worldHost,
}, testInfo) => {
  test.setTimeout(240_000);
  const check = (name: string) => checkScreen(page, testInfo, name);
  const home = new HomePage(page);
  await home.open(worldHost.url);
  await expect(home.deadline.getByTestId('deadline-state')).toHaveText('Sufficient time for an alternate date');

  // Triage: the deadline answers the time, so it is never asked; the result names the branch.
  await page.getByRole('link', { name: /Start a ceremony from triage/ }).click();
  const triage = new TriagePage(page);
  await triage.answer(/^KSK signing disaster/);
  await triage.answer('No');
  await expect(triage.question).toHaveText('Can the minimum number of Crypto Officers, as defined by the DPS, attend in person?');
  await triage.answer('No');
  await triage.answer('Yes');
  await expect(triage.procedure).toHaveText('DR 4.1.2 A');
  await expect(triage.result.getByTestId('triage-time')).toHaveText(/^Time: sufficient to reschedule or repair, from the deadline of the current SKR/);
  await expect(triage.result.getByTestId('triage-branch')).toHaveAttribute('data-branch', 'alternate-date');
  await expect(triage.result.getByTestId('triage-next')).toContainText('Its step 2 schedules an alternate date by');
  await expect(triage.result.getByTestId('triage-interpretation')).toContainText('puts the time test inside this procedure');
  await check('triage-alternate-date');
  await triage.start('Rehearsal site East');

  // Only the CA and the IW meet to record the decision (the RKOS decided before): no ceremony is held.
  const signIn = new SignInPage(page);
  await expect(page).toHaveURL(/#\/ceremony\/[^/]+\/sign-in$/);
  const ceremonyId = decodeURIComponent(/#\/ceremony\/([^/]+)\/sign-in$/.exec(page.url())![1]!);
  await signIn.signIn('Ada Administrator', ['CA']);
  await signIn.signIn('Ines Witness', ['IW']);
  await page.getByRole('link', { name: 'Go to the ceremony script' }).click();

  const room = new Room(page, world, check);
  for (let moves = 0; await room.play(); moves++) expect(moves, 'the ceremony should end in fewer moves').toBeLessThan(60);
  expect([...room.performed].sort()).toEqual(['attestation', 'exceptions-review', 'follow-up', 'notify', 'schedule-alternate', 'sign-in', 'sign-out']);

  // Every step after the decision that is not the record of it is not applicable: signing among them.
  await expect(room.runner.scriptStep('sign-ksr')).toHaveAttribute('data-status', 'not-applicable');
  await expect(room.runner.scriptStep('cameras-start')).toHaveAttribute('data-status', 'not-applicable');
  await expect(page.locator('[data-testid="script-step"][data-status="not-applicable"]')).toHaveCount(35);
  await expect(page.getByTestId('ceremony-outcome')).toContainText(/^Outcome: Rescheduled to \d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z/);
  await room.runner.scriptStep('sign-ksr').click();
  await expect(room.runner.panel.getByTestId('not-applicable')).toContainText('which step schedule-alternate did not take');
  await check('runner-not-applicable');
  await page.getByRole('button', { name: 'Back to the current step' }).click();
  await page.getByTestId('close-ceremony').click();
  await expect(room.runner.closedPanel).toBeVisible();

  // The log: sealed, verified by the auditor's command, and nothing done with an HSM, a KSR or an SKR.
  await page.getByRole('link', { name: 'Log and documents' }).click();
  await expect(page.getByTestId('verify-status')).toContainText('The log verifies');
  await expect(page.locator('[data-testid="event"][data-type="branch.taken"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="event"][data-type="deadline.assessed"]')).toHaveCount(2);
  for (const type of ['hsm.intent', 'checks.run', 'hash.shown']) await expect(page.locator(`[data-testid="event"][data-type="${type}"]`)).toHaveCount(0);
  await check('log-alternate-date');
  const verified = await run(process.execPath, [cli, 'log', 'verify', path.join(world.workspaceDir, 'ceremony.sqlite'), '--require-seal', '--json']);
  const report = JSON.parse(verified.stdout) as { ok: boolean; ceremonies: { ceremonyId: string; sealed: boolean }[] };
  expect(report.ok).toBe(true);
  expect(report.ceremonies.find((c) => c.ceremonyId === ceremonyId)?.sealed).toBe(true);

  // The workspace carries the follow-up: the Key Ceremony on the alternate date.
  await home.open(worldHost.url);
  await expect(home.followUps).toContainText('Hold the Key Ceremony on the alternate date');
});
