import { BOOKING_EXCHANGE, verifySignature } from '@slotbook/contracts';
import {
  ApiClient,
  EventRecorder,
  Platform,
  WebhookReceiver,
  webhooksEnvForReceivers,
  eventually,
  hostWithRange,
  slotAt,
  uniqueEmail,
  type ReceivedDelivery,
} from '@slotbook/testing';

const BOOKINGS = 20;
const BATCH = 5;

/** The webhook attempts a replica made, by outcome, from its `/metrics`. */
async function attemptsOf(metricsUrl: string): Promise<Record<string, number>> {
  const metrics = await (await fetch(metricsUrl)).text();
  const attempts: Record<string, number> = {};
  for (const line of metrics.split('\n')) {
    const match = /^slotbook_webhook_attempts_total\{outcome="(\w+)"\} (\d+)/.exec(line);
    if (match) attempts[match[1]] = Number(match[2]);
  }
  return attempts;
}

/** A receiver's receipts, per event id, in the order they came. */
function byEvent(received: ReceivedDelivery[]): Map<string, ReceivedDelivery[]> {
  const events = new Map<string, ReceivedDelivery[]>();
  for (const delivery of received)
    events.set(delivery.event.id, [...(events.get(delivery.event.id) ?? []), delivery]);
  return events;
}

/**
 * SPEC §6a with two replicas of the webhooks service competing: they take events from one
 * shared queue and claim stored retries by compare-and-set, yet every delivery is attempted
 * as if there were one: a first attempt once per event, a retry once per failed attempt.
 */
describe('webhook deliveries with two competing replicas of the webhooks service', () => {
  let platform: Platform;
  let api: ApiClient;
  /** What the booking service published (at least once): to explain a duplicate, if any. */
  let published: EventRecorder;
  const healthy = new WebhookReceiver();
  /** Requests per event id: the first one of each event is refused with 503. */
  const flakySeen = new Map<string, number>();
  const flaky = new WebhookReceiver(({ event }) => {
    const id = String(event?.id);
    const n = (flakySeen.get(id) ?? 0) + 1;
    flakySeen.set(id, n);
    return n === 1 ? 503 : 200;
  });

  beforeAll(async () => {
    platform = await new Platform({
      replicas: { webhooks: 2 },
      env: { webhooks: webhooksEnvForReceivers(1500) },
    }).start();
    api = new ApiClient(platform.gatewayUrl);
    published = await new EventRecorder().start([
      { exchange: BOOKING_EXCHANGE, pattern: 'booking.created' },
    ]);
    await healthy.start();
    await flaky.start();
  });

  afterAll(async () => {
    await published?.stop();
    await healthy.stop();
    await flaky.stop();
    await platform?.stop();
  });

  it('delivers each event once to a healthy receiver, and retries a refused one exactly once', async () => {
    expect(platform.replicas.webhooks).toHaveLength(2);
    const host = await hostWithRange(api, { slots: BOOKINGS });
    const guest = await api.signUp({ email: uniqueEmail('replicas-guest') });
    const hooks: Array<{ id: string; secret: string }> = [];
    for (const url of [healthy.url, flaky.url]) {
      const created = await api.post('/webhooks', {
        token: host.token,
        body: { url, events: ['booking.created'] },
      });
      expect(created.status).toBe(201);
      hooks.push(created.body);
    }
    const [healthyHook, flakyHook] = hooks;

    // Bookings in batches made at once, so both replicas get events at the same time.
    const bookings: string[] = [];
    for (let from = 0; from < BOOKINGS; from += BATCH) {
      const batch = await Promise.all(
        Array.from({ length: BATCH }, (_, i) =>
          api.post('/bookings', {
            token: guest.accessToken,
            body: { hostId: host.hostId, startTime: slotAt(host, from + i) },
          }),
        ),
      );
      for (const booked of batch) {
        expect(booked.status).toBe(201);
        bookings.push(booked.body.id);
      }
    }
    expect(new Set(bookings).size).toBe(BOOKINGS);

    const eventIds = (received: ReceivedDelivery[]) =>
      new Set(received.map((d) => d.event.id as string));
    const bookingIds = (received: ReceivedDelivery[]) =>
      new Set(received.map((d) => d.event.data.id as string));
    await healthy.waitFor((received) => eventIds(received).size >= BOOKINGS);
    await flaky.waitFor(
      (received) => eventIds(received.filter((d) => d.answer === 200)).size >= BOOKINGS,
    );
    // Time for a duplicate, or a retry claimed twice, to arrive: none does.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // Each event the number of times it should have come, else what came and how often the
    // booking service published it (at least once is its promise; de-duplicating is ours).
    const offCount = (receiver: WebhookReceiver, expected: number) =>
      [...byEvent(receiver.received)]
        .filter(([, receipts]) => receipts.length !== expected)
        .map(([eventId, receipts]) => ({
          eventId,
          answers: receipts.map((d) => d.answer),
          published: published.matching((e) => e.envelope.id === eventId).length,
        }));
    expect(offCount(healthy, 1)).toEqual([]);
    expect(offCount(flaky, 2)).toEqual([]);

    // The healthy receiver: every booking's event once, and nothing else.
    expect(healthy.received).toHaveLength(BOOKINGS);
    expect(eventIds(healthy.received).size).toBe(BOOKINGS);
    expect(bookingIds(healthy.received)).toEqual(new Set(bookings));
    expect(healthy.received.every((d) => d.event.type === 'booking.created')).toBe(true);
    expect(healthy.received.every((d) => d.answer === 200)).toBe(true);

    // The flaky receiver: every event twice, a 503 then a 200, one delivery id for both.
    expect(flaky.received).toHaveLength(2 * BOOKINGS);
    expect(bookingIds(flaky.received)).toEqual(new Set(bookings));
    expect(eventIds(flaky.received)).toEqual(eventIds(healthy.received));
    for (const [, receipts] of byEvent(flaky.received)) {
      expect(receipts.map((d) => d.answer)).toEqual([503, 200]);
      expect(receipts[0].headers['slotbook-delivery-id']).toEqual(expect.any(String));
      expect(receipts[1].headers['slotbook-delivery-id']).toBe(
        receipts[0].headers['slotbook-delivery-id'],
      );
      // The retry waited for the schedule (1.5 s, jittered by ±20 %).
      expect(receipts[1].receivedAt - receipts[0].receivedAt).toBeGreaterThanOrEqual(1_000);
    }

    // Every receipt is signed with its subscription's secret, whichever replica sent it.
    for (const [receiver, hook] of [
      [healthy, healthyHook],
      [flaky, flakyHook],
    ] as const) {
      for (const delivery of receiver.received) {
        const header = String(delivery.headers['slotbook-signature']);
        expect(verifySignature(header, hook.secret, delivery.body).valid).toBe(true);
      }
    }

    // The delivery log agrees: all succeeded, in one attempt or in two.
    const log = async (hookId: string) => {
      const page = await api.get(`/webhooks/${hookId}/deliveries?limit=100`, {
        token: host.token,
      });
      expect(page.status).toBe(200);
      expect(page.body.nextCursor).toBeNull();
      return page.body.data as Array<{
        eventId: string;
        status: string;
        attempts: number;
        lastResponseStatus: number | null;
      }>;
    };
    await eventually(async () => {
      for (const [hookId, receiver, attempts] of [
        [healthyHook.id, healthy, 1],
        [flakyHook.id, flaky, 2],
      ] as const) {
        const entries = await log(hookId);
        expect(entries).toHaveLength(BOOKINGS);
        expect(new Set(entries.map((d) => d.eventId))).toEqual(eventIds(receiver.received));
        for (const entry of entries)
          expect(entry).toMatchObject({ status: 'succeeded', attempts, lastResponseStatus: 200 });
      }
    });

    // Both replicas took part, and together made exactly the attempts the receivers saw.
    const perReplica = await Promise.all(
      platform.replicas.webhooks.map((replica) => attemptsOf(replica.metricsUrl)),
    );
    const total = (outcome: string) =>
      perReplica.reduce((sum, attempts) => sum + (attempts[outcome] ?? 0), 0);
    expect(total('succeeded')).toBe(2 * BOOKINGS);
    expect(total('retry')).toBe(BOOKINGS);
    expect(total('failed')).toBe(0);
    for (const attempts of perReplica)
      expect((attempts.succeeded ?? 0) + (attempts.retry ?? 0)).toBeGreaterThan(0);
  });
});
