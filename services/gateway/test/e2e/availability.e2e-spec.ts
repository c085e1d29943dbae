import mongoose from 'mongoose';
import {
  AvailabilityCreated,
  AvailabilityDeleted,
  AnnounceHostTerms,
  AvailabilityUpdated,
  SlotList,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import {
  ApiClient,
  EventRecorder,
  Platform,
  futureStart,
  infra,
  mongoUrlFor,
  uniqueEmail,
  expectProblem,
} from '@slotbook/testing';

/** SPEC §4 and §6 (availability) through the gateway, with all four services running. */
describe('availability through the gateway', () => {
  let platform: Platform;
  let api: ApiClient;
  let events: EventRecorder;
  let adminToken: string;
  let guest: { user: any; accessToken: string };

  beforeAll(async () => {
    events = await new EventRecorder().start([{ exchange: 'availability.events' }]);
    platform = await new Platform().start();
    api = new ApiClient(platform.gatewayUrl);
    adminToken = (await api.login(platform.adminEmail, platform.adminPassword)).accessToken;
    guest = await api.signUp({ email: uniqueEmail('guest') });
  });

  afterAll(async () => {
    await platform?.stop();
    await events?.stop();
  });

  const MINUTE = 60_000;
  const DAY = 24 * 60 * MINUTE;
  const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * MINUTE);
  const iso = (date: Date) => date.toISOString();

  function newHost(label = 'host') {
    return api.signUp({ email: uniqueEmail(label), role: 'HOST' });
  }

  /** A two-hour range of 30-minute slots on a day of its own, unless told otherwise. */
  function rangeBody(start = futureStart(), minutes = 120, slotDuration = 30) {
    return { startTime: iso(start), endTime: iso(plus(start, minutes)), slotDuration };
  }

  function create(token: string, body: Record<string, unknown>) {
    return api.post('/availability', { token, body });
  }

  async function created(token: string, body: Record<string, unknown>) {
    const response = await create(token, body);
    expect(response.status).toBe(201);
    return response.body;
  }

  function listRanges(hostId: string, from: Date, to: Date, token = guest.accessToken) {
    return api.get(
      `/hosts/${hostId}/availability?from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(to))}`,
      { token },
    );
  }

  function listSlots(hostId: string, from: Date | string, to: Date | string) {
    const q = (value: Date | string) =>
      encodeURIComponent(typeof value === 'string' ? value : iso(value));
    return api.get(`/hosts/${hostId}/slots?from=${q(from)}&to=${q(to)}`, {
      token: guest.accessToken,
    });
  }

  async function freeStarts(hostId: string, from: Date, to: Date): Promise<string[]> {
    const response = await listSlots(hostId, from, to);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    // The body is serialised by hand (libs/scheduling slotsToJson): it must still be the contract.
    return SlotList.parse(response.body).data.map((slot) => slot.startTime);
  }

  function book(hostId: string, startTime: Date) {
    return api.post('/bookings', {
      token: guest.accessToken,
      body: { hostId, startTime: iso(startTime) },
    });
  }

  describe('creating a range', () => {
    it("answers 201 with the whole range for a HOST's own availability", async () => {
      const host = await newHost();
      const start = futureStart();
      const response = await create(host.accessToken, rangeBody(start, 120, 30));
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        hostId: host.user.id,
        startTime: iso(start),
        endTime: iso(plus(start, 120)),
        slotDuration: 30,
        requiresConfirmation: false,
        createdAt: expect.stringMatching(/Z$/),
        updatedAt: expect.stringMatching(/Z$/),
      });
    });

    it('accepts timestamps with any explicit offset and answers them in UTC with Z', async () => {
      const host = await newHost();
      const start = futureStart();
      const local = iso(plus(start, 120)).replace(/\.000Z$/, '+02:00');
      const response = await create(host.accessToken, {
        startTime: local,
        endTime: iso(plus(start, 180)),
        slotDuration: 15,
      });
      expect(response.status).toBe(201);
      expect(response.body.startTime).toBe(iso(start));
    });

    it('keeps requiresConfirmation when it is given', async () => {
      const host = await newHost();
      const range = await created(host.accessToken, {
        ...rangeBody(),
        requiresConfirmation: true,
      });
      expect(range.requiresConfirmation).toBe(true);
    });

    it('lets an ADMIN publish for the HOST named in hostId', async () => {
      const host = await newHost();
      const range = await created(adminToken, { ...rangeBody(), hostId: host.user.id });
      expect(range.hostId).toBe(host.user.id);
    });

    it('lets a HOST name themselves in hostId', async () => {
      const host = await newHost();
      const range = await created(host.accessToken, { ...rangeBody(), hostId: host.user.id });
      expect(range.hostId).toBe(host.user.id);
    });

    it('refuses a USER with 403', async () => {
      expectProblem(await create(guest.accessToken, rangeBody()), 403);
    });

    it("refuses a HOST publishing another host's availability with 403", async () => {
      const [host, other] = await Promise.all([newHost(), newHost()]);
      expectProblem(await create(host.accessToken, { ...rangeBody(), hostId: other.user.id }), 403);
    });

    it('needs hostId from an ADMIN (422 on hostId)', async () => {
      expectProblem(await create(adminToken, rangeBody()), 422, 'hostId');
    });

    it('answers 404 when an ADMIN names an unknown host', async () => {
      expectProblem(await create(adminToken, { ...rangeBody(), hostId: 'no-such-user' }), 404);
    });

    it('answers 422 on hostId when an ADMIN names an account that is not a HOST', async () => {
      expectProblem(
        await create(adminToken, { ...rangeBody(), hostId: guest.user.id }),
        422,
        'hostId',
      );
    });

    it('needs an access token (401)', async () => {
      expectProblem(await api.post('/availability', { body: rangeBody() }), 401);
    });
  });

  describe('validation: every rule is a 422 naming its field', () => {
    let host: { user: any; accessToken: string };

    beforeAll(async () => {
      host = await newHost('rules');
    });

    it.each(['startTime', 'endTime', 'slotDuration'])('a missing %s', async (field) => {
      const body: Record<string, unknown> = rangeBody();
      delete body[field];
      expectProblem(await create(host.accessToken, body), 422, field);
    });

    it('a field of the wrong type', async () => {
      expectProblem(
        await create(host.accessToken, { ...rangeBody(), startTime: 1893492000000 }),
        422,
        'startTime',
      );
      expectProblem(
        await create(host.accessToken, { ...rangeBody(), requiresConfirmation: 'yes' }),
        422,
        'requiresConfirmation',
      );
    });

    it('a timestamp without an offset', async () => {
      const body = rangeBody();
      const response = await create(host.accessToken, {
        ...body,
        startTime: body.startTime.replace('Z', ''),
      });
      expectProblem(response, 422, 'startTime');
      expect(response.body.errors[0].message).toMatch(/offset/);
    });

    it('a date without a time', async () => {
      const body = rangeBody();
      expectProblem(
        await create(host.accessToken, { ...body, endTime: body.endTime.slice(0, 10) }),
        422,
        'endTime',
      );
    });

    it('an impossible calendar date (2025-02-31)', async () => {
      const response = await create(host.accessToken, {
        ...rangeBody(),
        startTime: '2025-02-31T10:00:00Z',
      });
      expectProblem(response, 422, 'startTime');
      expect(response.body.errors.every((e: any) => e.path === 'startTime')).toBe(true);
      expect(response.body.errors).toContainEqual({
        path: 'startTime',
        message: 'is not a real calendar date',
      });
    });

    it.each([
      ['equal to', 0],
      ['before', -60],
    ])('an endTime %s startTime', async (_, minutes) => {
      const start = futureStart();
      const response = await create(host.accessToken, {
        startTime: iso(start),
        endTime: iso(plus(start, minutes)),
        slotDuration: 30,
      });
      expectProblem(response, 422, 'endTime');
      expect(response.body.errors).toEqual([
        { path: 'endTime', message: 'must be after startTime' },
      ]);
    });

    it.each([0, 4, 1441, '30', 30.5, null])('slotDuration %p', async (slotDuration) => {
      const response = await create(host.accessToken, { ...rangeBody(), slotDuration });
      expectProblem(response, 422, 'slotDuration');
      expect(response.body.errors).toHaveLength(1);
    });

    it('accepts the bounds of slotDuration, 5 and 1440 minutes', async () => {
      await created(host.accessToken, rangeBody(futureStart(), 5, 5));
      await created(host.accessToken, rangeBody(futureStart(), 1440, 1440));
    });

    it('a range shorter than one slot', async () => {
      const response = await create(host.accessToken, rangeBody(futureStart(), 29, 30));
      expectProblem(response, 422, 'slotDuration');
      expect(response.body.errors[0].message).toMatch(/whole slot/);
    });

    it('a start in the past', async () => {
      const start = new Date(Date.now() - 60 * MINUTE);
      const response = await create(host.accessToken, rangeBody(start, 180, 30));
      expectProblem(response, 422, 'startTime');
      expect(response.body.errors).toEqual([{ path: 'startTime', message: 'is in the past' }]);
    });

    it('a range of more than 31 days (32), while exactly 31 days is accepted', async () => {
      const start = futureStart();
      expectProblem(
        await create(host.accessToken, rangeBody(start, 32 * 24 * 60, 60)),
        422,
        'endTime',
      );
      const longest = await created(host.accessToken, rangeBody(start, 31 * 24 * 60, 60));
      expect(longest.endTime).toBe(iso(plus(start, 31 * 24 * 60)));
    });

    it('an unknown field', async () => {
      const response = await create(host.accessToken, { ...rangeBody(), timezone: 'UTC' });
      expectProblem(response, 422);
      expect(response.body.errors).toEqual([{ path: 'timezone', message: 'is not a known field' }]);
    });

    it('malformed JSON is a 400, not a 422', async () => {
      expectProblem(
        await api.post('/availability', { token: host.accessToken, rawBody: '{"startTime":' }),
        400,
      );
    });
  });

  describe('ranges of one host never overlap', () => {
    let host: { user: any; accessToken: string };
    let start: Date;

    beforeAll(async () => {
      host = await newHost('overlap');
      start = futureStart();
      // The existing range: 10:00–12:00 on its day.
      await created(host.accessToken, rangeBody(plus(start, 60), 120, 30));
    });

    it.each([
      ['identical to', 60, 180],
      ['inside', 90, 150],
      ['around', 0, 240],
      ['over the start of', 30, 90],
      ['over the end of', 150, 210],
    ])('refuses a range %s an existing one with 409', async (_, from, to) => {
      const response = await create(host.accessToken, {
        startTime: iso(plus(start, from)),
        endTime: iso(plus(start, to)),
        slotDuration: 15,
      });
      expectProblem(response, 409);
      expect(response.body.detail).toMatch(/overlaps/);
    });

    it('accepts ranges that touch it end-to-start on either side', async () => {
      await created(host.accessToken, rangeBody(start, 60, 30));
      await created(host.accessToken, rangeBody(plus(start, 180), 60, 20));
      const list = await listRanges(host.user.id, start, plus(start, 24 * 60));
      expect(list.body.data.map((r: any) => [r.startTime, r.endTime])).toEqual([
        [iso(start), iso(plus(start, 60))],
        [iso(plus(start, 60)), iso(plus(start, 180))],
        [iso(plus(start, 180)), iso(plus(start, 240))],
      ]);
    });

    it('lets another host use the same hours', async () => {
      const other = await newHost();
      await created(other.accessToken, rangeBody(plus(start, 60), 120, 30));
    });
  });

  describe("listing a host's ranges", () => {
    it('lists those overlapping [from, to), ascending, to any signed-in user', async () => {
      const host = await newHost();
      const day = futureStart();
      const late = await created(host.accessToken, rangeBody(plus(day, 300), 60));
      const early = await created(host.accessToken, rangeBody(day, 60));
      const mid = await created(host.accessToken, rangeBody(plus(day, 120), 60));
      const all = await listRanges(host.user.id, day, plus(day, 24 * 60));
      expect(all.status).toBe(200);
      expect(all.body).toEqual({ data: [early, mid, late] });
      // [10:30, 11:00) touches the end of `early` and the start of `mid`: neither overlaps.
      expect((await listRanges(host.user.id, plus(day, 60), plus(day, 120))).body.data).toEqual([]);
      expect(
        (await listRanges(host.user.id, plus(day, 30), plus(day, 121), host.accessToken)).body.data,
      ).toEqual([early, mid]);
    });

    it('defaults to the window from now for 31 days', async () => {
      const host = await newHost();
      const soon = new Date(Date.now() + DAY);
      soon.setUTCMinutes(0, 0, 0);
      const near = await created(host.accessToken, rangeBody(soon, 60));
      await created(host.accessToken, rangeBody(new Date(soon.getTime() + 40 * DAY), 60));
      const response = await api.get(`/hosts/${host.user.id}/availability`, {
        token: guest.accessToken,
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: [near] });
    });

    it('refuses a window longer than 31 days, or inverted, with 422 on to', async () => {
      const from = futureStart();
      expectProblem(
        await listRanges('someone', from, new Date(from.getTime() + 32 * DAY)),
        422,
        'to',
      );
      expectProblem(await listRanges('someone', from, from), 422, 'to');
    });

    it('answers an empty list for a host without ranges', async () => {
      const from = futureStart();
      const response = await listRanges('nobody-at-all', from, plus(from, 60));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: [] });
    });

    it('needs an access token (401)', async () => {
      expectProblem(await api.get('/hosts/anyone/availability'), 401);
    });
  });

  describe('changing and deleting a range', () => {
    it('PATCH by the owner answers 200 with the whole updated range', async () => {
      const host = await newHost();
      const start = futureStart();
      const range = await created(host.accessToken, rangeBody(start, 120, 30));
      const response = await api.patch(`/availability/${range.id}`, {
        token: host.accessToken,
        body: { endTime: iso(plus(start, 240)), requiresConfirmation: true },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...range,
        endTime: iso(plus(start, 240)),
        requiresConfirmation: true,
        updatedAt: expect.stringMatching(/Z$/),
      });
      const listed = await listRanges(host.user.id, start, plus(start, 300));
      expect(listed.body.data).toEqual([response.body]);
    });

    it('PATCH can move and re-cut a range without bookings', async () => {
      const host = await newHost();
      const start = futureStart();
      const range = await created(host.accessToken, rangeBody(start, 120, 30));
      const response = await api.patch(`/availability/${range.id}`, {
        token: host.accessToken,
        body: { startTime: iso(plus(start, 60)), endTime: iso(plus(start, 150)), slotDuration: 45 },
      });
      expect(response.status).toBe(200);
      expect(await freeStarts(host.user.id, start, plus(start, 300))).toEqual([
        iso(plus(start, 60)),
        iso(plus(start, 105)),
      ]);
    });

    it('PATCH checks the result with the creation rules (422) and refuses overlap (409)', async () => {
      const host = await newHost();
      const start = futureStart();
      const first = await created(host.accessToken, rangeBody(start, 60, 30));
      await created(host.accessToken, rangeBody(plus(start, 120), 60, 30));
      const patch = (body: Record<string, unknown>) =>
        api.patch(`/availability/${first.id}`, { token: host.accessToken, body });
      expectProblem(await patch({ slotDuration: 4 }), 422, 'slotDuration');
      expectProblem(await patch({ slotDuration: 90 }), 422, 'slotDuration');
      expectProblem(await patch({ endTime: iso(start) }), 422, 'endTime');
      expectProblem(await patch({ startTime: iso(new Date(Date.now() - DAY)) }), 422, 'startTime');
      expectProblem(await patch({ endTime: iso(plus(start, 32 * 24 * 60)) }), 422, 'endTime');
      expectProblem(await patch({}), 422);
      expectProblem(await patch({ hostId: 'someone-else' }), 422, 'hostId');
      expectProblem(await patch({ endTime: iso(plus(start, 121)) }), 409);
      // Touching the next range is fine.
      expect((await patch({ endTime: iso(plus(start, 120)) })).status).toBe(200);
    });

    it("answers 404 for another host's range, 200 for an ADMIN, 403 for a USER", async () => {
      const [host, other] = await Promise.all([newHost(), newHost()]);
      const range = await created(host.accessToken, rangeBody());
      const body = { requiresConfirmation: true };
      expectProblem(
        await api.patch(`/availability/${range.id}`, { token: other.accessToken, body }),
        404,
      );
      expectProblem(
        await api.delete(`/availability/${range.id}`, { token: other.accessToken }),
        404,
      );
      expectProblem(
        await api.patch(`/availability/${range.id}`, { token: guest.accessToken, body }),
        403,
      );
      const byAdmin = await api.patch(`/availability/${range.id}`, { token: adminToken, body });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.requiresConfirmation).toBe(true);
      expectProblem(
        await api.patch('/availability/no-such-range', { token: host.accessToken, body }),
        404,
      );
    });

    it('DELETE answers 204; the range and its slots are gone; a second DELETE is 404', async () => {
      const host = await newHost();
      const start = futureStart();
      const range = await created(host.accessToken, rangeBody(start, 60, 30));
      const deleted = await api.delete(`/availability/${range.id}`, { token: host.accessToken });
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect((await listRanges(host.user.id, start, plus(start, 60))).body.data).toEqual([]);
      expect(await freeStarts(host.user.id, start, plus(start, 60))).toEqual([]);
      expectProblem(
        await api.delete(`/availability/${range.id}`, { token: host.accessToken }),
        404,
      );
      // Its hours are free for a new range at once.
      await created(host.accessToken, rangeBody(start, 60, 30));
    });

    it('an ADMIN may delete any range', async () => {
      const host = await newHost();
      const range = await created(host.accessToken, rangeBody());
      expect((await api.delete(`/availability/${range.id}`, { token: adminToken })).status).toBe(
        204,
      );
    });
  });

  describe('a change never leaves an active booking outside every range', () => {
    it('refuses to cut off a booked slot (409) but lets the range grow or shrink elsewhere', async () => {
      const host = await newHost();
      const start = futureStart();
      const range = await created(host.accessToken, rangeBody(start, 120, 30));
      expect((await book(host.user.id, plus(start, 60))).status).toBe(201);
      const patch = (body: Record<string, unknown>) =>
        api.patch(`/availability/${range.id}`, { token: host.accessToken, body });
      const refused = await patch({ endTime: iso(plus(start, 60)) });
      expectProblem(refused, 409);
      expect(refused.body.detail).toMatch(/booking/);
      expectProblem(await patch({ startTime: iso(plus(start, 90)) }), 409);
      expect((await patch({ endTime: iso(plus(start, 180)) })).status).toBe(200);
      expect((await patch({ endTime: iso(plus(start, 90)) })).status).toBe(200);
      expect((await patch({ startTime: iso(plus(start, 30)) })).status).toBe(200);
      const listed = await listRanges(host.user.id, start, plus(start, 240));
      expect(listed.body.data.map((r: any) => [r.startTime, r.endTime])).toEqual([
        [iso(plus(start, 30)), iso(plus(start, 90))],
      ]);
    });

    it('refuses a new slot duration or grid that the booked slot does not fit', async () => {
      const host = await newHost();
      const start = futureStart();
      const range = await created(host.accessToken, rangeBody(start, 120, 30));
      expect((await book(host.user.id, plus(start, 30))).status).toBe(201);
      const patch = (body: Record<string, unknown>) =>
        api.patch(`/availability/${range.id}`, { token: host.accessToken, body });
      expectProblem(await patch({ slotDuration: 60 }), 409);
      expectProblem(await patch({ slotDuration: 15 }), 409);
      expectProblem(await patch({ startTime: iso(plus(start, 10)), slotDuration: 20 }), 409);
      // The range is untouched and still bookable after the refusals.
      expect((await listRanges(host.user.id, start, plus(start, 120))).body.data).toEqual([range]);
      expect((await book(host.user.id, plus(start, 60))).status).toBe(201);
    });

    it('refuses to delete a range with an active booking, and allows it once cancelled', async () => {
      const host = await newHost();
      const start = futureStart();
      const range = await created(host.accessToken, rangeBody(start, 60, 30));
      const booking = await book(host.user.id, start);
      expect(booking.status).toBe(201);
      expectProblem(
        await api.delete(`/availability/${range.id}`, { token: host.accessToken }),
        409,
      );
      expectProblem(await api.delete(`/availability/${range.id}`, { token: adminToken }), 409);
      const cancelled = await api.post(`/bookings/${booking.body.id}/cancel`, {
        token: guest.accessToken,
        body: {},
      });
      expect(cancelled.status).toBe(200);
      expect(
        (await api.delete(`/availability/${range.id}`, { token: host.accessToken })).status,
      ).toBe(204);
    });
  });

  describe('free slots', () => {
    it('are every whole slot of a range, ascending, without the partial tail', async () => {
      const host = await newHost();
      const start = futureStart();
      await created(host.accessToken, rangeBody(start, 100, 30));
      const response = await listSlots(host.user.id, start, plus(start, 24 * 60));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        data: [0, 30, 60].map((m) => ({
          startTime: iso(plus(start, m)),
          endTime: iso(plus(start, m + 30)),
        })),
      });
    });

    it('merge several ranges ascending', async () => {
      const host = await newHost();
      const start = futureStart();
      await created(host.accessToken, rangeBody(plus(start, 120), 40, 20));
      await created(host.accessToken, rangeBody(start, 60, 30));
      await created(host.accessToken, rangeBody(plus(start, 60), 30, 15));
      expect(await freeStarts(host.user.id, start, plus(start, 24 * 60))).toEqual(
        [0, 30, 60, 75, 120, 140].map((m) => iso(plus(start, m))),
      );
    });

    it('are those whose start lies in [from, to)', async () => {
      const host = await newHost();
      const start = futureStart();
      await created(host.accessToken, rangeBody(start, 120, 30));
      expect(await freeStarts(host.user.id, plus(start, 30), plus(start, 61))).toEqual([
        iso(plus(start, 30)),
        iso(plus(start, 60)),
      ]);
      expect(await freeStarts(host.user.id, plus(start, 31), plus(start, 60))).toEqual([]);
    });

    it('leave out a booked slot, and list it again once the booking is cancelled', async () => {
      const host = await newHost();
      const start = futureStart();
      await created(host.accessToken, rangeBody(start, 90, 30));
      const booking = await book(host.user.id, plus(start, 30));
      expect(booking.status).toBe(201);
      expect(await freeStarts(host.user.id, start, plus(start, 90))).toEqual([
        iso(start),
        iso(plus(start, 60)),
      ]);
      await api.post(`/bookings/${booking.body.id}/cancel`, { token: guest.accessToken, body: {} });
      expect(await freeStarts(host.user.id, start, plus(start, 90))).toEqual([
        iso(start),
        iso(plus(start, 30)),
        iso(plus(start, 60)),
      ]);
    });

    it('need from and to, at most 31 days apart (422)', async () => {
      const from = futureStart();
      expectProblem(
        await api.get(`/hosts/h/slots?from=${encodeURIComponent(iso(from))}`, {
          token: guest.accessToken,
        }),
        422,
        'to',
      );
      expectProblem(await api.get('/hosts/h/slots', { token: guest.accessToken }), 422, 'from');
      expectProblem(await listSlots('h', from, new Date(from.getTime() + 31 * DAY + 1)), 422, 'to');
      expectProblem(await listSlots('h', from, from), 422, 'to');
      expectProblem(await listSlots('h', '2030-01-01T10:00:00', iso(from)), 422, 'from');
      expect((await listSlots('h', from, new Date(from.getTime() + 31 * DAY))).status).toBe(200);
    });

    it('are offered by a 31-day range of 5-minute slots: all 8,928 of them', async () => {
      const host = await newHost();
      const start = futureStart();
      await created(host.accessToken, rangeBody(start, 31 * 24 * 60, 5));
      const response = await listSlots(host.user.id, start, plus(start, 31 * 24 * 60));
      expect(response.status).toBe(200);
      expect(response.body.data).toHaveLength(8928);
      expect(response.body.data[8927]).toEqual({
        startTime: iso(plus(start, 31 * 24 * 60 - 5)),
        endTime: iso(plus(start, 31 * 24 * 60)),
      });
    });

    it('are not offered while the range is being changed, and booking refuses them (409)', async () => {
      const host = await newHost();
      const start = futureStart();
      const range = await created(host.accessToken, rangeBody(start, 60, 30));
      // A change in progress, as a PATCH leaves it while it asks booking about the range.
      const db = await mongoose
        .createConnection(mongoUrlFor(platform.databases.availability))
        .asPromise();
      const hostDocs = db.collection<{ _id: string; version: number; ranges: any[] }>(
        'host_availability',
      );
      const bus = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 5_000 });
      const setLease = async (changingUntil: Date | null) => {
        // Written behind the service's back, as the service writes: a compare-and-set on the
        // version of the host's document, announced to booking (host-terms.ts).
        const current = await hostDocs.findOne({ _id: host.user.id });
        const ranges = current!.ranges.map((r) =>
          r.id === range.id ? { ...r, changingUntil, changeId: changingUntil ? 'test' : null } : r,
        );
        const version = current!.version + 1;
        await bus.send(AnnounceHostTerms, {
          hostId: host.user.id,
          version,
        });
        await hostDocs.updateOne(
          { _id: host.user.id, version: current!.version },
          { $set: { ranges }, $inc: { version: 1 } },
        );
      };
      try {
        await setLease(new Date(Date.now() + 60_000));
        expect(await freeStarts(host.user.id, start, plus(start, 60))).toEqual([]);
        const refused = await book(host.user.id, start);
        expectProblem(refused, 409);
        expectProblem(
          await api.patch(`/availability/${range.id}`, {
            token: host.accessToken,
            body: { endTime: iso(plus(start, 30)) },
          }),
          409,
        );
        await setLease(null);
        expect(await freeStarts(host.user.id, start, plus(start, 60))).toHaveLength(2);
        expect((await book(host.user.id, start)).status).toBe(201);
      } finally {
        await bus.close();
        await db.close();
      }
    });
  });

  describe('events and audit', () => {
    it('publishes availability.created, .updated and .deleted once per change, with the whole range', async () => {
      const host = await newHost();
      const start = futureStart();
      const headers = { 'x-request-id': `avail-events-${Date.now()}` };
      const createdRange = await api.post('/availability', {
        token: host.accessToken,
        body: rangeBody(start, 60, 30),
        headers,
      });
      expect(createdRange.status).toBe(201);
      const id = createdRange.body.id;
      const updated = await api.patch(`/availability/${id}`, {
        token: host.accessToken,
        body: { endTime: iso(plus(start, 90)) },
      });
      expect(updated.status).toBe(200);
      expect((await api.delete(`/availability/${id}`, { token: host.accessToken })).status).toBe(
        204,
      );
      const ofRange = () => events.matching((event) => event.envelope.data?.id === id);
      await events.waitFor(() => ofRange().length >= 3);
      // Give a duplicate the chance to show up before counting.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const received = ofRange();
      expect(received.map((event) => event.routingKey)).toEqual([
        'availability.created',
        'availability.updated',
        'availability.deleted',
      ]);
      const [c, u, d] = received;
      expect(AvailabilityCreated.envelope.parse(c.envelope).data).toEqual(createdRange.body);
      expect(AvailabilityUpdated.envelope.parse(u.envelope).data).toEqual(updated.body);
      expect(AvailabilityDeleted.envelope.parse(d.envelope).data).toEqual(updated.body);
      expect(c.envelope.correlationId).toBe(headers['x-request-id']);
      for (const event of received) {
        expect(event.envelope).toMatchObject({ version: 1, actorId: host.user.id });
        expect(event.properties).toMatchObject({
          messageId: event.envelope.id,
          type: event.envelope.type,
          contentType: 'application/json',
          deliveryMode: 2,
        });
      }
      expect(new Set(received.map((event) => event.envelope.id)).size).toBe(3);
    });

    it('shows every change of a range in the admin audit trail', async () => {
      const host = await newHost();
      const range = await created(host.accessToken, rangeBody());
      await api.patch(`/availability/${range.id}`, {
        token: host.accessToken,
        body: { requiresConfirmation: true },
      });
      await api.delete(`/availability/${range.id}`, { token: adminToken });
      let entries: any[] = [];
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const page = await api.get(`/admin/audit?entityId=${range.id}&limit=100`, {
          token: adminToken,
        });
        expect(page.status).toBe(200);
        entries = page.body.data;
        if (entries.length >= 3) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            action: 'availability.created',
            actorId: host.user.id,
            entityType: 'availability',
            entityId: range.id,
          }),
          expect.objectContaining({ action: 'availability.updated', actorId: host.user.id }),
          expect.objectContaining({ action: 'availability.deleted', actorId: expect.any(String) }),
        ]),
      );
      expect(entries.find((e) => e.action === 'availability.deleted').actorId).not.toBe(
        host.user.id,
      );
    });
  });
});
