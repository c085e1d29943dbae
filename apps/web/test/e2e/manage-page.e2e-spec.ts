import type { Browser, Page } from 'playwright-core';
import { ApiClient, Platform, uniqueEmail } from '@slotbook/testing';
import { launchChromium, screenshots, seriousAxeViolations } from './browser';
import { addDays, berlinHost, nextBerlinSpringForward, type BerlinHost } from './fixtures';
import { monthLoaded, timesOf } from './pages';

/**
 * The manage page (SPEC §10): a guest's link shows the booking, moves it with the booking
 * page's calendar and cancels it with a reason; the event type's cancel notice is enforced by
 * the API and said in words.
 */
describe('the manage page', () => {
  let platform: Platform;
  let api: ApiClient;
  let browser: Browser;
  let host: BerlinHost;
  let page: Page;
  const day = addDays(nextBerlinSpringForward(), 5);

  beforeAll(async () => {
    [platform, browser] = await Promise.all([
      new Platform({ env: { gateway: { GUEST_BOOKING_LIMIT_PER_ADDRESS: '1000' } } }).start(),
      launchChromium(),
    ]);
    api = new ApiClient(platform.gatewayUrl);
    host = await berlinHost(api, {
      consult: { title: 'Consultation' },
      // Guests may not cancel or move it within 30 days of its start.
      strict: { title: 'Strict session', minimumCancelNotice: 43200 },
    });
    const context = await browser.newContext({
      timezoneId: 'Europe/Berlin',
      locale: 'en-GB',
      viewport: { width: 1280, height: 800 },
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  /** A guest booking of the event type's first free slot from `from` on; its manage token. */
  async function guestBooking(eventTypeId: string, from: string) {
    const to = new Date(Date.parse(from) + 7 * 24 * 3_600_000).toISOString();
    const slots = await api.get(`/event-types/${eventTypeId}/slots?from=${from}&to=${to}`);
    const startTime: string = slots.body.data[0].startTime;
    const created = await api.post('/bookings', {
      body: {
        eventTypeId,
        startTime,
        guest: { name: 'Greta Guest', email: uniqueEmail('manage'), timeZone: 'Europe/Berlin' },
      },
    });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, token: created.body.manageToken as string, startTime };
  }

  it('reschedules with the calendar, then cancels with a reason', async () => {
    const booking = await guestBooking(host.types.consult, `${day}T00:00:00Z`);
    await page.goto(`${platform.gatewayUrl}/manage/${booking.token}`);
    await page.getByRole('heading', { level: 1, name: 'Consultation' }).waitFor();
    expect(await page.getByTestId('booking-status').textContent()).toBe('Confirmed');
    expect(await page.getByTestId('booking-start').textContent()).toContain('09:00');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'manage-page');

    await page.getByRole('button', { name: 'Reschedule', exact: true }).click();
    await page.locator('[data-testid="day"]').first().waitFor();
    await monthLoaded(page);
    const newDay = addDays(day, 1);
    await timesOf(page, newDay);
    const target = page.locator('[data-testid="time"]', { hasText: '14:00' });
    const newStart = (await target.getAttribute('data-start')) ?? '';
    await target.click();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'manage-reschedule');
    await page.getByRole('button', { name: 'Confirm reschedule' }).click();
    await page.getByText('Rescheduled to').waitFor();
    expect(await page.getByTestId('booking-start').textContent()).toContain('14:00');

    const moved = await api.get(`/manage/${booking.token}`);
    expect(moved.body).toMatchObject({ id: booking.id, status: 'confirmed', sequence: 1 });
    expect(Date.parse(moved.body.startTime)).toBe(Date.parse(newStart));

    await page.getByLabel('Reason for cancelling (optional)').fill('Plans changed');
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    await page.getByText('Cancelled', { exact: true }).waitFor();
    // One element says it, so a lookup by the word alone is not ambiguous.
    expect(await page.getByText('Cancelled').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Cancel booking' }).count()).toBe(0);
    const cancelled = await api.get(`/manage/${booking.token}`);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'Plans changed',
    });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'manage-cancelled');

    // Opened again later, the link still shows the cancelled booking.
    await page.reload();
    await page.getByText('Cancelled', { exact: true }).waitFor();
  });

  it('shows the cancel notice refused by the API in words, and leaves the booking as it was', async () => {
    const soon = new Date(Date.now() + 2 * 24 * 3_600_000).toISOString();
    const booking = await guestBooking(host.types.strict, soon);
    await page.goto(`${platform.gatewayUrl}/manage/${booking.token}`);
    await page.getByRole('heading', { level: 1, name: 'Strict session' }).waitFor();
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('up to 30 days before its start');
    expect(await page.getByTestId('booking-status').textContent()).toBe('Confirmed');
    expect((await api.get(`/manage/${booking.token}`)).body.status).toBe('confirmed');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'manage-cancel-notice');
  });

  it('says in words that an unknown link finds nothing', async () => {
    await page.goto(`${platform.gatewayUrl}/manage/${'x'.repeat(43)}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Booking not found');
    expect(await page.getByRole('alert').textContent()).toContain('unknown or has expired');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
