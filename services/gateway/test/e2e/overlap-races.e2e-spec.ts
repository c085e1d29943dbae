import {
  ApiClient,
  DisposableRedis,
  Platform,
  eventually,
  futureStart,
  hostWithEventTypes,
  uniqueEmail,
  type ScheduledHost,
} from '@slotbook/testing';

/**
 * The product's promise across event types and ranges (SPEC §5): for any host, the occupied
 * times (slot widened by its event type's buffers) of its pending and confirmed bookings never
 * overlap — whatever the concurrency, the number of booking replicas, a lock that is off, or a
 * Redis that dies mid-race.
 */
const MINUTE = 60_000;
const RACERS = 80;

/** Three event types of different lengths, steps and buffers, and a range off the 5-minute grid. */
const EVENT_TYPES = [
  { duration: 30, slotInterval: 5, bufferBefore: 10, bufferAfter: 10 },
  { duration: 60, slotInterval: 15, bufferBefore: 0, bufferAfter: 15 },
  { duration: 15, slotInterval: 5, bufferBefore: 0, bufferAfter: 0 },
];
const RANGE_SLOT_MINUTES = 20;
const RANGE_OFFSET_MS = 2 * MINUTE + 30_000; // the range starts at 12:02:30

interface Contender {
  body: Record<string, unknown>;
  /** What the booking would occupy: [start − bufferBefore, end + bufferAfter). */
  occupied: { start: number; end: number };
}

interface Arena {
  host: ScheduledHost;
  day: Date;
  contenders: Contender[];
}

/** A host with the three event types and a range inside the same two hours, and who may race. */
async function arena(api: ApiClient): Promise<Arena> {
  const host = await hostWithEventTypes(
    api,
    EVENT_TYPES.map((shape) => ({ ...shape, bookingHorizonDays: 365 })),
  );
  const day = futureStart(); // 09:00Z of a future day
  const from = day.getTime() + 3 * 60 * MINUTE; // 12:00Z
  const rangeStart = from + RANGE_OFFSET_MS;
  const range = await api.post('/availability', {
    token: host.token,
    body: {
      startTime: new Date(rangeStart).toISOString(),
      endTime: new Date(rangeStart + 6 * RANGE_SLOT_MINUTES * MINUTE).toISOString(),
      slotDuration: RANGE_SLOT_MINUTES,
    },
  });
  expect(range.status).toBe(201);
  const contenders: Contender[] = [];
  EVENT_TYPES.forEach((shape, index) => {
    for (let start = from; start + shape.duration * MINUTE <= from + 120 * MINUTE;) {
      contenders.push({
        body: { eventTypeId: host.eventTypes[index].id, startTime: new Date(start).toISOString() },
        occupied: {
          start: start - shape.bufferBefore * MINUTE,
          end: start + (shape.duration + shape.bufferAfter) * MINUTE,
        },
      });
      start += shape.slotInterval * MINUTE;
    }
  });
  for (let k = 0; k < 6; k += 1) {
    const start = rangeStart + k * RANGE_SLOT_MINUTES * MINUTE;
    contenders.push({
      body: { hostId: host.hostId, startTime: new Date(start).toISOString() },
      occupied: { start, end: start + RANGE_SLOT_MINUTES * MINUTE },
    });
  }
  return { host, day, contenders };
}

async function guests(api: ApiClient, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    tokens.push((await api.signUp({ email: uniqueEmail('racer') })).accessToken);
  }
  return tokens;
}

/** `racers` concurrent creates, each for a contender picked at random (with repeats). */
async function race(api: ApiClient, { contenders }: Arena, tokens: string[], racers = RACERS) {
  const picks = Array.from({ length: racers }, () => {
    return contenders[Math.floor(Math.random() * contenders.length)];
  });
  const responses = await Promise.all(
    picks.map((pick, i) =>
      api.post('/bookings', { token: tokens[i % tokens.length], body: pick.body }),
    ),
  );
  return responses.map((response) => response.status);
}

/** The host's active bookings as the API lists them, with the time each occupies. */
async function activeOccupied(api: ApiClient, { host }: Arena) {
  const buffers = new Map(host.eventTypes.map((t) => [t.id, t]));
  const occupied: Array<{ start: number; end: number; id: string }> = [];
  let cursor: string | null = null;
  do {
    const page: { body: { data: any[]; nextCursor: string | null } } = await api.get(
      `/bookings?hostId=${host.hostId}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { token: host.token },
    );
    for (const booking of page.body.data) {
      if (booking.status !== 'pending' && booking.status !== 'confirmed') continue;
      const shape = booking.eventTypeId ? buffers.get(booking.eventTypeId)! : undefined;
      occupied.push({
        id: booking.id,
        start: Date.parse(booking.startTime) - (shape?.bufferBefore ?? 0) * MINUTE,
        end: Date.parse(booking.endTime) + (shape?.bufferAfter ?? 0) * MINUTE,
      });
    }
    cursor = page.body.nextCursor;
  } while (cursor);
  return occupied;
}

/**
 * Every racer got its booking (201) or a refusal: 409, or 503 from a gateway that waited its
 * 5 s for a busy booking service (two cores serving 80 racers), after which the booking may
 * still be made; the listings below count what was made, not the 201s.
 */
function expectOnlyRefusals(statuses: number[]): void {
  expect(statuses.filter((s) => s !== 201 && s !== 409 && s !== 503)).toEqual([]);
  expect(statuses.filter((s) => s === 503).length).toBeLessThan(statuses.length / 4);
}

function expectNoOverlaps(occupied: Array<{ start: number; end: number; id: string }>): void {
  const sorted = [...occupied].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i += 1) {
    // Each booking ends (buffers included) no later than the next one starts.
    expect({ id: sorted[i - 1].id, end: sorted[i - 1].end }).toEqual({
      id: sorted[i - 1].id,
      end: Math.min(sorted[i - 1].end, sorted[i].start),
    });
  }
}

/**
 * After a race, a contender clear of every winner can be booked (201): the losers left no cells
 * behind. Under contention a loser's cells, held until it backs out, may refuse others (409,
 * never an overlap), so the race itself may end with a single winner; this makes sure the host
 * ends with more than one booking either way. A create that answered 503 may still be finishing
 * (and win, or hold its cells a moment longer), so the winners are read again on each try.
 */
async function expectRoomForAnother(api: ApiClient, field: Arena, token: string): Promise<void> {
  await eventually(async () => {
    const occupied = await activeOccupied(api, field);
    const clear = field.contenders.find(({ occupied: o }) =>
      occupied.every((taken) => o.end <= taken.start || taken.end <= o.start),
    );
    if (clear) {
      const booked = await api.post('/bookings', { token, body: clear.body });
      expect(booked.status).toBe(201);
    }
  });
  const after = await activeOccupied(api, field);
  expect(after.length).toBeGreaterThan(1);
  expectNoOverlaps(after);
}

/** Every slot still listed would succeed: its occupied time overlaps no booking's. */
async function expectListingAgrees(api: ApiClient, { host, day }: Arena, token: string) {
  const occupied = await activeOccupied(api, { host, day, contenders: [] });
  const from = new Date(day.getTime() + 2 * 60 * MINUTE).toISOString();
  const to = new Date(day.getTime() + 6 * 60 * MINUTE).toISOString();
  for (const [index, shape] of EVENT_TYPES.entries()) {
    const listed = await api.get(
      `/event-types/${host.eventTypes[index].id}/slots?from=${from}&to=${to}`,
      {
        token,
      },
    );
    expect(listed.status).toBe(200);
    for (const slot of listed.body.data) {
      const start = Date.parse(slot.startTime) - shape.bufferBefore * MINUTE;
      const end = Date.parse(slot.endTime) + shape.bufferAfter * MINUTE;
      expect(occupied.filter((o) => o.start < end && start < o.end)).toEqual([]);
    }
  }
}

describe('overlapping bookings of different lengths and buffers, racing', () => {
  it('two booking replicas: winners never overlap, losers get 409, and the listing agrees', async () => {
    const platform = await new Platform({ replicas: { booking: 2 } }).start();
    try {
      const api = new ApiClient(platform.gatewayUrl);
      const tokens = await guests(api, 8);
      for (let round = 0; round < 2; round += 1) {
        const field = await arena(api);
        const statuses = await race(api, field, tokens);
        expectOnlyRefusals(statuses);
        const occupied = await activeOccupied(api, field);
        expect(occupied.length).toBeGreaterThanOrEqual(statuses.filter((s) => s === 201).length);
        expectNoOverlaps(occupied);
        await expectRoomForAnother(api, field, tokens[0]);
        await expectListingAgrees(api, field, tokens[0]);
      }
    } finally {
      await platform.stop();
    }
  });

  it('with the lock disabled: the unique index alone keeps winners apart', async () => {
    const platform = await new Platform({
      replicas: { booking: 2 },
      env: { booking: { SLOT_LOCK: 'off' } },
    }).start();
    try {
      const api = new ApiClient(platform.gatewayUrl);
      const tokens = await guests(api, 8);
      const field = await arena(api);
      const statuses = await race(api, field, tokens);
      expectOnlyRefusals(statuses);
      const occupied = await activeOccupied(api, field);
      expect(occupied.length).toBeGreaterThanOrEqual(statuses.filter((s) => s === 201).length);
      expectNoOverlaps(occupied);
      await expectRoomForAnother(api, field, tokens[0]);
    } finally {
      await platform.stop();
    }
  });

  it('with Redis killed mid-race: winners never overlap, nothing hangs, booking goes on', async () => {
    const redis = await new DisposableRedis().start();
    const platform = await new Platform({
      replicas: { booking: 2 },
      env: { booking: { REDIS_URL: redis.url } },
    }).start();
    try {
      const api = new ApiClient(platform.gatewayUrl);
      const tokens = await guests(api, 8);
      const field = await arena(api);
      const racing = race(api, field, tokens);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await redis.stop();
      const statuses = await racing;
      expect(statuses.filter((s) => s !== 201 && s !== 409 && s !== 503)).toEqual([]);
      // Redis stays gone: a second race is decided by the index alone.
      const after = await race(api, field, tokens, 40);
      expectOnlyRefusals(after);
      const occupied = await activeOccupied(api, field);
      expectNoOverlaps(occupied);
    } finally {
      await platform.stop();
      await redis.stop();
    }
  });
});
