import { WebhookHeader, verifySignature } from '@slotbook/contracts';
import {
  ApiClient,
  Platform,
  WebhookReceiver,
  webhooksEnvForReceivers,
  eventually,
  expectProblem,
  hostWithRange,
  slotAt,
  uniqueEmail,
  type HostFixture,
} from '@slotbook/testing';

/**
 * SPEC §6a end to end: real HTTP receivers on 127.0.0.1 (the platform runs with
 * WEBHOOK_ALLOW_PRIVATE_URLS=true), a short retry schedule, and the feed read while events are
 * being added.
 */
describe('webhooks and the event feed', () => {
  let platform: Platform;
  let api: ApiClient;
  let admin: { accessToken: string };
  let guest: { accessToken: string; user: { id: string } };
  const receivers: WebhookReceiver[] = [];

  async function receiver(answering?: WebhookReceiver['answering']): Promise<WebhookReceiver> {
    const started = await new WebhookReceiver(answering).start();
    receivers.push(started);
    return started;
  }

  async function subscribe(
    token: string,
    url: string,
    events: string[],
  ): Promise<{ id: string; secret: string }> {
    const created = await api.post('/webhooks', { token, body: { url, events } });
    expect(created.status).toBe(201);
    return created.body;
  }

  async function book(host: HostFixture, index: number): Promise<string> {
    const booked = await api.post('/bookings', {
      token: guest.accessToken,
      body: { hostId: host.hostId, startTime: slotAt(host, index) },
    });
    expect(booked.status).toBe(201);
    return booked.body.id;
  }

  beforeAll(async () => {
    platform = await new Platform({
      replicas: { webhooks: 1 },
      env: { webhooks: webhooksEnvForReceivers(300) },
    }).start();
    api = new ApiClient(platform.gatewayUrl);
    admin = await api.login(platform.adminEmail, platform.adminPassword);
    guest = await api.signUp({ email: uniqueEmail('wh-guest') });
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await platform?.stop();
  });

  describe('subscriptions', () => {
    it('a USER may neither subscribe nor read the feed (403)', async () => {
      expectProblem(
        await api.post('/webhooks', {
          token: guest.accessToken,
          body: { url: 'https://example.com/hook', events: ['booking.created'] },
        }),
        403,
      );
      expectProblem(await api.get('/events', { token: guest.accessToken }), 403);
    });

    it('refuses unknown event types and URLs that are not http(s) with 422 naming the field', async () => {
      const host = await hostWithRange(api);
      expectProblem(
        await api.post('/webhooks', {
          token: host.token,
          body: { url: 'https://example.com/hook', events: ['booking.exploded'] },
        }),
        422,
        'events.0',
      );
      expectProblem(
        await api.post('/webhooks', {
          token: host.token,
          body: { url: 'ftp://example.com/hook', events: ['booking.created'] },
        }),
        422,
        'url',
      );
      expectProblem(
        await api.post('/webhooks', { token: host.token, body: { events: ['booking.created'] } }),
        422,
        'url',
      );
      expectProblem(
        await api.get('/events?types=booking.created,nope', { token: host.token }),
        422,
        'types',
      );
    });

    it('shows the secret only on creation and rotation', async () => {
      const host = await hostWithRange(api);
      const hook = await receiver();
      const created = await subscribe(host.token, hook.url, ['booking.created']);
      expect(created.secret).toMatch(/^whsec_/);
      const read = await api.get(`/webhooks/${created.id}`, { token: host.token });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        id: created.id,
        active: true,
        events: ['booking.created'],
      });
      expect(read.text).not.toContain(created.secret);
      expect(read.body.secret).toBeUndefined();
      const listed = await api.get('/webhooks', { token: host.token });
      expect(listed.body.data.map((w: { id: string }) => w.id)).toEqual([created.id]);
      expect(listed.text).not.toContain('whsec_');
      const rotated = await api.post(`/webhooks/${created.id}/rotate-secret`, {
        token: host.token,
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(created.secret);
      const patched = await api.patch(`/webhooks/${created.id}`, {
        token: host.token,
        body: { events: ['booking.created', 'booking.cancelled'], active: false },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ active: false });
      expect(patched.body.events).toEqual(['booking.created', 'booking.cancelled']);
      expect((await api.delete(`/webhooks/${created.id}`, { token: host.token })).status).toBe(204);
      expectProblem(await api.get(`/webhooks/${created.id}`, { token: host.token }), 404);
    });
  });

  describe('delivery', () => {
    it("delivers a booking's events signed, with the headers of SPEC §6a", async () => {
      const host = await hostWithRange(api);
      const hook = await receiver();
      const { id, secret } = await subscribe(host.token, hook.url, [
        'booking.created',
        'booking.cancelled',
      ]);
      const bookingId = await book(host, 0);
      const cancelled = await api.post(`/bookings/${bookingId}/cancel`, {
        token: guest.accessToken,
        body: { reason: 'changed my mind' },
      });
      expect(cancelled.status).toBe(200);
      await hook.waitFor((received) => received.length >= 2);
      const types = hook.received.map((d) => d.event.type).sort();
      expect(types).toEqual(['booking.cancelled', 'booking.created']);
      for (const delivery of hook.received) {
        expect(delivery.headers['content-type']).toBe('application/json');
        expect(delivery.headers['slotbook-event-id']).toBe(delivery.event.id);
        expect(delivery.headers['slotbook-event-type']).toBe(delivery.event.type);
        expect(delivery.headers['slotbook-delivery-id']).toEqual(expect.any(String));
        const header = String(delivery.headers[WebhookHeader.Signature.toLowerCase()]);
        expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        expect(verifySignature(header, secret, delivery.body)).toMatchObject({ valid: true });
        expect(verifySignature(header, 'whsec_wrong', delivery.body).valid).toBe(false);
        expect(delivery.event).toMatchObject({
          version: 1,
          occurredAt: expect.any(String),
          correlationId: expect.any(String),
          data: expect.objectContaining({ id: bookingId, hostId: host.hostId }),
        });
      }
      await eventually(async () => {
        const log = await api.get(`/webhooks/${id}/deliveries?status=succeeded`, {
          token: host.token,
        });
        expect(log.status).toBe(200);
        expect(log.body.data).toHaveLength(2);
        expect(log.body.data[0]).toMatchObject({
          status: 'succeeded',
          attempts: 1,
          lastResponseStatus: 200,
          lastError: null,
          nextAttemptAt: null,
          deliveredAt: expect.any(String),
        });
      });
      const pending = await api.get(`/webhooks/${id}/deliveries?status=pending`, {
        token: host.token,
      });
      expect(pending.body.data).toEqual([]);
    });

    it('signs with both secrets for a day after a rotation', async () => {
      const host = await hostWithRange(api);
      const hook = await receiver();
      const { id, secret: oldSecret } = await subscribe(host.token, hook.url, ['booking.created']);
      const rotated = await api.post(`/webhooks/${id}/rotate-secret`, { token: host.token });
      await book(host, 0);
      await hook.waitFor((received) => received.length >= 1);
      const delivery = hook.received[0];
      const header = String(delivery.headers['slotbook-signature']);
      expect(header.match(/v1=/g)).toHaveLength(2);
      expect(verifySignature(header, oldSecret, delivery.body).valid).toBe(true);
      expect(verifySignature(header, rotated.body.secret, delivery.body).valid).toBe(true);
    });

    it('a receiver that fails twice gets the event on the third attempt', async () => {
      const host = await hostWithRange(api);
      const hook = await receiver(({ n }) => (n <= 2 ? 500 : 200));
      const { id } = await subscribe(host.token, hook.url, ['booking.created']);
      const bookingId = await book(host, 0);
      await hook.waitFor((received) => received.length >= 3);
      expect(hook.received.map((d) => d.answer)).toEqual([500, 500, 200]);
      expect(new Set(hook.received.map((d) => d.headers['slotbook-delivery-id'])).size).toBe(1);
      expect(hook.received.every((d) => d.event.data.id === bookingId)).toBe(true);
      await eventually(async () => {
        const log = await api.get(`/webhooks/${id}/deliveries`, { token: host.token });
        expect(log.body.data).toEqual([
          expect.objectContaining({ status: 'succeeded', attempts: 3, lastResponseStatus: 200 }),
        ]);
      });
    });

    it('a 410 Gone deactivates the subscription', async () => {
      const host = await hostWithRange(api);
      const hook = await receiver(() => 410);
      const { id } = await subscribe(host.token, hook.url, ['booking.created']);
      await book(host, 0);
      await eventually(async () => {
        const read = await api.get(`/webhooks/${id}`, { token: host.token });
        expect(read.body.active).toBe(false);
      });
      const log = await api.get(`/webhooks/${id}/deliveries`, { token: host.token });
      expect(log.body.data[0]).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastResponseStatus: 410,
      });
      // Sending now to an inactive subscription is refused, and the log is left as it was.
      const failed = log.body.data[0];
      expectProblem(await api.post(`/webhooks/${id}/ping`, { token: host.token }), 409);
      expectProblem(
        await api.post(`/webhooks/${id}/deliveries/${failed.id}/redeliver`, { token: host.token }),
        409,
      );
      const after = await api.get(`/webhooks/${id}/deliveries`, { token: host.token });
      expect(after.body.data).toEqual(log.body.data);
      await book(host, 1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(hook.received).toHaveLength(1);
    });

    it('a receiver that hangs does not delay the deliveries of another subscription', async () => {
      const host = await hostWithRange(api, { slots: 12 });
      const hanging = await receiver(() => 'hang');
      const fast = await receiver();
      await subscribe(host.token, hanging.url, ['booking.created']);
      await subscribe(host.token, fast.url, ['booking.created']);
      const started = Date.now();
      for (let i = 0; i < 10; i += 1) await book(host, i);
      await fast.waitFor((received) => received.length >= 10, 5_000);
      // Every booking reached the fast receiver long before the hanging one's 10 s timeout.
      expect(Math.max(...fast.received.map((d) => d.receivedAt)) - started).toBeLessThan(8_000);
      expect(hanging.received.length).toBeGreaterThan(0);
      expect(hanging.received.every((d) => d.answer === 'hang')).toBe(true);
    });

    it('does not follow redirects', async () => {
      const host = await hostWithRange(api);
      const redirecting = await receiver(() => 302);
      const { id } = await subscribe(host.token, redirecting.url, ['booking.created']);
      await book(host, 0);
      await eventually(async () => {
        const log = await api.get(`/webhooks/${id}/deliveries`, { token: host.token });
        expect(log.body.data[0]).toMatchObject({
          status: 'pending',
          lastResponseStatus: 302,
          lastError: 'the receiver answered 302',
        });
      });
    });

    it('pings, and delivers again on request (202)', async () => {
      const host = await hostWithRange(api);
      const hook = await receiver();
      const { id, secret } = await subscribe(host.token, hook.url, ['booking.created']);
      const ping = await api.post(`/webhooks/${id}/ping`, { token: host.token });
      expect(ping.status).toBe(202);
      await hook.waitFor((received) => received.length >= 1);
      expect(hook.received[0].event).toMatchObject({ type: 'ping', data: { webhookId: id } });
      expect(
        verifySignature(
          String(hook.received[0].headers['slotbook-signature']),
          secret,
          hook.received[0].body,
        ).valid,
      ).toBe(true);
      await book(host, 0);
      await hook.waitFor((received) => received.length >= 2);
      const deliveryId = String(hook.received[1].headers['slotbook-delivery-id']);
      await eventually(async () => {
        const log = await api.get(`/webhooks/${id}/deliveries?status=succeeded`, {
          token: host.token,
        });
        expect(log.body.data.map((d: { id: string }) => d.id)).toContain(deliveryId);
      });
      const again = await api.post(`/webhooks/${id}/deliveries/${deliveryId}/redeliver`, {
        token: host.token,
      });
      expect(again.status).toBe(202);
      await hook.waitFor((received) => received.length >= 3);
      expect(hook.received[2].headers['slotbook-delivery-id']).toBe(deliveryId);
      expect(hook.received[2].event.id).toBe(hook.received[1].event.id);
      expectProblem(
        await api.post(`/webhooks/${id}/deliveries/nope/redeliver`, { token: host.token }),
        404,
      );
    });
  });

  describe('isolation between hosts', () => {
    it("a HOST never receives or reads another host's events", async () => {
      const hostA = await hostWithRange(api);
      const hostB = await hostWithRange(api);
      const hookA = await receiver();
      const hookB = await receiver();
      const events = [
        'booking.created',
        'booking.cancelled',
        'availability.created',
        'user.updated',
      ];
      const a = await subscribe(hostA.token, hookA.url, events);
      const b = await subscribe(hostB.token, hookB.url, events);
      const adminHook = await receiver();
      await subscribe(admin.accessToken, adminHook.url, ['booking.created']);
      const bookingA = await book(hostA, 0);
      const bookingB = await book(hostB, 0);
      await hookA.waitFor((received) => received.length >= 1);
      await hookB.waitFor((received) => received.length >= 1);
      await adminHook.waitFor(
        (received) =>
          received.some((d) => d.event.data.id === bookingA) &&
          received.some((d) => d.event.data.id === bookingB),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(hookA.received.map((d) => d.event.data.id)).toEqual([bookingA]);
      expect(hookB.received.map((d) => d.event.data.id)).toEqual([bookingB]);

      // The feed: each host sees its own records only; the admin sees both.
      await eventually(async () => {
        const feedA = await api.get('/events?limit=100', { token: hostA.token });
        expect(feedA.status).toBe(200);
        const ids = feedA.body.data.map((e: { data: { id: string } }) => e.data.id);
        expect(ids).toContain(bookingA);
        expect(ids).not.toContain(bookingB);
        expect(ids).toContain(hostA.rangeId);
        expect(
          feedA.body.data.every(
            (e: { type: string; data: { id: string; hostId?: string } }) =>
              e.data.hostId === hostA.hostId ||
              (e.type.startsWith('user.') && e.data.id === hostA.hostId),
          ),
        ).toBe(true);
      });
      await eventually(async () => {
        // The broker's exchanges may carry other platforms' events too: the admin sees them all.
        const ids: string[] = [];
        let after = '';
        for (;;) {
          const all = await api.get(`/events?types=booking.created&limit=100${after}`, {
            token: admin.accessToken,
          });
          expect(all.status).toBe(200);
          ids.push(...all.body.data.map((e: { data: { id: string } }) => e.data.id));
          if (all.body.data.length === 0) break;
          after = `&after=${encodeURIComponent(all.body.nextCursor)}`;
        }
        expect(ids).toEqual(expect.arrayContaining([bookingA, bookingB]));
        expect(new Set(ids).size).toBe(ids.length);
      });

      // Another host's subscription is a 404, whatever is asked of it.
      expectProblem(await api.get(`/webhooks/${b.id}`, { token: hostA.token }), 404);
      expectProblem(await api.get(`/webhooks/${b.id}/deliveries`, { token: hostA.token }), 404);
      expectProblem(
        await api.patch(`/webhooks/${b.id}`, { token: hostA.token, body: { url: hookA.url } }),
        404,
      );
      expectProblem(await api.post(`/webhooks/${b.id}/ping`, { token: hostA.token }), 404);
      expectProblem(await api.post(`/webhooks/${b.id}/rotate-secret`, { token: hostA.token }), 404);
      expectProblem(await api.delete(`/webhooks/${b.id}`, { token: hostA.token }), 404);
      const listA = await api.get('/webhooks', { token: hostA.token });
      expect(listA.body.data.map((w: { id: string }) => w.id)).toEqual([a.id]);
      const asAdmin = await api.get(`/webhooks/${b.id}`, { token: admin.accessToken });
      expect(asAdmin.status).toBe(200);
    });
  });

  describe('the feed', () => {
    it('pages without gaps or repeats while events are being added, in the order recorded', async () => {
      const host = await hostWithRange(api, { slots: 40 });
      const start = await api.get('/events?types=booking.created&limit=100', {
        token: host.token,
      });
      expect(start.status).toBe(200);
      let cursor: string = start.body.nextCursor;
      const seen: string[] = [];
      const created: string[] = [];
      let writing = true;
      const writer = (async () => {
        for (let i = 0; i < 30; i += 1) created.push(await book(host, i));
        writing = false;
      })();
      const readPage = async () => {
        const page = await api.get(
          `/events?types=booking.created&limit=4&after=${encodeURIComponent(cursor)}`,
          { token: host.token },
        );
        expect(page.status).toBe(200);
        expect(page.body.nextCursor).toEqual(expect.any(String));
        seen.push(...page.body.data.map((e: { data: { id: string } }) => e.data.id));
        cursor = page.body.nextCursor;
        return page.body.data.length;
      };
      while (writing) {
        await readPage();
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      await writer;
      await eventually(async () => {
        while ((await readPage()) > 0);
        expect(new Set(seen).size).toBe(created.length);
      });
      expect(seen).toHaveLength(created.length);
      expect(new Set(seen)).toEqual(new Set(created));
      // One read from the start gives the same order the pages gave.
      const whole = await api.get('/events?types=booking.created&limit=100', { token: host.token });
      expect(whole.body.data.map((e: { data: { id: string } }) => e.data.id)).toEqual(seen);
      // A cursor is the reader's own.
      expectProblem(
        await api.get(`/events?after=${encodeURIComponent(cursor)}`, { token: admin.accessToken }),
        422,
        'after',
      );
    });
  });
});
