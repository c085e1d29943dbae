import ICAL from 'ical.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiClient, Platform, uniqueEmail } from '@slotbook/testing';
import { launchChromium, screenshots, seriousAxeViolations, tabTo } from './browser';
import { addDays, berlinHost, nextBerlinSpringForward, type BerlinHost } from './fixtures';
import { showMonthOf, timesOf } from './pages';

/**
 * The booking page (SPEC §10) in a real Chromium: a guest books a public event type of a
 * Europe/Berlin host from New York across Berlin's spring-forward, two guests race for one
 * time, and a keyboard alone books.
 */
describe('the booking page', () => {
  let platform: Platform;
  let api: ApiClient;
  let browser: Browser;
  let host: BerlinHost;
  const springForward = nextBerlinSpringForward();
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [platform, browser] = await Promise.all([
      new Platform({ env: { gateway: { GUEST_BOOKING_LIMIT_PER_ADDRESS: '1000' } } }).start(),
      launchChromium(),
    ]);
    api = new ApiClient(platform.gatewayUrl);
    host = await berlinHost(api, {
      intro: {
        title: 'Intro call',
        description: 'Thirty minutes to see whether we fit.',
        bookingFields: [
          { slug: 'topic', label: 'Topic', type: 'text', required: true },
          { slug: 'size', label: 'Company size', type: 'select', options: ['1-10', '11-100'] },
        ],
      },
    });
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await platform?.stop();
  });

  async function guestPage(timezoneId: string): Promise<Page> {
    const context = await browser.newContext({
      timezoneId,
      locale: 'en-US',
      viewport: { width: 1280, height: 800 },
    });
    contexts.push(context);
    return context.newPage();
  }

  async function fillGuest(page: Page, name: string, topic: string): Promise<string> {
    const email = uniqueEmail('web-guest');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Topic').fill(topic);
    return email;
  }

  it('books from New York across Berlin spring-forward; page, API and .ics agree on the instant', async () => {
    const page = await guestPage('America/New_York');
    const slotRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/slots?')) slotRequests.push(request.url());
    });
    await page.goto(`${platform.gatewayUrl}/book/${host.types.intro}`);
    await page.getByRole('heading', { level: 1, name: 'Intro call' }).waitFor();
    await page.getByText(host.name).waitFor();
    await page.getByText('30 minutes').waitFor();
    expect(await page.getByLabel('Time zone').inputValue()).toBe('America/New_York');

    await showMonthOf(page, springForward);
    // One request per month shown, none per day.
    const monthsShown = slotRequests.length;
    expect(monthsShown).toBeGreaterThanOrEqual(1);

    // Berlin's 09:00 is 04:00 in New York the day before, 03:00 once Berlin is on summer time.
    expect((await timesOf(page, addDays(springForward, -1)))[0]).toBe('04:00');
    const times = await timesOf(page, springForward);
    expect(times[0]).toBe('03:00');
    expect(times).toHaveLength(16);
    const first = page.locator('[data-testid="time"]').first();
    const start = await first.getAttribute('data-start');
    expect(start && new Date(start).toISOString()).toBe(`${springForward}T07:00:00.000Z`);

    // Another zone re-lists the same window's times without asking again.
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    expect((await timesOf(page, springForward))[0]).toBe('09:00');
    // Tokyo (UTC+9) that date: the end of Berlin's day before, then Berlin's 09:00 at 16:00.
    await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
    expect((await timesOf(page, springForward)).slice(0, 3)).toEqual(['00:00', '00:30', '16:00']);
    await page.getByLabel('Time zone').selectOption('America/New_York');
    expect((await timesOf(page, springForward))[0]).toBe('03:00');
    expect(slotRequests).toHaveLength(monthsShown);

    await first.click();
    await fillGuest(page, 'Nora York', 'Roof repair');
    await page.getByLabel('Company size').selectOption('11-100');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'booking-page');

    await page.getByRole('button', { name: 'Confirm booking' }).click();
    const confirmed = page.getByTestId('booking-confirmed');
    await confirmed.waitFor();
    const text = await confirmed.textContent();
    const longDate = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'UTC',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }).format(new Date(`${springForward}T12:00:00Z`));
    expect(text).toContain(longDate);
    expect(await confirmed.locator('time').getAttribute('datetime')).toBe(start);
    expect(text).toContain('03:00');
    expect(text).toContain('America/New_York');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'booking-confirmed');

    const manageHref = await confirmed
      .getByRole('link', { name: 'Manage booking' })
      .getAttribute('href');
    const icsHref = await confirmed
      .getByRole('link', { name: 'Add to calendar' })
      .getAttribute('href');
    const token = /^\/manage\/([A-Za-z0-9_-]{43,})$/.exec(manageHref ?? '')?.[1];
    expect(token).toBeDefined();
    expect(icsHref).toBe(`/api/v1/manage/${token}/ics`);

    const managed = await api.get(`/manage/${token}`);
    expect(managed.status).toBe(200);
    expect(managed.body).toMatchObject({
      eventTypeId: host.types.intro,
      status: 'confirmed',
      guest: { name: 'Nora York', timeZone: 'America/New_York' },
      responses: { topic: 'Roof repair', size: '11-100' },
    });
    expect(Date.parse(managed.body.startTime)).toBe(Date.parse(start!));

    const ics = await fetch(`${platform.gatewayUrl}${icsHref}`);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const event = new ICAL.Component(ICAL.parse(await ics.text())).getFirstSubcomponent('vevent');
    const dtstart = event?.getFirstPropertyValue('dtstart') as ICAL.Time;
    expect(dtstart.toJSDate().getTime()).toBe(Date.parse(start!));

    // The booked time is no longer offered.
    await page.goto(`${platform.gatewayUrl}/book/${host.types.intro}`);
    await showMonthOf(page, springForward);
    await timesOf(page, springForward);
    expect(await page.locator(`[data-testid="time"][data-start="${start}"]`).count()).toBe(0);
  });

  it('lets one of two guests racing for a time book it; the other is told and sees the day again', async () => {
    const date = addDays(springForward, 2);
    const pages = await Promise.all([guestPage('Europe/Berlin'), guestPage('Europe/Berlin')]);
    let start = '';
    for (const [index, page] of pages.entries()) {
      await page.goto(`${platform.gatewayUrl}/book/${host.types.intro}`);
      await showMonthOf(page, date);
      await timesOf(page, date);
      const first = page.locator('[data-testid="time"]').first();
      start = (await first.getAttribute('data-start')) ?? '';
      await first.click();
      await fillGuest(page, `Racer ${index + 1}`, 'Who is first');
    }
    await Promise.all(
      pages.map((page) => page.getByRole('button', { name: 'Confirm booking' }).click()),
    );
    const outcomes = await Promise.all(
      pages.map(async (page) => {
        await page.locator('[data-testid="booking-confirmed"], [role="alert"]').first().waitFor();
        return (await page.getByTestId('booking-confirmed').count()) > 0 ? 'booked' : 'told';
      }),
    );
    expect([...outcomes].sort()).toEqual(['booked', 'told']);

    const loser = pages[outcomes.indexOf('told')];
    expect(await loser.getByRole('alert').textContent()).toContain('booked by someone else');
    await loser.locator('[data-testid="time"]').first().waitFor();
    expect(await loser.locator(`[data-testid="time"][data-start="${start}"]`).count()).toBe(0);
    expect(await loser.locator('[data-testid="time"]').count()).toBe(15);
    expect(await seriousAxeViolations(loser)).toEqual([]);
    await screenshots(loser, 'booking-slot-taken');

    const held = await api.get(
      `/bookings?hostId=${host.hostId}&from=${start}&to=${new Date(Date.parse(start) + 60_000).toISOString()}`,
      { token: host.token },
    );
    expect(held.body.data.filter((b: { status: string }) => b.status !== 'cancelled')).toHaveLength(
      1,
    );
  });

  it('books with the keyboard alone', async () => {
    const date = addDays(springForward, 3);
    const page = await guestPage('Europe/Berlin');
    await page.goto(`${platform.gatewayUrl}/book/${host.types.intro}`);
    await page.locator('[data-testid="day"]').first().waitFor();

    await tabTo(page, 'button[aria-label="Next month"]');
    while ((await page.locator(`[data-testid="day"][data-date="${date}"]`).count()) === 0)
      await page.keyboard.press('Enter');
    await page.getByText('Loading free times').waitFor({ state: 'detached' });
    await tabTo(page, `[data-testid="day"][data-date="${date}"]`, 200);
    await page.keyboard.press('Enter');
    await tabTo(page, '[data-testid="time"]');
    const start = await page.evaluate('document.activeElement.getAttribute("data-start")');
    await page.keyboard.press('Enter');
    await tabTo(page, '#guest-name');
    await page.keyboard.type('Kim Keys');
    await tabTo(page, '#guest-email');
    await page.keyboard.type(uniqueEmail('keys'));
    await tabTo(page, '#question-topic');
    await page.keyboard.type('Only keys');
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');

    await page.getByTestId('booking-confirmed').waitFor();
    // The confirmation takes the focus, so a screen reader reads it out.
    expect(await page.evaluate('document.activeElement.getAttribute("data-testid")')).toBe(
      'booking-confirmed',
    );
    const booked = await api.get(`/bookings?hostId=${host.hostId}&limit=100`, {
      token: host.token,
    });
    expect(
      booked.body.data.some(
        (b: { startTime: string; guest: { name: string } | null }) =>
          Date.parse(b.startTime) === Date.parse(String(start)) && b.guest?.name === 'Kim Keys',
      ),
    ).toBe(true);
  });

  it('shows each field error beside its field', async () => {
    const page = await guestPage('Europe/Berlin');
    await page.goto(`${platform.gatewayUrl}/book/${host.types.intro}`);
    await showMonthOf(page, addDays(springForward, 4));
    await timesOf(page, addDays(springForward, 4));
    await page.locator('[data-testid="time"]').first().click();
    await page.getByLabel('Name', { exact: true }).fill('No Mail');
    await page.getByLabel('Email', { exact: true }).fill('not-an-email');
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await page.getByRole('alert').waitFor();
    const email = page.getByLabel('Email', { exact: true });
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    const emailError = await email.getAttribute('aria-describedby');
    expect(await page.locator(`#${emailError}`).textContent()).not.toBe('');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'booking-field-errors');

    // The answers are checked against the event type's questions once the request is whole.
    await email.fill(uniqueEmail('mail'));
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    const topic = page.getByLabel('Topic');
    await page.locator('#question-topic[aria-invalid="true"]').waitFor();
    expect(await email.getAttribute('aria-invalid')).toBeNull();
    const topicError = await topic.getAttribute('aria-describedby');
    expect(await page.locator(`#${topicError}`).textContent()).not.toBe('');
    expect(await page.getByTestId('booking-confirmed').count()).toBe(0);
  });

  it('says in words when the event type cannot be booked', async () => {
    const page = await guestPage('Europe/Berlin');
    await page.goto(`${platform.gatewayUrl}/book/no-such-event-type`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Booking page unavailable',
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
