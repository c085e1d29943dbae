import mongoose, { type Connection } from 'mongoose';
import {
  ApiClient,
  DisposableRedis,
  EventRecorder,
  Platform,
  futureStart,
  mongoUrlFor,
  uniqueEmail,
  type ApiResponse,
} from '@slotbook/testing';

/**
 * SPEC §4: a host's ranges never overlap, whatever the concurrency, the number of availability
 * replicas, or whether Redis is up; and a change of a range racing a booking in it never
 * leaves that booking outside every range.
 */
const RACERS = 20;
const MINUTE = 60_000;
const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * MINUTE);
const iso = (date: Date) => date.toISOString();

type Host = { user: { id: string }; accessToken: string };

function statusesOf(responses: ApiResponse[]): number[] {
  return responses.map((response) => response.status).sort();
}

/** `count` creates for one host at once, every two of which overlap. */
function overlappingCreates(api: ApiClient, host: Host, start: Date, count = RACERS) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      api.post('/availability', {
        token: host.accessToken,
        body: {
          startTime: iso(plus(start, i)),
          endTime: iso(plus(start, 120 + i)),
          slotDuration: 30,
        },
      }),
    ),
  );
}

/** `count` creates for one host at once, side by side: none overlaps another. */
function disjointCreates(api: ApiClient, host: Host, start: Date, count = RACERS) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      api.post('/availability', {
        token: host.accessToken,
        body: {
          startTime: iso(plus(start, 30 * i)),
          endTime: iso(plus(start, 30 * (i + 1))),
          slotDuration: 15,
        },
      }),
    ),
  );
}

/** The ranges stored in the host's document. */
async function storedRanges(db: Connection, hostId: string): Promise<unknown[]> {
  const doc = await db
    .collection<{ _id: string; ranges: unknown[] }>('host_availability')
    .findOne({ _id: hostId });
  return doc?.ranges ?? [];
}

async function commandsHandled(metricsUrl: string): Promise<number> {
  const metrics = await (await fetch(metricsUrl)).text();
  return metrics
    .split('\n')
    .filter(
      (line) => line.startsWith('slotbook_bus_commands_total{') && line.includes('create-range'),
    )
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/** The race, run a few times; each round on a host of its own. */
function describeRaces(setup: () => { api: ApiClient; db: Connection }) {
  it(`${RACERS} concurrent overlapping creates for one host: exactly one 201, the rest 409, one range stored`, async () => {
    const { api, db } = setup();
    for (let round = 0; round < 3; round += 1) {
      const host = await api.signUp({ email: uniqueEmail('race'), role: 'HOST' });
      const start = futureStart();
      const responses = await overlappingCreates(api, host, start);
      expect(statusesOf(responses)).toEqual([201, ...Array(RACERS - 1).fill(409)]);
      const winner = responses.find((response) => response.status === 201)!;
      expect(await storedRanges(db, host.user.id)).toHaveLength(1);
      const listed = await api.get(
        `/hosts/${host.user.id}/availability?from=${encodeURIComponent(iso(start))}&to=${encodeURIComponent(iso(plus(start, 24 * 60)))}`,
        { token: host.accessToken },
      );
      expect(listed.body.data).toEqual([winner.body]);
    }
  });

  it(`${RACERS} concurrent creates that do not overlap all succeed: the lock serialises, never refuses`, async () => {
    const { api, db } = setup();
    const host = await api.signUp({ email: uniqueEmail('side-by-side'), role: 'HOST' });
    const responses = await disjointCreates(api, host, futureStart());
    expect(statusesOf(responses)).toEqual(Array(RACERS).fill(201));
    expect(await storedRanges(db, host.user.id)).toHaveLength(RACERS);
  });
}

describe('racing creates across two availability replicas', () => {
  let platform: Platform;
  let api: ApiClient;
  let db: Connection;

  beforeAll(async () => {
    platform = await new Platform({ replicas: { availability: 2 } }).start();
    api = new ApiClient(platform.gatewayUrl);
    db = await mongoose.createConnection(mongoUrlFor(platform.databases.availability)).asPromise();
  });

  afterAll(async () => {
    await db?.close();
    await platform?.stop();
  });

  describeRaces(() => ({ api, db }));

  it('the races were served by both replicas', async () => {
    const handled = await Promise.all(
      platform.replicas.availability.map((replica) => commandsHandled(replica.metricsUrl)),
    );
    expect(handled.every((count) => count > 0)).toBe(true);
  });

  it('two PATCHes growing two ranges into the same hours: one wins, the other is 409', async () => {
    for (let round = 0; round < 5; round += 1) {
      const host = await api.signUp({ email: uniqueEmail('grow'), role: 'HOST' });
      const start = futureStart();
      const create = (from: number, to: number) =>
        api.post('/availability', {
          token: host.accessToken,
          body: {
            startTime: iso(plus(start, from)),
            endTime: iso(plus(start, to)),
            slotDuration: 30,
          },
        });
      const [a, b] = [await create(0, 60), await create(120, 180)];
      const responses = await Promise.all([
        api.patch(`/availability/${a.body.id}`, {
          token: host.accessToken,
          body: { endTime: iso(plus(start, 150)) },
        }),
        api.patch(`/availability/${b.body.id}`, {
          token: host.accessToken,
          body: { startTime: iso(plus(start, 90)) },
        }),
      ]);
      expect(statusesOf(responses)).toEqual([200, 409]);
      const listed = await api.get(
        `/hosts/${host.user.id}/availability?from=${encodeURIComponent(iso(start))}&to=${encodeURIComponent(iso(plus(start, 240)))}`,
        { token: host.accessToken },
      );
      const [first, second] = listed.body.data;
      expect(Date.parse(first.endTime)).toBeLessThanOrEqual(Date.parse(second.startTime));
    }
  });

  it('shrinking a range racing a booking of the slot it cuts off never leaves an orphan booking', async () => {
    const guest = await api.signUp({ email: uniqueEmail('orphan') });
    for (let round = 0; round < 8; round += 1) {
      const host = await api.signUp({ email: uniqueEmail('shrink'), role: 'HOST' });
      const start = futureStart();
      const range = await api.post('/availability', {
        token: host.accessToken,
        body: { startTime: iso(start), endTime: iso(plus(start, 60)), slotDuration: 30 },
      });
      const [shrunk, booked] = await Promise.all([
        api.patch(`/availability/${range.body.id}`, {
          token: host.accessToken,
          body: { endTime: iso(plus(start, 30)) },
        }),
        api.post('/bookings', {
          token: guest.accessToken,
          body: { hostId: host.user.id, startTime: iso(plus(start, 30)) },
        }),
      ]);
      // Never both: a booking that exists lies in a slot of a range that exists.
      expect(shrunk.status === 200 && booked.status === 201).toBe(false);
      expect([200, 409]).toContain(shrunk.status);
      expect([201, 409, 422]).toContain(booked.status);
      const listed = await api.get(
        `/hosts/${host.user.id}/availability?from=${encodeURIComponent(iso(start))}&to=${encodeURIComponent(iso(plus(start, 60)))}`,
        { token: host.accessToken },
      );
      expect(listed.body.data[0].endTime).toBe(
        shrunk.status === 200 ? iso(plus(start, 30)) : iso(plus(start, 60)),
      );
    }
  });
});

describe('racing creates with Redis down', () => {
  let redis: DisposableRedis;
  let platform: Platform;
  let api: ApiClient;
  let db: Connection;

  beforeAll(async () => {
    redis = await new DisposableRedis().start();
    platform = await new Platform({
      replicas: { availability: 2 },
      env: { availability: { REDIS_URL: redis.url } },
    }).start();
    api = new ApiClient(platform.gatewayUrl);
    db = await mongoose.createConnection(mongoUrlFor(platform.databases.availability)).asPromise();
    // Availability's own Redis dies; the rest of the platform keeps the shared one.
    await redis.stop();
  });

  afterAll(async () => {
    await db?.close();
    await platform?.stop();
    await redis?.stop();
  });

  it('availability stays ready with Redis down and reports it as degraded (it needs no Redis to write)', async () => {
    const ready = await fetch(`${platform.replicas.availability[0].url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'degraded', checks: { redis: 'down' } });
  });

  describeRaces(() => ({ api, db }));
});

describe('events survive a crash between answering and publishing', () => {
  it('availability.created is delivered once the killed availability service restarts', async () => {
    const platform = await new Platform({
      env: { availability: { OUTBOX_PUBLISH_ON_WRITE: 'false', OUTBOX_INTERVAL_MS: '600000' } },
    }).start();
    const events = await new EventRecorder().start([
      { exchange: 'availability.events', pattern: 'availability.created' },
    ]);
    try {
      const api = new ApiClient(platform.gatewayUrl);
      const host = await api.signUp({ email: uniqueEmail('crash'), role: 'HOST' });
      const start = futureStart();
      const created = await api.post('/availability', {
        token: host.accessToken,
        body: { startTime: iso(start), endTime: iso(plus(start, 60)), slotDuration: 30 },
      });
      expect(created.status).toBe(201);
      const availability = platform.replicas.availability[0];
      await availability.kill();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const ofRange = () => events.matching((e) => e.envelope.data.id === created.body.id);
      expect(ofRange()).toHaveLength(0);
      await availability
        .withEnv({
          OUTBOX_PUBLISH_ON_WRITE: 'true',
          OUTBOX_INTERVAL_MS: '200',
          OUTBOX_GRACE_MS: '200',
        })
        .start();
      await events.waitFor(() => ofRange().length > 0, 15_000);
      expect(ofRange()[0].envelope).toMatchObject({
        type: 'availability.created',
        version: 1,
        data: created.body,
      });
    } finally {
      await events.stop();
      await platform.stop();
    }
  });
});
