import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from './fixtures.js';
import { checkScreen } from './helpers/screens.js';
import { officers, people, Room } from './helpers/room.js';
import { HomePage, ProjectorPage, SignInPage, TriagePage } from './pages/AppPages.js';

const run = promisify(execFile);
const cli = new URL('../../dist/core/cli/main.js', import.meta.url).pathname;

test('DR 4.2.1 A through the UI, from triage to the exported bundle, which ksk-ceremony verifies; the projector follows', async ({
  page,
  context,
  world,
  worldHost,
}, testInfo) => {
  test.setTimeout(360_000);
  const check = (name: string) => checkScreen(page, testInfo, name);
  // Nothing the screens do (pdf.js included) may need more than the app's strict CSP allows.
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });

  // The workspace: the world's ceremonies are past, the current SKR gives the deadline.
  const home = new HomePage(page);
  await home.open(worldHost.url);
  await expect(home.mode).toContainText('REHEARSALS');
  await expect(home.past.getByTestId('ceremony-item')).toHaveCount(2);
  await expect(home.deadline.getByTestId('countdown')).toContainText(' d ');
  await check('home');

  // The projector, in a second window, waits for a ceremony.
  const projectorPage = await context.newPage();
  const projector = new ProjectorPage(projectorPage);
  await projector.open(worldHost.url);
  await expect(projectorPage.getByText('Waiting for a ceremony to start.')).toBeVisible();

  // Triage, one question per screen, by keyboard where it matters.
  await page.getByRole('link', { name: /Start a ceremony from triage/ }).click();
  const triage = new TriagePage(page);
  await expect(triage.question).toHaveText('Which disaster is this?');
  await check('triage-question');
  await triage.answer(/^KSK compromise disaster/);
  await triage.answer('Yes');
  await triage.answer('Yes');
  await expect(triage.procedure).toHaveText('DR 4.2.1 A');
  await expect(triage.result.getByTestId('triage-reason')).toContainText('section 4.2.1 A');
  await expect(triage.result.getByTestId('deadline-consequence')).not.toBeEmpty();
  await check('triage-result');
  await triage.start('Rehearsal site East');

  // Sign-in: the Crypto Officers return under the ids their credentials were issued to.
  const signIn = new SignInPage(page);
  await expect(page).toHaveURL(/#\/ceremony\/[^/]+\/sign-in$/);
  const ceremonyId = decodeURIComponent(/#\/ceremony\/([^/]+)\/sign-in$/.exec(page.url())![1]!);
  await expect(signIn.quorum('co')).toContainText('3 still missing');
  for (const p of people) await signIn.signIn(p.name, p.roles);
  for (const [n, id] of officers.entries()) {
    await page.getByTestId('returning').selectOption(id);
    await expect(page.getByLabel('Person id (optional: made from the name when empty)')).toHaveValue(id);
    await signIn.signInReturning(id);
    await expect(signIn.participants).toHaveCount(people.length + n + 1);
  }
  await expect(signIn.participants.filter({ hasText: 'Carla Officer 1' })).toContainText('CO');
  await expect(signIn.participants).toHaveCount(people.length + officers.length);
  await expect(signIn.quorum('co')).toContainText('quorum present');
  await check('sign-in');

  // The projector took up the new ceremony.
  await expect(projector.projection).toHaveAttribute('data-ceremony', ceremonyId);

  // The runner, step by step until every step is done.
  await page.getByRole('link', { name: 'Go to the ceremony script' }).click();
  // While the RZM representative reads the KSR's hash aloud, the audience sees it, words included.
  let ksrOnProjector = false;
  const room = new Room(page, world, check, async (words) => {
    const shown = projectorPage.getByTestId('projector-shown');
    await expect(shown.getByTestId('hash-words').locator('li')).toHaveText(words);
    await expect(shown).toContainText('KSR rehearsal-');
    await checkScreen(projectorPage, testInfo, 'projector-ksr-hash');
    ksrOnProjector = true;
  });
  await check('runner');
  let projectorChecked = false;
  for (let moves = 0; await room.play(); moves++) {
    expect(moves, 'the ceremony should end in fewer moves').toBeLessThan(400);
    const step = await room.runner.current();
    if (process.env.KSK_E2E_TIMING) console.log(new Date().toISOString(), step?.id, step?.status);
    // The projector follows the runner live: the same current step, the DS of the new key once generated.
    if (!projectorChecked && step?.id === 'ds-read-aloud') {
      await expect(projector.projection).toHaveAttribute('data-step', 'ds-read-aloud');
      await expect(projector.hashes.first()).toContainText('DS');
      // The head the IW initials is witnessed outside the log (a checkpoint signed by the audit key).
      await expect(projectorPage.getByTestId('projector-checkpoint')).toContainText('signed by the audit key');
      await checkScreen(projectorPage, testInfo, 'projector');
      projectorChecked = true;
    }
  }
  expect(projectorChecked).toBe(true);
  expect(ksrOnProjector).toBe(true);
  // The procedure's substance was played through the UI, not skipped over.
  for (const kind of ['teb-check', 'hsm-activate', 'destroy-ksk', 'generate-ksk', 'sign-ksr', 'publish-trust-anchor', 'attestation', 'teb-seal']) {
    expect([...room.performed], `a ${kind} step performed through the UI`).toContain(kind);
  }

  // Close and seal.
  await check('runner-close');
  await page.getByTestId('close-ceremony').click();
  await expect(room.runner.closedPanel).toBeVisible();
  const sealedWords = await room.runner.closedPanel.getByTestId('sealed-head').getByTestId('hash-words').locator('li').allTextContents();
  expect(sealedWords).toHaveLength(32);
  await expect(projector.head).toContainText('sealed');

  // Export to the "removable medium" (a folder here) and verify as an auditor would.
  const medium = testInfo.outputPath('medium');
  mkdirSync(medium, { recursive: true });
  await page.getByTestId('export-to').fill(medium);
  await page.getByTestId('export').click();
  const result = page.getByTestId('export-result');
  await expect(result).toBeVisible({ timeout: 120_000 });
  const shownWords = await result.getByTestId('export-head').getByTestId('hash-words').locator('li').allTextContents();
  expect(shownWords).toEqual(sealedWords);
  await check('runner-exported');
  const bundle = /Written and verified: (\S+) \(/.exec((await result.textContent()) ?? '')![1]!;
  const verified = await run(process.execPath, [cli, 'bundle', 'verify', bundle, '--json'], { maxBuffer: 64 * 1024 * 1024 });
  const verdict = JSON.parse(verified.stdout) as { ok: boolean; logHead: { pgpWords: string[] } };
  expect(verdict.ok).toBe(true);
  expect(verdict.logHead.pgpWords).toEqual(shownWords);
  // The bundle carries what the ceremony produced: the signed SKR and the new trust anchor.
  const artifacts = readdirSync(path.join(bundle, 'artifacts'));
  expect(
    artifacts.some((f) => /^\d+-skr-/.test(f)),
    artifacts.join(', '),
  ).toBe(true);
  expect(
    artifacts.some((f) => /^\d+-trust-anchor-/.test(f)),
    artifacts.join(', '),
  ).toBe(true);

  // The log: every event, filterable, verified; the attestations with their drawn signatures.
  await page.getByRole('link', { name: 'Log and documents' }).click();
  await expect(page.getByTestId('verify-status')).toContainText('The log verifies');
  await expect(page.getByTestId('attestation').locator('img').first()).toBeVisible();
  await page.getByTestId('event-type-filter').selectOption('initials');
  await expect(page.getByTestId('event').first()).toHaveAttribute('data-type', 'initials');
  await page
    .getByTestId('document-record')
    .getByRole('button', { name: /^Render/ })
    .click();
  const preview = page.getByTestId('document-record').getByTestId('pdf-preview');
  await expect(preview.getByTestId('pdf-page')).toHaveText(/^Page 1 of \d+$/);
  await expect(preview).toHaveAttribute('data-drawn', 'yes');
  // pdf.js drew the page: the cover's type and lines leave thousands of dark pixels on the white page.
  const dark = await preview.locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 128 && data[i + 1]! < 128 && data[i + 2]! < 128) n++;
    return n;
  });
  expect(dark).toBeGreaterThan(2000);
  await preview.getByRole('button', { name: 'Next page' }).click();
  await expect(preview.getByTestId('pdf-page')).toHaveText(/^Page 2 of /);
  await expect(preview).toHaveAttribute('data-drawn', 'yes');
  await check('log');
  expect(violations).toEqual([]);
});
