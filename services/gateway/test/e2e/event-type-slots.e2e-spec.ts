import {
  ApiClient,
  Platform,
  expectProblem,
  futureStart,
  hostWithEventTypes,
  uniqueEmail,
} from '@slotbook/testing';

/**
 * An event type's free slots and bookings through the gateway (SPEC §4a, §5): hours in the
 * host's zone become instants date by date, DST days included; notice, horizon and buffers; and
 * bookings of event types and ranges keep each other's occupied time.
 *
 * The expected wall-clock times are read back with `Intl.DateTimeFormat`, an oracle independent
 * of the Luxon zone code under test, and the DST dates are found the same way, so the spec
 * keeps working as the calendar moves on.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function wallClock(zone: string, instant: number): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => parts.find((part) => part.type === type)!.value;
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    time: `${get('hour')}:${get('minute')}`,
  };
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(zone: string, instant: number): number {
  const { date, time } = wallClock(zone, instant);
  return (Date.parse(`${date}T${time}:00Z`) - Math.floor(instant / MINUTE) * MINUTE) / MINUTE;
}

/**
 * The next local dates (after a week from now) on which the zone's offset at noon differs from
 * the day before: clocks going forward and going back.
 */
function nextTransitions(zone: string): { forward: string; back: string } {
  const found: { forward?: string; back?: string } = {};
  let day = Date.parse(new Date(Date.now() + 7 * DAY).toISOString().slice(0, 10));
  for (let i = 0; i < 366 && !(found.forward && found.back); i += 1, day += DAY) {
    const before = offsetMinutes(zone, day - DAY + 12 * HOUR);
    const after = offsetMinutes(zone, day + 12 * HOUR);
    const date = new Date(day).toISOString().slice(0, 10);
    if (after > before) found.forward ??= date;
    if (after < before) found.back ??= date;
  }
  return found as { forward: string; back: string };
}

/** The window of a local date in any zone, with room either side (the listing is filtered). */
function around(date: string): string {
  const start = Date.parse(`${date}T00:00:00Z`);
  return `from=${new Date(start - DAY).toISOString()}&to=${new Date(start + 2 * DAY).toISOString()}`;
}

const EVERY_DAY = (start: string, end: string) =>
  ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'].map((day) => ({ day, start, end }));

describe('event type slots and bookings', () => {
  let platform: Platform;
  let api: ApiClient;
  let guest: string;

  beforeAll(async () => {
    platform = await new Platform().start();
    api = new ApiClient(platform.gatewayUrl);
    guest = (await api.signUp({ email: uniqueEmail('guest') })).accessToken;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  async function localSlots(eventTypeId: string, zone: string, date: string) {
    const listed = await api.get(`/event-types/${eventTypeId}/slots?${around(date)}`, {
      token: guest,
    });
    expect(listed.status).toBe(200);
    return (listed.body.data as Array<{ startTime: string; endTime: string }>)
      .map((slot) => ({
        ...slot,
        local: wallClock(zone, Date.parse(slot.startTime)),
        minutes: (Date.parse(slot.endTime) - Date.parse(slot.startTime)) / MINUTE,
      }))
      .filter((slot) => slot.local.date === date);
  }

  describe.each([
    ['Europe/Berlin'],
    ['America/New_York'],
    ['Australia/Sydney'],
    ['Australia/Lord_Howe'],
  ])('afternoon hours in %s on the days the clocks change', (zone) => {
    const transitions = nextTransitions(zone);

    it.each([
      ['forward', transitions.forward],
      ['back', transitions.back],
    ])(
      'clocks %s (%s): 13:00–17:00 local is four one-hour slots at 13, 14, 15 and 16 local',
      async (_, date) => {
        const host = await hostWithEventTypes(api, [{ duration: 60, bookingHorizonDays: 365 }], {
          timeZone: zone,
          weekly: EVERY_DAY('13:00', '17:00'),
        });
        const slots = await localSlots(host.eventTypes[0].id, zone, date);
        expect(slots.map((slot) => slot.local.time)).toEqual(['13:00', '14:00', '15:00', '16:00']);
        expect(slots.every((slot) => slot.minutes === 60)).toBe(true);
      },
    );
  });

  it("Berlin's spring-forward day: 01:00–05:00 lasts 3 hours, and 02:00 does not exist", async () => {
    const { forward } = nextTransitions('Europe/Berlin');
    const host = await hostWithEventTypes(api, [{ duration: 60, bookingHorizonDays: 365 }], {
      timeZone: 'Europe/Berlin',
      weekly: [],
      overrides: [{ date: forward, intervals: [{ start: '01:00', end: '05:00' }] }],
    });
    const slots = await localSlots(host.eventTypes[0].id, 'Europe/Berlin', forward);
    expect(slots.map((slot) => slot.local.time)).toEqual(['01:00', '03:00', '04:00']);
  });

  it("Berlin's fall-back day: 00:00–04:00 lasts 5 hours, 02:00 listed twice (two instants)", async () => {
    const { back } = nextTransitions('Europe/Berlin');
    const host = await hostWithEventTypes(api, [{ duration: 60, bookingHorizonDays: 365 }], {
      timeZone: 'Europe/Berlin',
      weekly: [],
      overrides: [{ date: back, intervals: [{ start: '00:00', end: '04:00' }] }],
    });
    const slots = await localSlots(host.eventTypes[0].id, 'Europe/Berlin', back);
    expect(slots.map((slot) => slot.local.time)).toEqual([
      '00:00',
      '01:00',
      '02:00',
      '02:00',
      '03:00',
    ]);
    const starts = slots.map((slot) => Date.parse(slot.startTime));
    expect(starts[4] - starts[0]).toBe(4 * HOUR);
  });

  it('books a listed slot; the slot and its buffers leave the listing, and a cancel brings them back', async () => {
    const host = await hostWithEventTypes(api, [
      {
        duration: 30,
        slotInterval: 15,
        bufferBefore: 15,
        bufferAfter: 15,
        bookingHorizonDays: 365,
      },
    ]);
    const day = futureStart(); // 09:00Z
    const window = `from=${day.toISOString()}&to=${new Date(day.getTime() + 3 * HOUR).toISOString()}`;
    const path = `/event-types/${host.eventTypes[0].id}/slots?${window}`;
    const before = await api.get(path, { token: guest });
    const at = new Date(day.getTime() + HOUR).toISOString(); // 10:00Z
    expect(before.body.data).toContainEqual({
      startTime: at,
      endTime: new Date(day.getTime() + HOUR + 30 * MINUTE).toISOString(),
    });
    const booked = await api.post('/bookings', {
      token: guest,
      body: { eventTypeId: host.eventTypes[0].id, startTime: at },
    });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({
      hostId: host.hostId,
      eventTypeId: host.eventTypes[0].id,
      startTime: at,
      status: 'confirmed',
    });
    // Occupied 09:45–10:45: a slot occupies its 30 minutes plus 15 either side, so the slots
    // starting 09:15 to 10:45 all overlap it; 09:00 (08:45–09:45) and 11:00 only touch it.
    const after = await api.get(path, { token: guest });
    const starts = (after.body.data as Array<{ startTime: string }>).map((s) =>
      s.startTime.slice(11, 16),
    );
    expect(starts).toEqual(['09:00', '11:00', '11:15', '11:30', '11:45']);
    const taken = await api.post('/bookings', {
      token: (await api.signUp({ email: uniqueEmail('late') })).accessToken,
      body: {
        eventTypeId: host.eventTypes[0].id,
        startTime: new Date(day.getTime() + HOUR + 30 * MINUTE).toISOString(),
      },
    });
    expectProblem(taken, 409);
    const cancelled = await api.post(`/bookings/${booked.body.id}/cancel`, {
      token: guest,
      body: {},
    });
    expect(cancelled.status).toBe(200);
    expect((await api.get(path, { token: guest })).body.data).toEqual(before.body.data);
  });

  it("a range booking and an event type booking keep each other's time", async () => {
    const host = await hostWithEventTypes(api, [
      { duration: 60, slotInterval: 30, bufferAfter: 10, bookingHorizonDays: 365 },
    ]);
    const day = futureStart();
    // A range 09:00–11:00 of 20-minute slots, on the same host.
    const range = await api.post('/availability', {
      token: host.token,
      body: {
        startTime: day.toISOString(),
        endTime: new Date(day.getTime() + 2 * HOUR).toISOString(),
        slotDuration: 20,
      },
    });
    expect(range.status).toBe(201);
    const eventBooking = await api.post('/bookings', {
      token: guest,
      body: { eventTypeId: host.eventTypes[0].id, startTime: day.toISOString() }, // 09:00–10:10
    });
    expect(eventBooking.status).toBe(201);
    // 10:00 lies in the event type booking's buffer after; 10:20 is free.
    const inBuffer = await api.post('/bookings', {
      token: guest,
      body: { hostId: host.hostId, startTime: new Date(day.getTime() + HOUR).toISOString() },
    });
    expectProblem(inBuffer, 409);
    const rangeSlots = await api.get(
      `/hosts/${host.hostId}/slots?from=${day.toISOString()}&to=${new Date(day.getTime() + 2 * HOUR).toISOString()}`,
      { token: guest },
    );
    expect(
      (rangeSlots.body.data as Array<{ startTime: string }>).map((s) => s.startTime.slice(11, 16)),
    ).toEqual(['10:20', '10:40']);
    const rangeBooking = await api.post('/bookings', {
      token: guest,
      body: {
        hostId: host.hostId,
        startTime: new Date(day.getTime() + HOUR + 40 * MINUTE).toISOString(),
      },
    });
    expect(rangeBooking.status).toBe(201);
    // The event type's 10:30 slot (10:30–11:40 with its buffer) meets the range booking.
    const overlapping = await api.post('/bookings', {
      token: guest,
      body: {
        eventTypeId: host.eventTypes[0].id,
        startTime: new Date(day.getTime() + 90 * MINUTE).toISOString(),
      },
    });
    expectProblem(overlapping, 409);
  });

  it('reschedules within the event type, and refuses a slot outside its hours (422)', async () => {
    const host = await hostWithEventTypes(api, [{ duration: 30, bookingHorizonDays: 365 }], {
      weekly: EVERY_DAY('09:00', '12:00'),
    });
    const day = futureStart();
    const booked = await api.post('/bookings', {
      token: guest,
      body: { eventTypeId: host.eventTypes[0].id, startTime: day.toISOString() },
    });
    expect(booked.status).toBe(201);
    const moved = await api.post(`/bookings/${booked.body.id}/reschedule`, {
      token: guest,
      body: { startTime: new Date(day.getTime() + 2 * HOUR).toISOString() },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      eventTypeId: host.eventTypes[0].id,
      startTime: new Date(day.getTime() + 2 * HOUR).toISOString(),
      endTime: new Date(day.getTime() + 2 * HOUR + 30 * MINUTE).toISOString(),
    });
    const outside = await api.post(`/bookings/${booked.body.id}/reschedule`, {
      token: guest,
      body: { startTime: new Date(day.getTime() + 4 * HOUR).toISOString() },
    });
    expectProblem(outside, 422);
  });

  it('reschedules onto time that overlaps its own, and frees exactly what it left', async () => {
    const host = await hostWithEventTypes(api, [
      { duration: 60, slotInterval: 30, bufferAfter: 15, bookingHorizonDays: 365 },
    ]);
    const id = host.eventTypes[0].id;
    const day = futureStart();
    const at = (minutes: number) => new Date(day.getTime() + minutes * MINUTE).toISOString();
    const booked = await api.post('/bookings', {
      token: guest,
      body: { eventTypeId: id, startTime: at(0) },
    });
    expect(booked.status).toBe(201);
    // 00:00–01:15 (with its buffer) moves to 00:30–01:45: the overlap is its own time.
    const moved = await api.post(`/bookings/${booked.body.id}/reschedule`, {
      token: guest,
      body: { startTime: at(30) },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ startTime: at(30), endTime: at(90) });
    // What it left (00:00–00:30) is free; what it holds now is not.
    const other = await api.signUp({ email: uniqueEmail('other') });
    const starts = (
      await api.get(`/event-types/${id}/slots?from=${at(-30)}&to=${at(180)}`, {
        token: other.accessToken,
      })
    ).body.data.map((slot: { startTime: string }) => slot.startTime);
    expect(starts).not.toContain(at(0));
    expect(starts).not.toContain(at(30));
    expect(starts).toContain(at(120));
    expectProblem(
      await api.post('/bookings', {
        token: other.accessToken,
        body: { eventTypeId: id, startTime: at(60) },
      }),
      409,
    );
    const before = await api.post('/bookings', {
      token: other.accessToken,
      body: { eventTypeId: id, startTime: at(-60) },
    });
    expect(before.status).toBe(201);
  });

  it('refuses starts inside the minimum notice or beyond the horizon (422), an unknown event type (404), and a body naming both host and event type (422)', async () => {
    const host = await hostWithEventTypes(api, [
      { duration: 30, minimumNotice: 3 * 24 * 60, bookingHorizonDays: 10 },
    ]);
    const id = host.eventTypes[0].id;
    const soon = new Date(Math.ceil((Date.now() + DAY) / HOUR) * HOUR).toISOString();
    const far = new Date(Math.ceil((Date.now() + 20 * DAY) / HOUR) * HOUR).toISOString();
    const ok = new Date(Math.ceil((Date.now() + 5 * DAY) / HOUR) * HOUR).toISOString();
    expectProblem(
      await api.post('/bookings', { token: guest, body: { eventTypeId: id, startTime: soon } }),
      422,
    );
    expectProblem(
      await api.post('/bookings', { token: guest, body: { eventTypeId: id, startTime: far } }),
      422,
    );
    expectProblem(
      await api.post('/bookings', {
        token: guest,
        body: { eventTypeId: 'no-such-event-type', startTime: ok },
      }),
      404,
    );
    const both = await api.post('/bookings', {
      token: guest,
      body: { eventTypeId: id, hostId: host.hostId, startTime: ok },
    });
    expectProblem(both, 422);
    expect(both.body.errors).toEqual([expect.objectContaining({ path: 'eventTypeId' })]);
    const listed = await api.get(
      `/event-types/${id}/slots?from=${new Date().toISOString()}&to=${new Date(Date.now() + 30 * DAY).toISOString()}`,
      { token: guest },
    );
    const starts = (listed.body.data as Array<{ startTime: string }>).map((s) =>
      Date.parse(s.startTime),
    );
    expect(starts.length).toBeGreaterThan(0);
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(Date.now() + 3 * DAY - MINUTE);
    expect(Math.max(...starts)).toBeLessThan(Date.now() + 10 * DAY);
    expect(
      (await api.post('/bookings', { token: guest, body: { eventTypeId: id, startTime: ok } }))
        .status,
    ).toBe(201);
  });
});
