import type { Page } from 'playwright-core';

/** Waits until the shown month's free times are loaded. */
export async function monthLoaded(page: Page): Promise<void> {
  await page.getByText('Loading free times').waitFor({ state: 'detached' });
}

/** Clicks "Next month" until the calendar shows `date` (YYYY-MM-DD), then waits for its times. */
export async function showMonthOf(page: Page, date: string): Promise<void> {
  await page.locator('[data-testid="day"]').first().waitFor();
  for (let clicks = 0; clicks < 13; clicks += 1) {
    if ((await page.locator(`[data-testid="day"][data-date="${date}"]`).count()) > 0) break;
    await page.getByRole('button', { name: 'Next month', exact: true }).click();
  }
  await page.locator(`[data-testid="day"][data-date="${date}"]`).waitFor();
  await monthLoaded(page);
}

/** Chooses a day and answers the texts of its free times, in order. */
export async function timesOf(page: Page, date: string): Promise<string[]> {
  await page.locator(`[data-testid="day"][data-date="${date}"]`).click();
  await page.locator('[data-testid="time"]').first().waitFor();
  return page.locator('[data-testid="time"]').allTextContents();
}
