import mongoose, { type Connection } from 'mongoose';
import {
  ApiClient,
  DisposableRedis,
  EventRecorder,
  Platform,
  hostWithRange,
  mongoUrlFor,
  slotAt,
  uniqueEmail,
  type HostFixture,
} from '@slotbook/testing';

/**
 * The product's promise (SPEC §5): for any host and slot at most one booking is pending or
 * confirmed, whatever the concurrency, the replica count, or what fails in the middle.
 */
const RACERS = 200;

async function guests(api: ApiClient, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1)
    tokens.push((await api.signUp({ email: uniqueEmail('racer') })).accessToken);
  return tokens;
}

async function race(
  api: ApiClient,
  host: HostFixture,
  index: number,
  tokens: string[],
  racers = RACERS,
) {
  const started = Date.now();
  const responses = await Promise.all(
    Array.from({ length: racers }, (_, i) =>
      api.post('/bookings', {
        token: tokens[i % tokens.length],
        body: { hostId: host.hostId, startTime: slotAt(host, index) },
      }),
    ),
  );
  return { statuses: responses.map((r) => r.status), elapsedMs: Date.now() - started };
}

function count(statuses: number[], status: number): number {
  return statuses.filter((s) => s === status).length;
}

async function activeBookings(db: Connection, host: HostFixture, index: number): Promise<number> {
  return db.collection('bookings').countDocuments({
    hostId: host.hostId,
    startTime: new Date(slotAt(host, index)),
    status: { $in: ['pending', 'confirmed'] },
  });
}

describe('hot-slot races with two booking replicas', () => {
  let platform: Platform;
  let api: ApiClient;
  let db: Connection;
  let tokens: string[];

  beforeAll(async () => {
    platform = await new Platform({ replicas: { booking: 2, gateway: 2 } }).start();
    api = new ApiClient(platform.gatewayUrl);
    db = await mongoose.createConnection(mongoUrlFor(platform.databases.booking)).asPromise();
    tokens = await guests(api, 10);
  });

  afterAll(async () => {
    await db?.close();
    await platform?.stop();
  });

  it(`${RACERS} concurrent creates for one slot: exactly one 201, all others 409, no 5xx — over several slots`, async () => {
    const host = await hostWithRange(api, { slots: 4 });
    const second = new ApiClient(platform.replicas.gateway[1].url);
    for (let slot = 0; slot < 4; slot += 1) {
      // Half of the racers come through each gateway replica.
      const [a, b] = await Promise.all([
        race(api, host, slot, tokens, RACERS / 2),
        race(second, host, slot, tokens, RACERS / 2),
      ]);
      const statuses = [...a.statuses, ...b.statuses];
      expect(count(statuses, 201)).toBe(1);
      expect(count(statuses, 409)).toBe(RACERS - 1);
      expect(await activeBookings(db, host, slot)).toBe(1);
    }
  });
});

describe('the unique index holds when the lock does not', () => {
  const scenarios: Array<[string, Record<string, string>]> = [
    ['with the lock disabled', { SLOT_LOCK: 'off' }],
    ['with a lock that expires before the write', { SLOT_LOCK_TTL_MS: '1' }],
  ];

  for (const [name, env] of scenarios) {
    it(`${name}: still exactly one booking per slot`, async () => {
      const platform = await new Platform({
        replicas: { booking: 2 },
        env: { booking: env },
      }).start();
      const db = await mongoose
        .createConnection(mongoUrlFor(platform.databases.booking))
        .asPromise();
      try {
        const api = new ApiClient(platform.gatewayUrl);
        const tokens = await guests(api, 5);
        const host = await hostWithRange(api, { slots: 3 });
        for (let slot = 0; slot < 3; slot += 1) {
          const { statuses } = await race(api, host, slot, tokens, 100);
          expect(count(statuses, 201)).toBe(1);
          expect(count(statuses, 201) + count(statuses, 409)).toBe(100);
          expect(await activeBookings(db, host, slot)).toBe(1);
        }
      } finally {
        await db.close();
        await platform.stop();
      }
    });
  }

  it('with Redis killed mid-race: at most one booking, and requests fail fast instead of hanging', async () => {
    const redis = await new DisposableRedis().start();
    const platform = await new Platform({
      replicas: { booking: 2 },
      env: { booking: { REDIS_URL: redis.url } },
    }).start();
    const db = await mongoose.createConnection(mongoUrlFor(platform.databases.booking)).asPromise();
    try {
      const api = new ApiClient(platform.gatewayUrl);
      const tokens = await guests(api, 5);
      const host = await hostWithRange(api, { slots: 3 });
      const racing = race(api, host, 0, tokens, 150);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await redis.stop();
      const { statuses, elapsedMs } = await racing;
      expect(count(statuses, 201)).toBeLessThanOrEqual(1);
      expect(statuses.every((s) => s === 201 || s === 409 || s === 503)).toBe(true);
      expect(await activeBookings(db, host, 0)).toBeLessThanOrEqual(1);
      expect(elapsedMs).toBeLessThan(15_000);
      // With Redis gone for good, booking goes on, guarded by the index alone.
      const after = await race(api, host, 1, tokens, 50);
      expect(count(after.statuses, 201)).toBe(1);
      expect(count(after.statuses, 409)).toBe(49);
      expect(await activeBookings(db, host, 1)).toBe(1);
    } finally {
      await db.close();
      await platform.stop();
      await redis.stop();
    }
  });
});

describe('races between changes', () => {
  let platform: Platform;
  let api: ApiClient;
  let db: Connection;

  beforeAll(async () => {
    platform = await new Platform({ replicas: { booking: 2, availability: 2 } }).start();
    api = new ApiClient(platform.gatewayUrl);
    db = await mongoose.createConnection(mongoUrlFor(platform.databases.booking)).asPromise();
  });

  afterAll(async () => {
    await db?.close();
    await platform?.stop();
  });

  it('a reschedule racing a create for the target slot: exactly one wins, the loser is untouched', async () => {
    for (let round = 0; round < 5; round += 1) {
      const host = await hostWithRange(api, { slots: 4 });
      const mover = await api.signUp({ email: uniqueEmail('mover') });
      const rival = await api.signUp({ email: uniqueEmail('rival') });
      const original = await api.post('/bookings', {
        token: mover.accessToken,
        body: { hostId: host.hostId, startTime: slotAt(host, 0) },
      });
      expect(original.status).toBe(201);
      const [moved, created] = await Promise.all([
        api.post(`/bookings/${original.body.id}/reschedule`, {
          token: mover.accessToken,
          body: { startTime: slotAt(host, 2) },
        }),
        api.post('/bookings', {
          token: rival.accessToken,
          body: { hostId: host.hostId, startTime: slotAt(host, 2) },
        }),
      ]);
      // Exactly one of the two gets the slot; the other is refused with 409.
      expect([moved.status, created.status]).toEqual(
        moved.status === 200 ? [200, 409] : [409, 201],
      );
      expect(await activeBookings(db, host, 2)).toBe(1);
      const after = await api.get(`/bookings/${original.body.id}`, { token: mover.accessToken });
      if (moved.status === 409) {
        expect(after.body).toEqual(original.body);
        expect(await activeBookings(db, host, 0)).toBe(1);
      } else {
        expect(after.body.startTime).toBe(slotAt(host, 2));
        expect(await activeBookings(db, host, 0)).toBe(0);
      }
    }
  });

  it('two concurrent confirms, then two concurrent cancels, of one booking: exactly one of each succeeds, with exactly one event', async () => {
    const events = await new EventRecorder().start([{ exchange: 'booking.events' }]);
    try {
      const ids: string[] = [];
      for (let round = 0; round < 5; round += 1) {
        const host = await hostWithRange(api, { slots: 2, requiresConfirmation: true });
        const guest = await api.signUp({ email: uniqueEmail('twice') });
        const created = await api.post('/bookings', {
          token: guest.accessToken,
          body: { hostId: host.hostId, startTime: slotAt(host, 0) },
        });
        expect(created.status).toBe(201);
        const id = created.body.id;
        ids.push(id);
        const confirms = await Promise.all(
          [0, 1].map(() => api.post(`/bookings/${id}/confirm`, { token: host.token })),
        );
        expect(confirms.map((r) => r.status).sort()).toEqual([200, 409]);
        const cancels = await Promise.all(
          [guest.accessToken, host.token].map((token) =>
            api.post(`/bookings/${id}/cancel`, { token, body: { reason: 'twice' } }),
          ),
        );
        expect(cancels.map((r) => r.status).sort()).toEqual([200, 409]);
        expect(await activeBookings(db, host, 0)).toBe(0);
      }
      const of = (id: string) => {
        const mine = events.matching((e) => e.envelope.data.id === id);
        return [...new Map(mine.map((e) => [e.envelope.id, e])).values()];
      };
      await events.waitFor(() => ids.every((id) => of(id).length >= 3), 15_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const id of ids) {
        expect(of(id).map((e) => e.routingKey)).toEqual([
          'booking.created',
          'booking.confirmed',
          'booking.cancelled',
        ]);
      }
    } finally {
      await events.stop();
    }
  });

  it('deleting a range racing a booking in it never leaves an orphan booking', async () => {
    let deletedFirst = 0;
    let bookedFirst = 0;
    for (let round = 0; round < 8; round += 1) {
      const host = await hostWithRange(api, { slots: 2 });
      const guest = await api.signUp({ email: uniqueEmail('orphan') });
      const [deleted, booked] = await Promise.all([
        api.delete(`/availability/${host.rangeId}`, { token: host.token }),
        api.post('/bookings', {
          token: guest.accessToken,
          body: { hostId: host.hostId, startTime: slotAt(host, 1) },
        }),
      ]);
      // Never both: a booking that exists lies inside a range that exists.
      expect(deleted.status === 204 && booked.status === 201).toBe(false);
      if (deleted.status === 204) {
        deletedFirst += 1;
        expect([409, 422]).toContain(booked.status);
        expect(await activeBookings(db, host, 1)).toBe(0);
      } else {
        bookedFirst += 1;
        expect(booked.status).toBe(201);
        expect(deleted.status).toBe(409);
        const ranges = await api.get(
          `/hosts/${host.hostId}/availability?from=${encodeURIComponent(host.start.toISOString())}&to=${encodeURIComponent(slotAt(host, 2))}`,
          { token: guest.accessToken },
        );
        expect(ranges.body.data.map((r: any) => r.id)).toEqual([host.rangeId]);
      }
    }
    expect(deletedFirst + bookedFirst).toBe(8);
  });
});

describe('events survive a crash between answering and publishing', () => {
  it('booking.created is delivered once the killed booking service restarts', async () => {
    const platform = await new Platform({
      env: { booking: { OUTBOX_PUBLISH_ON_WRITE: 'false', OUTBOX_INTERVAL_MS: '600000' } },
    }).start();
    const events = await new EventRecorder().start([
      { exchange: 'booking.events', pattern: 'booking.created' },
    ]);
    try {
      const api = new ApiClient(platform.gatewayUrl);
      const host = await hostWithRange(api);
      const guest = await api.signUp({ email: uniqueEmail('crash') });
      const created = await api.post('/bookings', {
        token: guest.accessToken,
        body: { hostId: host.hostId, startTime: slotAt(host, 0) },
      });
      expect(created.status).toBe(201);
      const booking = platform.replicas.booking[0];
      await booking.kill();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(events.matching((e) => e.envelope.data.id === created.body.id)).toHaveLength(0);
      await booking.withEnv({ OUTBOX_PUBLISH_ON_WRITE: 'true', OUTBOX_INTERVAL_MS: '200' }).start();
      await events.waitFor(
        (all) => all.some((e) => e.envelope.data.id === created.body.id),
        15_000,
      );
      const [event] = events.matching((e) => e.envelope.data.id === created.body.id);
      expect(event.envelope).toMatchObject({
        type: 'booking.created',
        version: 1,
        data: created.body,
      });
    } finally {
      await events.stop();
      await platform.stop();
    }
  });
});
