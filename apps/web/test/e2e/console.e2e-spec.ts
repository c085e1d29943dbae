import type { Browser, Page } from 'playwright-core';
import { ApiClient, Platform, uniqueEmail } from '@slotbook/testing';
import { launchChromium, screenshots, seriousAxeViolations } from './browser';
import { addDays, berlinHost, nextBerlinSpringForward } from './fixtures';

/**
 * The signed-in pages (SPEC §10): sign-in, the admin console (users, bookings, audit trail)
 * and a host's /app; and how the gateway serves the pages beside the API.
 */
const LOGIN_LIMIT = 3;

describe('the admin console and the host view', () => {
  let platform: Platform;
  let api: ApiClient;
  let browser: Browser;

  beforeAll(async () => {
    [platform, browser] = await Promise.all([
      new Platform({ env: { gateway: { LOGIN_LIMIT_PER_ACCOUNT: String(LOGIN_LIMIT) } } }).start(),
      launchChromium(),
    ]);
    api = new ApiClient(platform.gatewayUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      timezoneId: 'Europe/Berlin',
      locale: 'en-GB',
      viewport: { width: 1280, height: 800 },
    });
    return context.newPage();
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('serves the pages on the API origin with a policy of their own; the API answers as before', async () => {
    for (const path of ['/', '/book/abc', '/manage/xyz', '/app', '/admin']) {
      const response = await fetch(`${platform.gatewayUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-type')).toContain('text/html');
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('upgrade-insecure-requests');
      const html = await response.text();
      const bundle = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(bundle).toBeDefined();
      const script = await fetch(`${platform.gatewayUrl}${bundle}`);
      expect(script.status).toBe(200);
      expect(script.headers.get('cache-control')).toContain('immutable');
    }
    const unknownRoute = await api.get('/no-such-route');
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.headers.get('content-type')).toContain('application/problem+json');
    const unknownAsset = await fetch(`${platform.gatewayUrl}/assets/missing.js`);
    expect(unknownAsset.status).toBe(404);
    expect((await fetch(`${platform.gatewayUrl}/book/a/b`)).status).toBe(404);
  });

  it('signs in, tells a wrong password in words, and lets an ADMIN deactivate a user whom the audit trail then shows', async () => {
    const member = await api.signUp({ email: uniqueEmail('web-member'), name: 'Mia Member' });
    const other = await api.signUp({ email: uniqueEmail('web-other'), name: 'Otto Other' });
    const page = await newPage();
    await page.goto(`${platform.gatewayUrl}/admin`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'sign-in');

    await signIn(page, platform.adminEmail, 'not-the-password');
    expect(await page.getByRole('alert').textContent()).toContain('Unauthorized');
    await signIn(page, platform.adminEmail, platform.adminPassword);
    await page.getByRole('heading', { level: 1, name: 'Admin console' }).waitFor();

    const row = page.locator(`[data-testid="user-row"][data-email="${member.user.email}"]`);
    await row.waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByRole('button', { name: 'Reactivate' }).waitFor();
    expect(await row.textContent()).toContain('Deactivated');
    expect(
      (
        await api.post('/auth/login', {
          body: { email: member.user.email, password: member.password },
        })
      ).status,
    ).toBe(401);

    // The trail is written from the user.deactivated event a moment later; the page looks again.
    await page.locator('[data-testid="audit-row"][data-action="user.deactivated"]').waitFor({
      timeout: 15_000,
    });
    const entries = await api.get(
      `/admin/audit?action=user.deactivated&entityId=${member.user.id}`,
      {
        token: (await api.login(platform.adminEmail, platform.adminPassword)).accessToken,
      },
    );
    expect(entries.body.data).toHaveLength(1);
    await screenshots(page, 'admin-console');

    // Filters: only deactivated users.
    await page.getByLabel('Filter by status').selectOption('false');
    await page.locator('[data-testid="user-row"]').first().waitFor();
    expect(
      await page
        .locator('[data-testid="user-row"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-email'))),
    ).toEqual([member.user.email]);
    await page.getByLabel('Filter by status').selectOption('');

    // Role change and reactivation.
    const otherRow = page.locator(`[data-testid="user-row"][data-email="${other.user.email}"]`);
    await otherRow.getByLabel(`Role of ${other.user.email}`).selectOption('HOST');
    await page.waitForResponse((response) => response.url().includes('/admin/users/'));
    await row.getByRole('button', { name: 'Reactivate' }).click();
    await row.getByRole('button', { name: 'Deactivate' }).waitFor();
    expect((await api.login(member.user.email, member.password)).accessToken).toBeDefined();
    const relogged = await api.login(other.user.email, other.password);
    const me = await api.get('/users/me', { token: relogged.accessToken });
    expect(me.body.role).toBe('HOST');

    // An audit filter the API refuses is said beside its field.
    await page.getByLabel('Audit from').fill('2026-12-06');
    await page.getByLabel('Audit until').fill('2026-12-01');
    await page.getByRole('button', { name: 'Filter audit trail' }).click();
    await page.locator('.panel [role="alert"]').first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('says how long to wait once an account had too many failed logins (429)', async () => {
    const member = await api.signUp({ email: uniqueEmail('web-locked') });
    const page = await newPage();
    await page.goto(`${platform.gatewayUrl}/app`);
    for (let attempt = 0; attempt < LOGIN_LIMIT; attempt += 1) {
      await signIn(page, member.user.email, `wrong-password-${attempt}`);
      await page.getByRole('alert').filter({ hasText: 'Unauthorized' }).waitFor();
    }
    await signIn(page, member.user.email, member.password);
    const alert = page.getByRole('alert').filter({ hasText: 'Too Many Requests' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Please wait \d+ (seconds|minutes) and try again/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'sign-in-429');
  });

  it("shows a host its bookings from a week ago on, confirms a pending one and copies a type's link", async () => {
    const host = await berlinHost(api, {
      review: { title: 'Review', requiresConfirmation: true },
    });
    const start = addDays(nextBerlinSpringForward(), 7);
    const slots = await api.get(
      `/event-types/${host.types.review}/slots?from=${start}T00:00:00Z&to=${start}T23:59:00Z`,
    );
    const created = await api.post('/bookings', {
      body: {
        eventTypeId: host.types.review,
        startTime: slots.body.data[0].startTime,
        guest: { name: 'Petra Pending', email: uniqueEmail('pending') },
      },
    });
    expect(created.body.status).toBe('pending');
    const hostEmail = (await api.get('/users/me', { token: host.token })).body.email;

    const page = await newPage();
    await page.goto(`${platform.gatewayUrl}/app`);
    await signIn(page, hostEmail, 'correct-horse-battery');
    const row = page.locator(`[data-testid="booking-row"][data-id="${created.body.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('pending');
    expect(await row.textContent()).toContain('Petra Pending');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'host-app');

    await row.getByRole('button', { name: 'Confirm' }).click();
    await page
      .locator(`[data-testid="booking-row"][data-id="${created.body.id}"][data-status="confirmed"]`)
      .waitFor();
    expect((await api.get(`/bookings/${created.body.id}`, { token: host.token })).body.status).toBe(
      'confirmed',
    );

    await page.getByRole('button', { name: 'Copy booking link of Review' }).click();
    expect(await page.getByRole('status').last().textContent()).toContain(
      `/book/${host.types.review}`,
    );
  });
});
