import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
/** Git-ignored: the screenshots of each page, to look at after a run. */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');
/** Debian's chromium (scripts/test.sh installs it when missing); never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium as CI runs it. Playwright's launch gives each browser a fresh temporary
 * profile (user-data-dir) of its own and removes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

/** Full-page screenshots of the page at a desktop and a phone size; the viewport is restored. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await page.screenshot({
      path: join(SCREENSHOT_DIR, `${name}-${viewport.width}x${viewport.height}.png`),
      fullPage: true,
    });
  }
  if (before) await page.setViewportSize(before);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * axe-core's serious and critical violations on the page as it stands, as readable lines.
 * It is evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  )) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes
          .map((node) => JSON.stringify(node.target))
          .join(', ')}`,
    );
}

/**
 * Presses Tab until the focused element matches `selector` (keyboard only, as a person
 * would); fails after `limit` presses.
 */
export async function tabTo(page: Page, selector: string, limit = 120): Promise<void> {
  for (let presses = 0; presses <= limit; presses += 1) {
    const focused = await page.evaluate(
      `document.activeElement ? document.activeElement.matches(${JSON.stringify(selector)}) : false`,
    );
    if (focused) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`no element matching ${selector} took the focus after ${limit} Tab presses`);
}
