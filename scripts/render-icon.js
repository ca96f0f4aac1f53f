// @ts-check
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

/**
 * Renders build-resources/icon.svg to build-resources/icon.png (512 x 512, transparent corners) in
 * Debian's Chromium: the packages' icon. Run it after changing the SVG and commit both files.
 */
const svgFile = fileURLToPath(new URL('../build-resources/icon.svg', import.meta.url));
const pngFile = fileURLToPath(new URL('../build-resources/icon.png', import.meta.url));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${readFileSync(svgFile, 'utf8')}</body></html>`);
  await page.locator('svg').screenshot({ path: pngFile, omitBackground: true });
} finally {
  await browser.close();
}
