import Redis from 'ioredis';
import {
  ApiClient,
  Platform,
  expectProblem,
  hostWithEventTypes,
  hostWithRange,
  infra,
  slotAt,
  uniqueEmail,
  type HostFixture,
} from '@slotbook/testing';

/**
 * SPEC §11: booking decides a slot by its copy of the host's terms, with no call to
 * availability on the create path; SPEC §4, §4a: a change that was answered is in force for
 * every booking made after it. Two booking replicas, each with a warm copy, and two
 * availability replicas.
 */
const MINUTE = 60_000;
const ROUNDS = 4;

describe("booking's copy of a host's terms", () => {
  let platform: Platform;
  let api: ApiClient;
  let redis: Redis;
  const guests: string[] = [];

  beforeAll(async () => {
    platform = await new Platform({ replicas: { booking: 2, availability: 2 } }).start();
    api = new ApiClient(platform.gatewayUrl);
    redis = new Redis(infra.redisUrl);
    for (let i = 0; i < 4; i += 1) {
      guests.push((await api.signUp({ email: uniqueEmail('copy-guest') })).accessToken);
    }
  });

  afterAll(async () => {
    redis?.disconnect();
    await platform?.stop();
  });

  let turn = 0;
  function book(body: Record<string, unknown>, token = guests[turn++ % guests.length]) {
    return api.post('/bookings', { token, body });
  }

  /** GetHostTerms handled by the availability replicas so far. */
  async function termsFetched(): Promise<number> {
    let sum = 0;
    for (const replica of platform.replicas.availability) {
      const metrics = await (await fetch(replica.metricsUrl)).text();
      for (const line of metrics.split('\n')) {
        if (line.startsWith('slotbook_bus_commands_total{') && line.includes('get-host-terms')) {
          sum += Number(line.split(' ').pop());
        }
      }
    }
    return sum;
  }

  /** Books `count` slots from `first` on, so both replicas have a copy of the host's terms. */
  async function warm(host: HostFixture, first: number, count: number) {
    for (let i = first; i < first + count; i += 1) {
      expect((await book({ hostId: host.hostId, startTime: slotAt(host, i) })).status).toBe(201);
    }
  }

  it('asks availability nothing on the create path once its copy is warm', async () => {
    const host = await hostWithRange(api, { slots: 40 });
    await warm(host, 0, 4);
    const before = await termsFetched();
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        book({ hostId: host.hostId, startTime: slotAt(host, 4 + i) }),
      ),
    );
    expect(created.map((response) => response.status)).toEqual(Array(20).fill(201));
    expect(await termsFetched()).toBe(before);
  });

  it("a range's change is in force for the next booking on every replica", async () => {
    const host = await hostWithRange(api, { slots: 4 * ROUNDS + 4 });
    await warm(host, 0, 4);
    for (let round = 0; round < ROUNDS; round += 1) {
      const requiresConfirmation = round % 2 === 0;
      const patched = await api.patch(`/availability/${host.rangeId}`, {
        token: host.token,
        body: { requiresConfirmation },
      });
      expect(patched.status).toBe(200);
      for (let i = 0; i < 4; i += 1) {
        const booked = await book({
          hostId: host.hostId,
          startTime: slotAt(host, 4 + round * 4 + i),
        });
        expect(booked.status).toBe(201);
        expect(booked.body.status).toBe(requiresConfirmation ? 'pending' : 'confirmed');
      }
    }
  });

  it('a deleted range is no slot for the next booking, and a range created again is', async () => {
    const host = await hostWithRange(api, { slots: 4 });
    await warm(host, 0, 2);
    const other = await api.post('/availability', {
      token: host.token,
      body: {
        startTime: new Date(host.start.getTime() + 24 * 60 * MINUTE).toISOString(),
        endTime: new Date(host.start.getTime() + 26 * 60 * MINUTE).toISOString(),
        slotDuration: 30,
      },
    });
    expect(other.status).toBe(201);
    const inOther = other.body.startTime;
    for (let round = 0; round < ROUNDS; round += 1) {
      expect(
        (await api.delete(`/availability/${other.body.id}`, { token: host.token })).status,
      ).toBe(204);
      for (let i = 0; i < 2; i += 1) {
        expectProblem(await book({ hostId: host.hostId, startTime: inOther }), 422);
      }
      const again = await api.post('/availability', {
        token: host.token,
        body: { startTime: inOther, endTime: other.body.endTime, slotDuration: 30 },
      });
      expect(again.status).toBe(201);
      other.body.id = again.body.id;
      const booked = await book({ hostId: host.hostId, startTime: inOther });
      expect(booked.status).toBe(201);
      expect(
        (await api.post(`/bookings/${booked.body.id}/cancel`, { token: host.token, body: {} }))
          .status,
      ).toBe(200);
    }
  });

  it("an event type's change is in force for the next booking on every replica", async () => {
    const host = await hostWithEventTypes(api, [{ duration: 30 }]);
    const [eventType] = host.eventTypes;
    // Within the default horizon of 60 days, on whole hours of the schedule (every day, UTC).
    const day =
      Math.ceil((Date.now() + 2 * 24 * 60 * MINUTE) / (24 * 60 * MINUTE)) * 24 * 60 * MINUTE;
    let slot = 0;
    const next = () => new Date(day + 2 * 60 * MINUTE * slot++).toISOString();
    for (let i = 0; i < 2; i += 1) {
      expect((await book({ eventTypeId: eventType!.id, startTime: next() })).status).toBe(201);
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      const duration = round % 2 === 0 ? 60 : 30;
      const patched = await api.patch(`/event-types/${eventType!.id}`, {
        token: host.token,
        body: { duration, requiresConfirmation: round % 2 === 0 },
      });
      expect(patched.status).toBe(200);
      for (let i = 0; i < 2; i += 1) {
        const startTime = next();
        const booked = await book({ eventTypeId: eventType!.id, startTime });
        expect(booked.status).toBe(201);
        expect(Date.parse(booked.body.endTime) - Date.parse(startTime)).toBe(duration * MINUTE);
        expect(booked.body.status).toBe(round % 2 === 0 ? 'pending' : 'confirmed');
      }
    }
    expect((await api.delete(`/event-types/${eventType!.id}`, { token: host.token })).status).toBe(
      204,
    );
    for (let i = 0; i < 2; i += 1) {
      expectProblem(await book({ eventTypeId: eventType!.id, startTime: next() }), 404);
    }
  });

  it('a Redis that forgot the versions costs one fetch, and a change is still in force', async () => {
    const host = await hostWithRange(api, { slots: 12 });
    await warm(host, 0, 4);
    await redis.del(`terms:${host.hostId}`);
    const before = await termsFetched();
    await warm(host, 4, 4);
    // Booking announced what it fetched: the next creates find their copies current again.
    expect(await termsFetched()).toBeLessThanOrEqual(before + 2);
    const settled = await termsFetched();
    await warm(host, 8, 2);
    expect(await termsFetched()).toBe(settled);
    await api.patch(`/availability/${host.rangeId}`, {
      token: host.token,
      body: { requiresConfirmation: true },
    });
    expect((await book({ hostId: host.hostId, startTime: slotAt(host, 10) })).body.status).toBe(
      'pending',
    );
  });

  it('a slot let go of (cancel, a move away) can be booked by someone else at once', async () => {
    const host = await hostWithRange(api, { slots: 4 });
    const first = await book({ hostId: host.hostId, startTime: slotAt(host, 0) }, guests[0]);
    expect(first.status).toBe(201);
    const cancel = await api.post(`/bookings/${first.body.id}/cancel`, {
      token: guests[0],
      body: {},
    });
    expect(cancel.status).toBe(200);
    expect(
      (await book({ hostId: host.hostId, startTime: slotAt(host, 0) }, guests[1])).status,
    ).toBe(201);
    const moving = await book({ hostId: host.hostId, startTime: slotAt(host, 1) }, guests[2]);
    const moved = await api.post(`/bookings/${moving.body.id}/reschedule`, {
      token: guests[2],
      body: { startTime: slotAt(host, 2) },
    });
    expect(moved.status).toBe(200);
    expect(
      (await book({ hostId: host.hostId, startTime: slotAt(host, 1) }, guests[3])).status,
    ).toBe(201);
  });
});
