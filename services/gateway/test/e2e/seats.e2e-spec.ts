import { BookingEvent } from '@slotbook/contracts';
import {
  ApiClient,
  DisposableRedis,
  EventRecorder,
  Platform,
  eventually,
  expectProblem,
  futureStart,
  hostWithEventTypes,
  uniqueEmail,
  type ScheduledHost,
} from '@slotbook/testing';

/**
 * Seats (SPEC §5, §4b): a slot of an event type with `seatsPerSlot` N > 1 holds up to N
 * bookings, one seat each; the host's time is the group's from its first seat to its last,
 * refused to everything else; one person holds one seat of a slot.
 */
const MINUTE = 60_000;

interface Member {
  token: string;
  id: string;
}

/** `count` members, signed up eight at a time. */
async function members(api: ApiClient, count: number, label = 'seat'): Promise<Member[]> {
  const made: Member[] = [];
  while (made.length < count) {
    const batch = Array.from({ length: Math.min(8, count - made.length) }, () =>
      api.signUp({ email: uniqueEmail(label) }),
    );
    for (const signed of await Promise.all(batch)) {
      made.push({ token: signed.accessToken, id: signed.user.id });
    }
  }
  return made;
}

/** The slots of the four hours from `from`, as a member sees them. */
async function listed(api: ApiClient, eventTypeId: string, from: Date, token?: string) {
  const to = new Date(from.getTime() + 4 * 60 * MINUTE);
  const response = await api.get(
    `/event-types/${eventTypeId}/slots?from=${from.toISOString()}&to=${to.toISOString()}`,
    { token },
  );
  expect(response.status).toBe(200);
  return response.body.data as Array<{ startTime: string; endTime: string; seatsLeft?: number }>;
}

async function attendees(api: ApiClient, host: ScheduledHost, eventTypeId: string, at: string) {
  const response = await api.get(`/event-types/${eventTypeId}/slots/${at}/attendees`, {
    token: host.token,
  });
  expect(response.status).toBe(200);
  return response.body.data as Array<{ id: string; userId: string | null; status: string }>;
}

describe('seats: group slots (SPEC §5)', () => {
  let platform: Platform;
  let api: ApiClient;
  let events: EventRecorder;

  beforeAll(async () => {
    events = await new EventRecorder().start([{ exchange: 'booking.events' }]);
    platform = await new Platform().start();
    api = new ApiClient(platform.gatewayUrl);
  });

  afterAll(async () => {
    await platform?.stop();
    await events?.stop();
  });

  function seatsLeftOf(type: string, bookingId: string): number | undefined {
    const found = events.matching(
      (event) => event.envelope.type === type && event.envelope.data.id === bookingId,
    );
    return found[0]?.envelope.data.seatsLeft;
  }

  it('fills a slot seat by seat, one per person, and refuses everything else its time', async () => {
    const host = await hostWithEventTypes(api, [
      {
        title: 'Yoga class',
        duration: 60,
        seatsPerSlot: 3,
        bufferAfter: 15,
        public: true,
        bookingHorizonDays: 365,
      },
      { title: 'One to one', duration: 30, bookingHorizonDays: 365 },
    ]);
    const [yoga, single] = host.eventTypes;
    const day = futureStart();
    const at = new Date(day.getTime() + 60 * MINUTE).toISOString(); // 10:00Z
    const [ada, bob, cy] = await members(api, 3);

    const before = await listed(api, yoga.id, day);
    expect(before.find((slot) => slot.startTime === at)).toEqual({
      startTime: at,
      endTime: new Date(Date.parse(at) + 60 * MINUTE).toISOString(),
      seatsLeft: 3,
    });

    const first = await api.post('/bookings', {
      token: ada.token,
      body: { eventTypeId: yoga.id, startTime: at },
    });
    expect(first.status).toBe(201);
    const second = await api.post('/bookings', {
      token: bob.token,
      body: { eventTypeId: yoga.id, startTime: at },
    });
    expect(second.status).toBe(201);
    expect((await listed(api, yoga.id, day)).find((s) => s.startTime === at)?.seatsLeft).toBe(1);

    // One person, one seat.
    expectProblem(
      await api.post('/bookings', {
        token: ada.token,
        body: { eventTypeId: yoga.id, startTime: at },
      }),
      409,
    );

    // A guest takes the last seat; the slot is no longer listed, and the next is refused.
    const guest = await api.post('/bookings', {
      body: {
        eventTypeId: yoga.id,
        startTime: at,
        guest: { name: 'Dee', email: uniqueEmail('dee') },
      },
    });
    expect(guest.status).toBe(201);
    expect((await listed(api, yoga.id, day)).map((s) => s.startTime)).not.toContain(at);
    expectProblem(
      await api.post('/bookings', {
        token: cy.token,
        body: { eventTypeId: yoga.id, startTime: at },
      }),
      409,
    );

    // The host's time is the group's: another event type overlapping it (buffer included) is refused.
    const inBuffer = new Date(Date.parse(at) + 60 * MINUTE).toISOString();
    expectProblem(
      await api.post('/bookings', {
        token: cy.token,
        body: { eventTypeId: single.id, startTime: inBuffer },
      }),
      409,
    );
    const singles = (await listed(api, single.id, day, cy.token)).map((s) =>
      Date.parse(s.startTime),
    );
    expect(
      singles.filter((s) => s < Date.parse(at) + 75 * MINUTE && s + 30 * MINUTE > Date.parse(at)),
    ).toEqual([]);

    // Events carry the seats left.
    await eventually(async () => {
      expect(seatsLeftOf(BookingEvent.BookingCreated, first.body.id)).toBe(2);
      expect(seatsLeftOf(BookingEvent.BookingCreated, second.body.id)).toBe(1);
      expect(seatsLeftOf(BookingEvent.BookingCreated, guest.body.id)).toBe(0);
    });

    // The host sees who holds the seats, in booking order; nobody else does.
    expect((await attendees(api, host, yoga.id, at)).map((b) => b.id)).toEqual([
      first.body.id,
      second.body.id,
      guest.body.id,
    ]);
    expectProblem(
      await api.get(`/event-types/${yoga.id}/slots/${at}/attendees`, { token: ada.token }),
      403,
    );
    // The host's calendar feed shows the slot as one event, one ATTENDEE per seat (SPEC §6b).
    const feedUrl = (await api.post('/users/me/calendar-feed', { token: host.token })).body.url;
    const feed = await api.get(feedUrl);
    const stamp = at.replace(/[-:]/g, '').replace('.000', '');
    const slotEvents = feed.text
      .split('BEGIN:VEVENT')
      .filter((event: string) => event.includes(`DTSTART:${stamp}`));
    expect(slotEvents).toHaveLength(1);
    expect(slotEvents[0].match(/^ATTENDEE/gm)).toHaveLength(3);
    const stranger = await hostWithEventTypes(api, []);
    expectProblem(
      await api.get(`/event-types/${yoga.id}/slots/${at}/attendees`, { token: stranger.token }),
      404,
    );

    // Cancelling one seat frees exactly one.
    const cancelled = await api.post(`/bookings/${second.body.id}/cancel`, {
      token: bob.token,
      body: {},
    });
    expect(cancelled.status).toBe(200);
    expect((await listed(api, yoga.id, day)).find((s) => s.startTime === at)?.seatsLeft).toBe(1);
    await eventually(async () =>
      expect(seatsLeftOf(BookingEvent.BookingCancelled, second.body.id)).toBe(1),
    );
    const third = await api.post('/bookings', {
      token: cy.token,
      body: { eventTypeId: yoga.id, startTime: at },
    });
    expect(third.status).toBe(201);

    // Lowering the seats below those taken is refused, naming the slot; raising is in force at once.
    const lowered = await api.patch(`/event-types/${yoga.id}`, {
      token: host.token,
      body: { seatsPerSlot: 2 },
    });
    expectProblem(lowered, 409);
    expect(lowered.body.detail).toContain(at);
    const raised = await api.patch(`/event-types/${yoga.id}`, {
      token: host.token,
      body: { seatsPerSlot: 4 },
    });
    expect(raised.status).toBe(200);
    expect(raised.body.seatsPerSlot).toBe(4);
    const fourth = await api.post('/bookings', {
      token: bob.token,
      body: { eventTypeId: yoga.id, startTime: at },
    });
    expect(fourth.status).toBe(201);

    // A seat moves alone: the others stay, and it takes a seat of its new slot.
    const later = new Date(Date.parse(at) + 3 * 60 * MINUTE).toISOString();
    const moved = await api.post(`/bookings/${third.body.id}/reschedule`, {
      token: cy.token,
      body: { startTime: later },
    });
    expect(moved.status).toBe(200);
    expect((await attendees(api, host, yoga.id, at)).map((b) => b.id)).toEqual([
      first.body.id,
      guest.body.id,
      fourth.body.id,
    ]);
    expect((await attendees(api, host, yoga.id, later)).map((b) => b.id)).toEqual([third.body.id]);
    await eventually(async () =>
      expect(seatsLeftOf(BookingEvent.BookingRescheduled, third.body.id)).toBe(3),
    );

    // The host's time is freed only with the last seat.
    const seats = await attendees(api, host, yoga.id, at);
    for (const [index, seat] of seats.entries()) {
      const response = await api.post(`/bookings/${seat.id}/cancel`, {
        token: host.token,
        body: {},
      });
      expect(response.status).toBe(200);
      const single30 = await api.post('/bookings', {
        token: cy.token,
        body: { eventTypeId: single.id, startTime: at },
      });
      expect(single30.status).toBe(index === seats.length - 1 ? 201 : 409);
    }
  });

  it('an Idempotency-Key takes one seat however often it is sent, and answers the same booking', async () => {
    const host = await hostWithEventTypes(api, [
      { duration: 30, seatsPerSlot: 2, bookingHorizonDays: 365 },
    ]);
    const [group] = host.eventTypes;
    const at = new Date(futureStart().getTime() + 2 * 60 * MINUTE).toISOString();
    const [ada, bob] = await members(api, 2);
    const key = { 'Idempotency-Key': `seat-${Date.now()}` };
    const sent = await Promise.all(
      Array.from({ length: 4 }, () =>
        api.post('/bookings', {
          token: ada.token,
          headers: key,
          body: { eventTypeId: group!.id, startTime: at },
        }),
      ),
    );
    const ids = new Set(sent.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(sent.every((r) => r.status === 201 || r.status === 503)).toBe(true);
    const again = await api.post('/bookings', {
      token: ada.token,
      headers: key,
      body: { eventTypeId: group!.id, startTime: at },
    });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe([...ids][0]);
    expect((await attendees(api, host, group!.id, at)).map((b) => b.id)).toEqual([...ids]);
    // The other seat is still there for someone else.
    const other = await api.post('/bookings', {
      token: bob.token,
      body: { eventTypeId: group!.id, startTime: at },
    });
    expect(other.status).toBe(201);
  });

  it('validates seatsPerSlot', async () => {
    const host = await hostWithEventTypes(api, [{ duration: 30 }]);
    for (const seatsPerSlot of [0, 1001, 2.5, '3']) {
      const response = await api.post('/event-types', {
        token: host.token,
        body: { title: 'Class', scheduleId: host.scheduleId, duration: 30, seatsPerSlot },
      });
      expectProblem(response, 422);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(['seatsPerSlot']);
    }
    const plain = await api.get(`/event-types/${host.eventTypes[0]!.id}`, { token: host.token });
    expect(plain.body.seatsPerSlot).toBe(1);
  });
});

/**
 * A race for one group slot: `seats` seats, 50 members wanting one each, and racers for a
 * single event type overlapping it. Whatever wins, the slot never holds more than its seats, and
 * the group and a single booking never share the host's time.
 */
async function seatRace(platform: Platform, killMidRace?: () => Promise<void>) {
  const api = new ApiClient(platform.gatewayUrl);
  const SEATS = 5;
  const host = await hostWithEventTypes(api, [
    { title: 'Workshop', duration: 60, seatsPerSlot: SEATS, bookingHorizonDays: 365 },
    { title: 'Call', duration: 30, bookingHorizonDays: 365 },
  ]);
  const [workshop, call] = host.eventTypes;
  const at = new Date(futureStart().getTime() + 60 * MINUTE).toISOString();
  const overlapping = new Date(Date.parse(at) + 30 * MINUTE).toISOString();
  const racers = await members(api, 50, 'racer');
  const requests = racers.map((racer, i) =>
    api.post('/bookings', {
      token: racer.token,
      // Every tenth racer wants the single event type's slot inside the group's time.
      body:
        i % 10 === 9
          ? { eventTypeId: call!.id, startTime: overlapping }
          : { eventTypeId: workshop!.id, startTime: at },
    }),
  );
  if (killMidRace) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    await killMidRace();
  }
  const statuses = (await Promise.all(requests)).map((response) => response.status);
  expect(statuses.filter((s) => s !== 201 && s !== 409 && s !== 503)).toEqual([]);
  // Creates that answered 503 may still land: read what holds the time once they are done.
  let seats: unknown[] = [];
  let calls: unknown[] = [];
  await eventually(async () => {
    seats = await attendees(api, host, workshop!.id, at);
    calls = await attendees(api, host, call!.id, overlapping);
    expect(seats.length + calls.length).toBeGreaterThan(0);
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  seats = await attendees(api, host, workshop!.id, at);
  calls = await attendees(api, host, call!.id, overlapping);
  expect(seats.length).toBeLessThanOrEqual(SEATS);
  expect(calls.length).toBeLessThanOrEqual(1);
  expect(seats.length === 0 || calls.length === 0).toBe(true);
  return { api, host, workshop: workshop!, at, seats: seats.length, racers, SEATS };
}

describe('seats racing (SPEC §5)', () => {
  it('two booking replicas: exactly the seats are sold, and the rest can still book after', async () => {
    const platform = await new Platform({ replicas: { booking: 2 } }).start();
    try {
      const { api, workshop, at, seats, SEATS } = await seatRace(platform);
      if (seats > 0) {
        // Losers left nothing behind: the seats left can be taken, and no more.
        const more = await members(api, SEATS - seats + 1, 'late');
        const statuses: number[] = [];
        for (const member of more) {
          const response = await api.post('/bookings', {
            token: member.token,
            body: { eventTypeId: workshop.id, startTime: at },
          });
          statuses.push(response.status);
        }
        expect(statuses).toEqual([...Array(SEATS - seats).fill(201), 409]);
      }
    } finally {
      await platform.stop();
    }
  });

  it('with the lock disabled', async () => {
    const platform = await new Platform({
      replicas: { booking: 2 },
      env: { booking: { SLOT_LOCK: 'off' } },
    }).start();
    try {
      await seatRace(platform);
    } finally {
      await platform.stop();
    }
  });

  it('with Redis killed mid-race', async () => {
    const redis = await new DisposableRedis().start();
    const platform = await new Platform({
      replicas: { booking: 2 },
      env: { booking: { REDIS_URL: redis.url } },
    }).start();
    try {
      await seatRace(platform, () => redis.stop());
    } finally {
      await platform.stop();
      await redis.stop();
    }
  });
});
