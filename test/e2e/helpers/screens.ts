import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

/**
 * Every screen the tests reach is photographed (kept under test-results/ as an artifact) and
 * checked with axe: no serious or critical violation is allowed anywhere.
 */
export async function checkScreen(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(blocking, `axe on the ${name} screen`).toEqual([]);
  expect(await layoutProblems(page), `the layout of the ${name} screen`).toEqual([]);
}

/**
 * Hashes are read aloud from the screen: a group of four hex digits split over two lines, or a
 * PGP word running out of its list, is misread; and in the room nobody scrolls sideways to find
 * the rest of a step. Lists every such place on the page.
 */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) {
      // Name the innermost elements that stick out, so the cause is found from the failure alone.
      const sticksOut = (e: Element) => e.getBoundingClientRect().right > width + 1;
      const spills = (e: Element) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0;
      const wide = [...document.body.querySelectorAll('*')].filter(
        (e) => (sticksOut(e) && ![...e.children].some(sticksOut)) || (spills(e) && ![...e.children].some(spills)),
      );
      problems.push(
        `the page scrolls sideways (${document.documentElement.scrollWidth} > ${width} px): ${wide
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className} "${(e.textContent ?? '').slice(0, 40)}"`)
          .join('; ')}`,
      );
    }
    const shown = (e: Element) => e.checkVisibility({ contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true });
    for (const group of document.querySelectorAll('.hash-hex span')) {
      if (shown(group) && group.getClientRects().length > 1) problems.push(`hex group ${group.textContent} is split over two lines`);
    }
    // Measured with the widest word of the list in every place, so a hash of short words cannot hide the problem.
    for (const list of [...document.querySelectorAll('.hash-words')].filter(shown)) {
      const edge = Math.min(list.getBoundingClientRect().right, document.documentElement.clientWidth);
      const words = [...list.querySelectorAll('li')];
      const texts = words.map((w) => w.textContent);
      for (const word of words) word.textContent = 'chambermaid';
      for (const [i, word] of words.entries()) {
        const range = document.createRange();
        range.selectNodeContents(word);
        if (range.getBoundingClientRect().right > edge + 0.5) problems.push(`word ${i + 1} (${texts[i]}) would run out of its list`);
      }
      for (const [i, word] of words.entries()) word.textContent = texts[i] ?? '';
    }
    return problems;
  });
}
