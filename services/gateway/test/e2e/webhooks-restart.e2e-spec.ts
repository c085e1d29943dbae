import {
  ApiClient,
  Platform,
  WebhookReceiver,
  webhooksEnvForReceivers,
  eventually,
  hostWithRange,
  slotAt,
  uniqueEmail,
} from '@slotbook/testing';

/**
 * SPEC §6a: retries are stored, not timers in memory. The webhooks service is killed (SIGKILL)
 * with deliveries pending; after a restart every pending delivery still happens, and one
 * already recorded as succeeded is not sent again.
 */
describe('webhook deliveries across a crash of the webhooks service', () => {
  let platform: Platform;
  let api: ApiClient;
  const healthy = new WebhookReceiver();
  let failing = true;
  const flaky = new WebhookReceiver(() => (failing ? 503 : 200));

  beforeAll(async () => {
    platform = await new Platform({
      replicas: { webhooks: 1 },
      env: { webhooks: webhooksEnvForReceivers(1500) },
    }).start();
    api = new ApiClient(platform.gatewayUrl);
    await healthy.start();
    await flaky.start();
  });

  afterAll(async () => {
    await healthy.stop();
    await flaky.stop();
    await platform?.stop();
  });

  it('delivers every pending delivery after a restart, and never resends a succeeded one', async () => {
    const host = await hostWithRange(api, { slots: 8 });
    const guest = await api.signUp({ email: uniqueEmail('restart-guest') });
    const hookIds: string[] = [];
    for (const url of [healthy.url, flaky.url]) {
      const created = await api.post('/webhooks', {
        token: host.token,
        body: { url, events: ['booking.created'] },
      });
      expect(created.status).toBe(201);
      hookIds.push(created.body.id);
    }
    const bookings: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const booked = await api.post('/bookings', {
        token: guest.accessToken,
        body: { hostId: host.hostId, startTime: slotAt(host, i) },
      });
      expect(booked.status).toBe(201);
      bookings.push(booked.body.id);
    }
    const bookingsOf = (receiver: WebhookReceiver, answer?: number) =>
      new Set(
        receiver.received
          .filter((d) => answer === undefined || d.answer === answer)
          .map((d) => d.event.data.id as string),
      );
    await healthy.waitFor(() => bookingsOf(healthy).size === 5);
    await flaky.waitFor(() => bookingsOf(flaky).size === 5);
    // What the service has recorded: the healthy receiver's five succeeded, the flaky one's
    // five wait for a retry. (A receipt not yet recorded would be sent again after a crash,
    // as at-least-once delivery allows; the promise is about recorded successes.)
    const log = async (hookId: string) =>
      (await api.get(`/webhooks/${hookId}/deliveries`, { token: host.token })).body.data as Array<{
        status: string;
        attempts: number;
      }>;
    await eventually(async () => {
      expect((await log(hookIds[0])).map((d) => d.status)).toEqual(Array(5).fill('succeeded'));
      const flakyLog = await log(hookIds[1]);
      expect(flakyLog.map((d) => d.status)).toEqual(Array(5).fill('pending'));
      expect(flakyLog.every((d) => d.attempts >= 1)).toBe(true);
    });

    // Killed where it stands, with the flaky receiver's five deliveries waiting for a retry.
    await platform.replicas.webhooks[0].kill();
    failing = false;
    const healthyBefore = healthy.received.length;
    expect(healthyBefore).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await platform.replicas.webhooks[0].start();

    await flaky.waitFor(() => bookingsOf(flaky, 200).size === 5, 20_000);
    expect(bookingsOf(flaky, 200)).toEqual(new Set(bookings));
    // Time for anything wrongly left pending to be sent again: nothing is.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(healthy.received).toHaveLength(5);
    expect(bookingsOf(healthy)).toEqual(new Set(bookings));
    const flakySucceeded = flaky.received.filter((d) => d.answer === 200);
    expect(flakySucceeded).toHaveLength(5);
    await eventually(async () => {
      const hooks = await api.get('/webhooks', { token: host.token });
      for (const hook of hooks.body.data) {
        const log = await api.get(`/webhooks/${hook.id}/deliveries`, { token: host.token });
        expect(log.body.data).toHaveLength(5);
        expect(log.body.data.every((d: { status: string }) => d.status === 'succeeded')).toBe(true);
      }
    });
  });
});
