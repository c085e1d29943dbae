import { ApiClient, EventRecorder, Platform, futureStart, uniqueEmail } from '@slotbook/testing';

/**
 * SPEC §6 and §11: each event is published once per write in the normal case, however many
 * replicas relay the outbox (at least once stays the promise only on crashes).
 */
const HOSTS = 24;
const RANGES_PER_HOST = 1;
const MINUTE = 60_000;
const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * MINUTE);

describe('events of writes spread over three availability replicas', () => {
  let platform: Platform;
  let events: EventRecorder;

  beforeAll(async () => {
    platform = await new Platform({ replicas: { availability: 3 } }).start();
    events = await new EventRecorder().start([{ exchange: 'availability.events' }]);
  });

  afterAll(async () => {
    await events?.stop();
    await platform?.stop();
  });

  it('are each published once: no replica relays what another is relaying', async () => {
    const api = new ApiClient(platform.gatewayUrl);
    const hosts = [];
    // One after the other: password hashing is what a burst of sign-ups waits on.
    for (let i = 0; i < HOSTS; i += 1) {
      hosts.push(await api.signUp({ email: uniqueEmail(`relay-${i}`), role: 'HOST' }));
    }
    const start = futureStart();
    // Hosts at once: every write has its record to itself while it is relayed (a record written
    // again on another replica before its relay removed the first write's events may see that
    // event published twice: at least once).
    const created = (
      await Promise.all(
        hosts.map(async (host) => {
          const responses = [];
          for (let i = 0; i < RANGES_PER_HOST; i += 1) {
            responses.push(
              await api.post('/availability', {
                token: host.accessToken,
                body: {
                  startTime: plus(start, 30 * i).toISOString(),
                  endTime: plus(start, 30 * (i + 1)).toISOString(),
                  slotDuration: 15,
                },
              }),
            );
          }
          return responses;
        }),
      )
    ).flat();
    expect(created.map((response) => response.status)).toEqual(
      Array(HOSTS * RANGES_PER_HOST).fill(201),
    );
    const ids = new Set(created.map((response) => response.body.id as string));
    const ofRanges = () => events.matching((e) => ids.has(e.envelope.data.id));
    await events.waitFor(
      () => new Set(ofRanges().map((e) => e.envelope.data.id)).size === ids.size,
    );
    // Long enough for a second publish by another replica's relay to arrive too.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const deliveries = new Map<string, number>();
    for (const event of ofRanges()) {
      deliveries.set(event.envelope.id, (deliveries.get(event.envelope.id) ?? 0) + 1);
    }
    expect(deliveries.size).toBe(ids.size);
    expect([...deliveries.values()].filter((count) => count > 1)).toEqual([]);
  });
});
