import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import {
  ApiClient,
  EventRecorder,
  Platform,
  futureStart,
  hostWithRange,
  mongoUrlFor,
  slotAt,
  uniqueEmail,
  type HostFixture,
  expectProblem,
} from '@slotbook/testing';

/** SPEC §5 and §6 through the gateway, with all four services running. */
describe('bookings through the gateway', () => {
  let platform: Platform;
  let api: ApiClient;
  let events: EventRecorder;
  let guest: { user: any; accessToken: string };
  let adminToken: string;

  beforeAll(async () => {
    events = await new EventRecorder().start([{ exchange: 'booking.events' }]);
    platform = await new Platform().start();
    api = new ApiClient(platform.gatewayUrl);
    guest = await api.signUp({ email: uniqueEmail('guest') });
    adminToken = (await api.login(platform.adminEmail, platform.adminPassword)).accessToken;
  });

  afterAll(async () => {
    await platform?.stop();
    await events?.stop();
  });

  function book(
    host: HostFixture,
    index: number,
    token = guest.accessToken,
    extra: Record<string, unknown> = {},
  ) {
    return api.post('/bookings', {
      token,
      body: { hostId: host.hostId, startTime: slotAt(host, index), ...extra },
    });
  }

  function bookWithKey(host: HostFixture, index: number, key: string, token = guest.accessToken) {
    return api.post('/bookings', {
      token,
      body: { hostId: host.hostId, startTime: slotAt(host, index) },
      headers: { 'idempotency-key': key },
    });
  }

  async function freeSlots(host: HostFixture): Promise<string[]> {
    const to = new Date(host.start.getTime() + 86_400_000).toISOString();
    const response = await api.get(
      `/hosts/${host.hostId}/slots?from=${encodeURIComponent(host.start.toISOString())}&to=${encodeURIComponent(to)}`,
      {
        token: guest.accessToken,
      },
    );
    expect(response.status).toBe(200);
    return response.body.data.map((slot: { startTime: string }) => slot.startTime);
  }

  describe('creating', () => {
    it('books a slot: 201 with the whole record, confirmed, one slot long', async () => {
      const host = await hostWithRange(api);
      const response = await book(host, 2, guest.accessToken, { notes: 'first visit' });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        hostId: host.hostId,
        userId: guest.user.id,
        guest: null,
        responses: {},
        eventTypeId: null,
        startTime: slotAt(host, 2),
        endTime: slotAt(host, 3),
        status: 'confirmed',
        notes: 'first visit',
        cancellationReason: null,
        sequence: 0,
        createdAt: expect.stringMatching(/Z$/),
        updatedAt: expect.stringMatching(/Z$/),
      });
    });

    it('accepts the start in any offset and answers in UTC', async () => {
      const host = await hostWithRange(api);
      const start = new Date(slotAt(host, 1));
      const shifted = new Date(start.getTime() + 2 * 3_600_000)
        .toISOString()
        .replace('Z', '+02:00');
      const response = await api.post('/bookings', {
        token: guest.accessToken,
        body: { hostId: host.hostId, startTime: shifted },
      });
      expect(response.status).toBe(201);
      expect(response.body.startTime).toBe(start.toISOString());
    });

    it('starts pending when the range requires confirmation', async () => {
      const host = await hostWithRange(api, { requiresConfirmation: true });
      const response = await book(host, 0);
      expect(response.status).toBe(201);
      expect(response.body.status).toBe('pending');
    });

    it('no longer lists a slot booked a moment ago as free', async () => {
      const host = await hostWithRange(api);
      expect(await freeSlots(host)).toContain(slotAt(host, 4));
      expect((await book(host, 4)).status).toBe(201);
      expect(await freeSlots(host)).not.toContain(slotAt(host, 4));
    });

    it('answers 409 when the slot is taken', async () => {
      const host = await hostWithRange(api);
      expect((await book(host, 0)).status).toBe(201);
      const other = await api.signUp({ email: uniqueEmail('late') });
      expectProblem(await book(host, 0, other.accessToken), 409);
    });

    it('answers 422 for a start off the slot grid, outside every range, or in the past', async () => {
      const host = await hostWithRange(api);
      const offGrid = new Date(host.start.getTime() + 10 * 60_000).toISOString();
      expectProblem(
        await api.post('/bookings', {
          token: guest.accessToken,
          body: { hostId: host.hostId, startTime: offGrid },
        }),
        422,
      );
      expectProblem(await book(host, 100), 422);
      const past = await api.post('/bookings', {
        token: guest.accessToken,
        body: { hostId: host.hostId, startTime: '2020-01-01T10:00:00Z' },
      });
      expectProblem(past, 422);
      expect(past.body.errors).toEqual([expect.objectContaining({ path: 'startTime' })]);
    });

    it('answers 422 for an offset-less start and unknown fields', async () => {
      const host = await hostWithRange(api);
      const local = await api.post('/bookings', {
        token: guest.accessToken,
        body: { hostId: host.hostId, startTime: '2031-01-01T10:00:00' },
      });
      expectProblem(local, 422);
      expect(local.body.errors).toEqual([expect.objectContaining({ path: 'startTime' })]);
      const unknown = await api.post('/bookings', {
        token: guest.accessToken,
        body: { hostId: host.hostId, startTime: slotAt(host, 0), status: 'confirmed' },
      });
      expectProblem(unknown, 422);
    });

    it('answers 404 for an unknown host', async () => {
      expectProblem(
        await api.post('/bookings', {
          token: guest.accessToken,
          body: { hostId: randomUUID(), startTime: futureStart().toISOString() },
        }),
        404,
      );
    });

    it('does not let a host book their own availability', async () => {
      const host = await hostWithRange(api);
      const response = await book(host, 0, host.token);
      expectProblem(response, 422);
      expect(response.body.errors).toEqual([expect.objectContaining({ path: 'hostId' })]);
    });

    it('lets a host book another host', async () => {
      const host = await hostWithRange(api);
      const other = await hostWithRange(api);
      expect((await book(host, 0, other.token)).status).toBe(201);
    });
  });

  describe('lifecycle', () => {
    it('the host confirms a pending booking; the guest may not', async () => {
      const host = await hostWithRange(api, { requiresConfirmation: true });
      const created = await book(host, 0);
      expectProblem(
        await api.post(`/bookings/${created.body.id}/confirm`, { token: guest.accessToken }),
        403,
      );
      const confirmed = await api.post(`/bookings/${created.body.id}/confirm`, {
        token: host.token,
      });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toMatchObject({ id: created.body.id, status: 'confirmed' });
      expectProblem(
        await api.post(`/bookings/${created.body.id}/confirm`, { token: host.token }),
        409,
      );
    });

    it('cancelling frees the slot at once and it can be booked again', async () => {
      const host = await hostWithRange(api);
      const created = await book(host, 3);
      const cancelled = await api.post(`/bookings/${created.body.id}/cancel`, {
        token: guest.accessToken,
        body: { reason: 'plans changed' },
      });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({
        status: 'cancelled',
        cancellationReason: 'plans changed',
      });
      expect(await freeSlots(host)).toContain(slotAt(host, 3));
      const other = await api.signUp({ email: uniqueEmail('rebook') });
      expect((await book(host, 3, other.accessToken)).status).toBe(201);
      expectProblem(
        await api.post(`/bookings/${created.body.id}/cancel`, { token: guest.accessToken }),
        409,
      );
    });

    it('cancels without a body', async () => {
      const host = await hostWithRange(api);
      const created = await book(host, 0);
      const cancelled = await api.post(`/bookings/${created.body.id}/cancel`, {
        token: host.token,
      });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.cancellationReason).toBeNull();
    });

    it('refuses to complete before the slot has ended (409), and complete and confirm on a cancelled booking', async () => {
      const host = await hostWithRange(api);
      const created = await book(host, 0);
      expectProblem(
        await api.post(`/bookings/${created.body.id}/complete`, { token: host.token }),
        409,
      );
      await api.post(`/bookings/${created.body.id}/cancel`, { token: host.token });
      expectProblem(
        await api.post(`/bookings/${created.body.id}/complete`, { token: host.token }),
        409,
      );
      expectProblem(
        await api.post(`/bookings/${created.body.id}/confirm`, { token: host.token }),
        409,
      );
      expectProblem(
        await api.post(`/bookings/${created.body.id}/reschedule`, {
          token: host.token,
          body: { startTime: slotAt(host, 1) },
        }),
        409,
      );
    });

    it('completes a confirmed booking once its slot has ended; only the host', async () => {
      // A booking whose slot is over cannot be made through the API (no past slots), so it is
      // written straight into booking's database, as it would look an hour after its slot.
      const hostUser = await api.signUp({ email: uniqueEmail('past-host'), role: 'HOST' });
      const id = randomUUID();
      const connection = await mongoose
        .createConnection(mongoUrlFor(platform.databases.booking))
        .asPromise();
      const start = new Date(Date.now() - 2 * 3_600_000);
      await connection.collection('bookings').insertOne({
        _id: id as any,
        hostId: hostUser.user.id,
        userId: guest.user.id,
        startTime: start,
        endTime: new Date(start.getTime() + 30 * 60_000),
        status: 'confirmed',
        notes: null,
        cancellationReason: null,
        hostMonth: `${hostUser.user.id}|${start.toISOString().slice(0, 7)}`,
        rangeId: 'r',
        createdAt: start,
        updatedAt: start,
        outbox: [],
      });
      await connection.close();
      expectProblem(await api.post(`/bookings/${id}/complete`, { token: guest.accessToken }), 403);
      const completed = await api.post(`/bookings/${id}/complete`, { token: hostUser.accessToken });
      expect(completed.status).toBe(200);
      expect(completed.body.status).toBe('completed');
      expectProblem(await api.post(`/bookings/${id}/cancel`, { token: hostUser.accessToken }), 409);
    });

    it('reschedules to another free slot: the new slot is held, the old one freed', async () => {
      const host = await hostWithRange(api);
      const created = await book(host, 1);
      const moved = await api.post(`/bookings/${created.body.id}/reschedule`, {
        token: guest.accessToken,
        body: { startTime: slotAt(host, 5) },
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        id: created.body.id,
        startTime: slotAt(host, 5),
        endTime: slotAt(host, 6),
        status: 'confirmed',
      });
      const free = await freeSlots(host);
      expect(free).toContain(slotAt(host, 1));
      expect(free).not.toContain(slotAt(host, 5));
    });

    it('refuses to reschedule onto a taken slot and changes nothing', async () => {
      const host = await hostWithRange(api);
      const mine = await book(host, 1);
      const other = await api.signUp({ email: uniqueEmail('taker') });
      expect((await book(host, 2, other.accessToken)).status).toBe(201);
      expectProblem(
        await api.post(`/bookings/${mine.body.id}/reschedule`, {
          token: guest.accessToken,
          body: { startTime: slotAt(host, 2) },
        }),
        409,
      );
      const after = await api.get(`/bookings/${mine.body.id}`, { token: guest.accessToken });
      expect(after.body).toEqual(mine.body);
      expect(await freeSlots(host)).not.toContain(slotAt(host, 1));
    });
  });

  describe('rescheduling takes the rules of the new slot', () => {
    /** A second range of the host, touching the end of its first (8 slots by default). */
    async function rangeAfter(host: HostFixture, requiresConfirmation: boolean): Promise<string> {
      const start = slotAt(host, 8);
      const end = slotAt(host, 12);
      const range = await api.post('/availability', {
        token: host.token,
        body: {
          startTime: start,
          endTime: end,
          slotDuration: host.slotMinutes,
          requiresConfirmation,
        },
      });
      expect(range.status).toBe(201);
      return start;
    }

    async function rescheduledEvent(bookingId: string): Promise<any> {
      await events.waitFor((all) =>
        all.some((e) => e.routingKey === 'booking.rescheduled' && e.envelope.data.id === bookingId),
      );
      return events.matching(
        (e) => e.routingKey === 'booking.rescheduled' && e.envelope.data.id === bookingId,
      )[0].envelope;
    }

    it('makes a confirmed booking pending when it moves onto a slot that requires confirmation, until the host confirms', async () => {
      const host = await hostWithRange(api);
      const target = await rangeAfter(host, true);
      const created = await book(host, 0);
      expect(created.body.status).toBe('confirmed');
      const moved = await api.post(`/bookings/${created.body.id}/reschedule`, {
        token: guest.accessToken,
        body: { startTime: target },
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ startTime: target, status: 'pending' });
      expect((await rescheduledEvent(created.body.id)).data).toMatchObject({
        status: 'pending',
        previousStatus: 'confirmed',
        startTime: target,
        previousStartTime: slotAt(host, 0),
      });
      expectProblem(
        await api.post(`/bookings/${created.body.id}/confirm`, { token: guest.accessToken }),
        403,
      );
      const confirmed = await api.post(`/bookings/${created.body.id}/confirm`, {
        token: host.token,
      });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.status).toBe('confirmed');
    });

    it('confirms a pending booking that moves onto a slot that needs no confirmation', async () => {
      const host = await hostWithRange(api, { requiresConfirmation: true });
      const target = await rangeAfter(host, false);
      const created = await book(host, 0);
      expect(created.body.status).toBe('pending');
      const moved = await api.post(`/bookings/${created.body.id}/reschedule`, {
        token: guest.accessToken,
        body: { startTime: target },
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ startTime: target, status: 'confirmed' });
      expect((await rescheduledEvent(created.body.id)).data).toMatchObject({
        status: 'confirmed',
        previousStatus: 'pending',
      });
    });

    it('makes a host-confirmed booking pending again when it moves within a range that requires confirmation', async () => {
      const host = await hostWithRange(api, { requiresConfirmation: true });
      const created = await book(host, 0);
      await api.post(`/bookings/${created.body.id}/confirm`, { token: host.token });
      const moved = await api.post(`/bookings/${created.body.id}/reschedule`, {
        token: guest.accessToken,
        body: { startTime: slotAt(host, 3) },
      });
      expect(moved.status).toBe(200);
      expect(moved.body.status).toBe('pending');
    });
  });

  describe('a slot that has started', () => {
    it('cannot be booked (422) and its booking cannot be rescheduled (409, nothing changes)', async () => {
      const hostUser = await api.signUp({ email: uniqueEmail('soon-host'), role: 'HOST' });
      // A range whose first 5-minute slot starts in a few seconds: booked now, under way soon.
      const start = new Date(Math.ceil((Date.now() + 5_000) / 1_000) * 1_000);
      const range = await api.post('/availability', {
        token: hostUser.accessToken,
        body: {
          startTime: start.toISOString(),
          endTime: new Date(start.getTime() + 4 * 5 * 60_000).toISOString(),
          slotDuration: 5,
        },
      });
      expect(range.status).toBe(201);
      const host: HostFixture = {
        hostId: hostUser.user.id,
        token: hostUser.accessToken,
        rangeId: range.body.id,
        start,
        slotMinutes: 5,
      };
      const created = await book(host, 0);
      expect(created.status).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, start.getTime() + 500 - Date.now()));

      const moved = await api.post(`/bookings/${created.body.id}/reschedule`, {
        token: guest.accessToken,
        body: { startTime: slotAt(host, 2) },
      });
      expectProblem(moved, 409);
      const after = await api.get(`/bookings/${created.body.id}`, { token: guest.accessToken });
      expect(after.body).toEqual(created.body);
      expect(await freeSlots(host)).toContain(slotAt(host, 2));

      const other = await api.signUp({ email: uniqueEmail('too-late') });
      expectProblem(await book(host, 0, other.accessToken), 422, 'startTime');
      // The lifecycle still lets a booking under way be cancelled (SPEC §5 sets no time limit).
      const cancelled = await api.post(`/bookings/${created.body.id}/cancel`, {
        token: guest.accessToken,
      });
      expect(cancelled.status).toBe(200);
    });
  });

  describe('visibility', () => {
    it("answers 404 for another user's booking on get, cancel and reschedule", async () => {
      const host = await hostWithRange(api);
      const created = await book(host, 0);
      const stranger = await api.signUp({ email: uniqueEmail('stranger') });
      expectProblem(
        await api.get(`/bookings/${created.body.id}`, { token: stranger.accessToken }),
        404,
      );
      expectProblem(
        await api.post(`/bookings/${created.body.id}/cancel`, { token: stranger.accessToken }),
        404,
      );
      expectProblem(
        await api.post(`/bookings/${created.body.id}/reschedule`, {
          token: stranger.accessToken,
          body: { startTime: slotAt(host, 1) },
        }),
        404,
      );
      expectProblem(
        await api.post(`/bookings/${created.body.id}/confirm`, { token: stranger.accessToken }),
        404,
      );
      expect((await api.get(`/bookings/${created.body.id}`, { token: host.token })).status).toBe(
        200,
      );
      expect((await api.get(`/bookings/${created.body.id}`, { token: adminToken })).status).toBe(
        200,
      );
    });

    it('lists only what the caller may see: a user their own, a host as guest or host, an admin all', async () => {
      const host = await hostWithRange(api);
      const user = await api.signUp({ email: uniqueEmail('lister') });
      const asGuest = await book(host, 0, user.accessToken);
      const otherHost = await hostWithRange(api);
      const hostAsGuest = await book(otherHost, 0, host.token);
      const mine = await api.get('/bookings', { token: user.accessToken });
      expect(mine.body.data.map((b: any) => b.id)).toEqual([asGuest.body.id]);
      const hosts = await api.get('/bookings?limit=100', { token: host.token });
      expect(hosts.body.data.map((b: any) => b.id).sort()).toEqual(
        [asGuest.body.id, hostAsGuest.body.id].sort(),
      );
      const admin = await api.get(`/bookings?hostId=${host.hostId}`, { token: adminToken });
      expect(admin.body.data.map((b: any) => b.id)).toEqual([asGuest.body.id]);
    });

    it('filters by status and time window, ordered by start time', async () => {
      const host = await hostWithRange(api);
      const b0 = await book(host, 0);
      const b3 = await book(host, 3);
      const b6 = await book(host, 6);
      await api.post(`/bookings/${b3.body.id}/cancel`, { token: guest.accessToken });
      const active = await api.get(`/bookings?hostId=${host.hostId}&status=confirmed`, {
        token: host.token,
      });
      expect(active.body.data.map((b: any) => b.id)).toEqual([b0.body.id, b6.body.id]);
      const window = await api.get(
        `/bookings?hostId=${host.hostId}&from=${encodeURIComponent(slotAt(host, 1))}&to=${encodeURIComponent(slotAt(host, 7))}`,
        { token: host.token },
      );
      expect(window.body.data.map((b: any) => b.id)).toEqual([b3.body.id, b6.body.id]);
      expectProblem(await api.get('/bookings?status=booked', { token: host.token }), 422);
    });

    it('walks all pages while new bookings arrive: no duplicates, no gaps', async () => {
      const host = await hostWithRange(api, { slots: 20, slotMinutes: 15 });
      const existing: string[] = [];
      for (let i = 0; i < 12; i += 1) existing.push((await book(host, i)).body.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let inserted = 12;
      do {
        const page: any = await api.get(
          `/bookings?hostId=${host.hostId}&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token: host.token },
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.data.map((b: any) => b.id));
        cursor = page.body.nextCursor;
        if (inserted < 20) await book(host, inserted++);
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(existing));
    });
    it('walks the pages of a host who is guest and host: one order by start then id, no duplicates, no gaps', async () => {
      const host = await hostWithRange(api, { slots: 12, slotMinutes: 15 });
      // Another host on the very same grid, so bookings as guest and as host tie on start.
      const other = await hostWithRange(api, { slots: 12, slotMinutes: 15, start: host.start });
      const all: Array<{ id: string; startTime: string }> = [];
      for (let i = 0; i < 12; i += 1) {
        if (i % 3 !== 2) all.push((await book(host, i)).body);
        if (i % 2 === 0) all.push((await book(other, i, host.token)).body);
      }
      const expected = [...all]
        .sort((a, b) =>
          a.startTime === b.startTime ? (a.id < b.id ? -1 : 1) : a.startTime < b.startTime ? -1 : 1,
        )
        .map((booking) => booking.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await api.get(
          `/bookings?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token: host.token },
        );
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(4);
        seen.push(...page.body.data.map((b: any) => b.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and body', async () => {
      const host = await hostWithRange(api);
      const key = randomUUID();
      const body = { hostId: host.hostId, startTime: slotAt(host, 0) };
      const first = await api.post('/bookings', {
        token: guest.accessToken,
        body,
        headers: { 'idempotency-key': key },
      });
      const second = await api.post('/bookings', {
        token: guest.accessToken,
        body,
        headers: { 'idempotency-key': key },
      });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      const list = await api.get(`/bookings?hostId=${host.hostId}`, { token: host.token });
      expect(list.body.data).toHaveLength(1);
    });

    it('answers 422 for the same key with a different body', async () => {
      const host = await hostWithRange(api);
      const key = randomUUID();
      expect((await bookWithKey(host, 0, key)).status).toBe(201);
      const mismatch = await bookWithKey(host, 1, key);
      expectProblem(mismatch, 422);
    });

    it('keeps keys per user: another user with the same key books for real', async () => {
      const host = await hostWithRange(api);
      const key = randomUUID();
      const other = await api.signUp({ email: uniqueEmail('idem') });
      expect((await bookWithKey(host, 0, key)).status).toBe(201);
      const theirs = await bookWithKey(host, 1, key, other.accessToken);
      expect(theirs.status).toBe(201);
    });

    it('replays a refusal too: a 409 stays a 409 for that key', async () => {
      const host = await hostWithRange(api);
      const other = await api.signUp({ email: uniqueEmail('idem409') });
      expect((await book(host, 0, other.accessToken)).status).toBe(201);
      const key = randomUUID();
      const body = { hostId: host.hostId, startTime: slotAt(host, 0) };
      const first = await api.post('/bookings', {
        token: guest.accessToken,
        body,
        headers: { 'idempotency-key': key },
      });
      const again = await api.post('/bookings', {
        token: guest.accessToken,
        body,
        headers: { 'idempotency-key': key },
      });
      expectProblem(first, 409);
      expect(again.status).toBe(409);
      expect(again.body.detail).toBe(first.body.detail);
    });
  });

  describe('events', () => {
    it('publishes exactly the events of each transition, in order, with valid envelopes', async () => {
      const host = await hostWithRange(api, { requiresConfirmation: true });
      const created = await book(host, 0);
      const id = created.body.id;
      await api.post(`/bookings/${id}/confirm`, { token: host.token });
      await api.post(`/bookings/${id}/reschedule`, {
        token: guest.accessToken,
        body: { startTime: slotAt(host, 2) },
      });
      await api.post(`/bookings/${id}/cancel`, {
        token: guest.accessToken,
        body: { reason: 'sick' },
      });
      await events.waitFor((all) => all.filter((e) => e.envelope.data.id === id).length >= 4);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const mine = events.matching((e) => e.envelope.data.id === id);
      const unique = [...new Map(mine.map((e) => [e.envelope.id, e])).values()];
      expect(unique.map((e) => e.routingKey)).toEqual([
        'booking.created',
        'booking.confirmed',
        'booking.rescheduled',
        'booking.cancelled',
      ]);
      for (const event of unique) {
        expect(event.envelope).toEqual({
          id: expect.any(String),
          type: event.routingKey,
          version: 1,
          occurredAt: expect.stringMatching(/Z$/),
          correlationId: expect.any(String),
          actorId: expect.any(String),
          data: expect.objectContaining({ id, hostId: host.hostId, userId: guest.user.id }),
        });
        expect(event.properties).toMatchObject({
          messageId: event.envelope.id,
          type: event.routingKey,
          contentType: 'application/json',
          deliveryMode: 2,
        });
      }
      expect(unique[0].envelope.data.status).toBe('pending');
      expect(unique[0].envelope.correlationId).toBe(created.headers.get('x-request-id'));
      expect(unique[2].envelope.data).toMatchObject({
        startTime: slotAt(host, 2),
        previousStartTime: slotAt(host, 0),
      });
      expect(unique[3].envelope.data).toMatchObject({
        status: 'cancelled',
        reason: 'sick',
        cancellationReason: 'sick',
      });
    });

    it('feeds every booking action into the audit trail', async () => {
      const host = await hostWithRange(api);
      const created = await book(host, 0);
      await api.post(`/bookings/${created.body.id}/cancel`, { token: guest.accessToken });
      let actions: string[] = [];
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const page = await api.get(`/admin/audit?entityId=${created.body.id}`, {
          token: adminToken,
        });
        actions = page.body.data.map((e: any) => e.action);
        if (actions.length >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(actions).toEqual(['booking.created', 'booking.cancelled']);
    });
  });
});
