import ICAL from 'ical.js';
import {
  ApiClient,
  Platform,
  expectProblem,
  futureStart,
  hostWithEventTypes,
  hostWithRange,
  slotAt,
  uniqueEmail,
  type ApiResponse,
} from '@slotbook/testing';

/** SPEC §6b through the gateway, with all services running; files read back with ical.js. */
describe('calendar files through the gateway', () => {
  let platform: Platform;
  let api: ApiClient;
  let member: { user: { id: string; email: string; name: string }; accessToken: string };
  let adminToken: string;

  beforeAll(async () => {
    // Request lines are logged at info: the feed's secret must not be in them.
    platform = await new Platform({
      env: { gateway: { LOG_LEVEL: 'info' }, booking: { LOG_LEVEL: 'info' } },
    }).start();
    api = new ApiClient(platform.gatewayUrl);
    member = await api.signUp({ email: uniqueEmail('member'), name: 'Mia, Member; Jr' });
    adminToken = (await api.login(platform.adminEmail, platform.adminPassword)).accessToken;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  function calendarOf(response: ApiResponse): ICAL.Component {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    return new ICAL.Component(ICAL.parse(response.text));
  }

  function eventOf(response: ApiResponse): ICAL.Component {
    const events = calendarOf(response).getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    return events[0];
  }

  function startOf(event: ICAL.Component): string {
    return (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString();
  }

  function ics(bookingId: string, token: string | undefined) {
    return api.get(`/bookings/${bookingId}/ics`, { token });
  }

  describe("a booking's file", () => {
    it('serves its guest, its host and an admin the same invitation', async () => {
      const host = await hostWithRange(api);
      const booked = await api.post('/bookings', {
        token: member.accessToken,
        body: { hostId: host.hostId, startTime: slotAt(host, 1) },
      });
      expect(booked.status).toBe(201);
      const me = await api.get('/users/me', { token: host.token });
      for (const token of [member.accessToken, host.token, adminToken]) {
        const response = await ics(booked.body.id, token);
        expect(calendarOf(response).getFirstPropertyValue('method')).toBe('REQUEST');
        const event = eventOf(response);
        expect(event.getFirstPropertyValue('uid')).toBe(`${booked.body.id}@slotbook`);
        expect(event.getFirstPropertyValue('summary')).toBe('Booking');
        expect(event.getFirstPropertyValue('sequence')).toBe(0);
        expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
        expect(startOf(event)).toBe(slotAt(host, 1));
        const organizer = event.getFirstProperty('organizer')!;
        expect(organizer.getParameter('cn')).toBe(me.body.name);
        expect(String(organizer.getFirstValue()).toLowerCase()).toBe(`mailto:${me.body.email}`);
        const attendee = event.getFirstProperty('attendee')!;
        expect(attendee.getParameter('cn')).toBe('Mia, Member; Jr');
        expect(String(attendee.getFirstValue()).toLowerCase()).toBe(`mailto:${member.user.email}`);
      }
      expectProblem(await ics(booked.body.id, undefined), 401);
    });

    it('is 404 for anyone else, as the booking is', async () => {
      const host = await hostWithRange(api);
      const booked = await api.post('/bookings', {
        token: member.accessToken,
        body: { hostId: host.hostId, startTime: slotAt(host, 0) },
      });
      const stranger = await api.signUp({ email: uniqueEmail('stranger') });
      expectProblem(await ics(booked.body.id, stranger.accessToken), 404);
      expectProblem(await ics('no-such-booking', adminToken), 404);
    });

    it("names the event type's title", async () => {
      const host = await hostWithEventTypes(api, [
        { title: 'Intro, 30; minutes', duration: 30, bookingHorizonDays: 365 },
      ]);
      const startTime = futureStart().toISOString();
      const booked = await api.post('/bookings', {
        token: member.accessToken,
        body: { eventTypeId: host.eventTypes[0].id, startTime },
      });
      expect(booked.status).toBe(201);
      const event = eventOf(await ics(booked.body.id, member.accessToken));
      expect(event.getFirstPropertyValue('summary')).toBe('Intro, 30; minutes');
      expect(startOf(event)).toBe(startTime);
    });

    it('grows its SEQUENCE at confirm, reschedule and cancel, and turns into a cancel', async () => {
      const host = await hostWithRange(api, { requiresConfirmation: true });
      const booked = await api.post('/bookings', {
        token: member.accessToken,
        body: { hostId: host.hostId, startTime: slotAt(host, 0) },
      });
      const id = booked.body.id as string;
      const seen = async () => {
        const response = await ics(id, member.accessToken);
        const event = eventOf(response);
        return {
          method: calendarOf(response).getFirstPropertyValue('method'),
          uid: event.getFirstPropertyValue('uid'),
          sequence: event.getFirstPropertyValue('sequence'),
          status: event.getFirstPropertyValue('status'),
          start: startOf(event),
        };
      };
      const uid = `${id}@slotbook`;
      expect(await seen()).toEqual({
        method: 'REQUEST',
        uid,
        sequence: 0,
        status: 'TENTATIVE',
        start: slotAt(host, 0),
      });
      expect((await api.post(`/bookings/${id}/confirm`, { token: host.token })).status).toBe(200);
      expect(await seen()).toMatchObject({ sequence: 1, status: 'CONFIRMED' });
      const moved = await api.post(`/bookings/${id}/reschedule`, {
        token: member.accessToken,
        body: { startTime: slotAt(host, 3) },
      });
      expect(moved.status).toBe(200);
      expect(await seen()).toMatchObject({ uid, sequence: 2, start: slotAt(host, 3) });
      const cancelled = await api.post(`/bookings/${id}/cancel`, {
        token: member.accessToken,
        body: {},
      });
      expect(cancelled.status).toBe(200);
      expect(await seen()).toEqual({
        method: 'CANCEL',
        uid,
        sequence: 3,
        status: 'CANCELLED',
        start: slotAt(host, 3),
      });
    });
  });

  describe("a host's feed", () => {
    function rotate(token: string) {
      return api.post('/users/me/calendar-feed', { token });
    }

    function uidsOf(response: ApiResponse): string[] {
      return calendarOf(response)
        .getAllSubcomponents('vevent')
        .map((event) => String(event.getFirstPropertyValue('uid')));
    }

    it('is for hosts only', async () => {
      expect((await rotate(member.accessToken)).status).toBe(403);
      expect((await rotate(adminToken)).status).toBe(403);
      expect((await api.post('/users/me/calendar-feed')).status).toBe(401);
    });

    it("lists the host's bookings that are not cancelled, with no method and no other credential", async () => {
      const host = await hostWithRange(api, { requiresConfirmation: true });
      const book = async (index: number) =>
        (
          await api.post('/bookings', {
            token: member.accessToken,
            body: { hostId: host.hostId, startTime: slotAt(host, index) },
          })
        ).body.id as string;
      const [kept, pending, dropped] = [await book(0), await book(1), await book(2)];
      await api.post(`/bookings/${kept}/confirm`, { token: host.token });
      await api.post(`/bookings/${dropped}/cancel`, { token: host.token, body: {} });
      const made = await rotate(host.token);
      expect(made.status).toBe(201);
      expect(made.body).toEqual({
        url: expect.stringMatching(/^https?:\/\/[^/]+\/api\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/),
      });
      const feed = await api.get(made.body.url);
      expect(calendarOf(feed).getFirstPropertyValue('method')).toBeNull();
      expect(uidsOf(feed)).toEqual([`${kept}@slotbook`, `${pending}@slotbook`]);
      expect(feed.text).not.toContain(dropped);
    });

    it('answers a new URL at each call, and the previous one is 404 at once', async () => {
      const host = await hostWithRange(api);
      const booked = await api.post('/bookings', {
        token: member.accessToken,
        body: { hostId: host.hostId, startTime: slotAt(host, 0) },
      });
      const first = (await rotate(host.token)).body.url as string;
      expect(uidsOf(await api.get(first))).toEqual([`${booked.body.id}@slotbook`]);
      const second = (await rotate(host.token)).body.url as string;
      expect(second).not.toBe(first);
      expectProblem(await api.get(first), 404);
      expect(uidsOf(await api.get(second))).toEqual([`${booked.body.id}@slotbook`]);
    });

    it("names each booking by its event type, public or not, and a guest's booking by the guest", async () => {
      const host = await hostWithEventTypes(api, [
        { title: 'Private chat', duration: 30, bookingHorizonDays: 365 },
        { title: 'Open consult', duration: 30, bookingHorizonDays: 365, public: true },
      ]);
      const day = futureStart();
      const byMember = await api.post('/bookings', {
        token: member.accessToken,
        body: { eventTypeId: host.eventTypes[0].id, startTime: day.toISOString() },
      });
      const guest = { name: 'Gus Guest', email: uniqueEmail('guest'), timeZone: 'Europe/Berlin' };
      const byGuest = await api.post('/bookings', {
        body: {
          eventTypeId: host.eventTypes[1].id,
          startTime: new Date(day.getTime() + 3_600_000).toISOString(),
          guest,
        },
      });
      expect([byMember.status, byGuest.status]).toEqual([201, 201]);
      const guestsFile = eventOf(await ics(byGuest.body.id, host.token));
      expect(guestsFile.getFirstProperty('attendee')!.getParameter('cn')).toBe('Gus Guest');
      const feed = await api.get((await rotate(host.token)).body.url);
      expect(
        calendarOf(feed)
          .getAllSubcomponents('vevent')
          .map((event) => ({
            summary: event.getFirstPropertyValue('summary'),
            attendee: String(event.getFirstPropertyValue('attendee')).toLowerCase(),
          })),
      ).toEqual([
        { summary: 'Private chat', attendee: `mailto:${member.user.email}` },
        { summary: 'Open consult', attendee: `mailto:${guest.email}` },
      ]);
    });

    it('writes feed tokens into no log line', async () => {
      const host = await hostWithRange(api);
      const url = (await rotate(host.token)).body.url as string;
      const token = /\/calendar\/([^/]+)\.ics$/.exec(url)![1];
      expect((await api.get(url)).status).toBe(200);
      expect((await api.get(url.replace(token, token.slice(1) + 'x'))).status).toBe(404);
      const logs = Object.values(platform.replicas)
        .flat()
        .map((replica) => replica.logs)
        .join('\n');
      expect(logs).toContain('/calendar/:token.ics');
      expect(logs).not.toContain(token);
      expect(logs).not.toContain(token.slice(1));
    });

    it('is 404 for a token that is no feed', async () => {
      expectProblem(await api.get(`/calendar/${'A'.repeat(43)}.ics`), 404);
      expectProblem(await api.get('/calendar/short.ics'), 404);
    });
  });
});
