import ICAL from 'ical.js';
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import {
  ApiClient,
  EventRecorder,
  Platform,
  expectProblem,
  futureStart,
  hostWithEventTypes,
  mongoUrlFor,
  uniqueEmail,
  type ScheduledHost,
} from '@slotbook/testing';

/**
 * Guests without an account (SPEC §5b): they book a public event type, answer its questions
 * (§4b), and manage the booking by the link its create answered — with the double-booking
 * guarantee, idempotency and events as for members, and limits per client address. Each test
 * speaks from its own address (`X-Forwarded-For`, the gateway trusts its proxy here), so the
 * limits of one do not spill into another.
 */
const MINUTE = 60_000;
const MISS_WINDOW_SECONDS = 3;

/** The next last Sunday of October (Europe/Berlin leaves summer time) at least a day ahead. */
function nextBerlinFallBack(): string {
  for (let year = new Date().getUTCFullYear(); ; year += 1) {
    const day = new Date(Date.UTC(year, 9, 31));
    day.setUTCDate(31 - day.getUTCDay());
    if (day.getTime() > Date.now() + 24 * 60 * MINUTE) return day.toISOString().slice(0, 10);
  }
}

let addresses = 0;
function newAddress(): Record<string, string> {
  addresses += 1;
  return { 'x-forwarded-for': `198.51.100.${addresses}` };
}

const QUESTIONS = [
  { slug: 'topic', label: 'Topic', type: 'text', required: true },
  { slug: 'details', label: 'Details', type: 'textarea' },
  { slug: 'contact', label: 'Other email', type: 'email' },
  { slug: 'phone', label: 'Phone', type: 'phone' },
  { slug: 'people', label: 'How many people', type: 'number' },
  { slug: 'site', label: 'Website', type: 'url' },
  { slug: 'size', label: 'Company size', type: 'select', options: ['1-10', '11-100'] },
  { slug: 'tools', label: 'Tools', type: 'multiselect', options: ['a', 'b', 'c'] },
  { slug: 'terms', label: 'I agree', type: 'checkbox', required: true },
];

describe('guests and manage links', () => {
  let platform: Platform;
  let api: ApiClient;
  let host: ScheduledHost;
  let publicType: string;
  let privateType: string;
  let noticeType: string;
  let member: { accessToken: string; user: { id: string } };

  beforeAll(async () => {
    platform = await new Platform({
      env: {
        gateway: {
          TRUST_PROXY: 'true',
          LOG_LEVEL: 'info',
          GUEST_BOOKING_LIMIT_PER_ADDRESS: '10',
          MANAGE_MISS_LIMIT_PER_ADDRESS: '20',
          MANAGE_MISS_WINDOW_SECONDS: String(MISS_WINDOW_SECONDS),
        },
      },
    }).start();
    api = new ApiClient(platform.gatewayUrl);
    host = await hostWithEventTypes(api, [
      { duration: 30, bookingHorizonDays: 365, public: true, bookingFields: QUESTIONS },
      { duration: 30, bookingHorizonDays: 365 },
      { duration: 30, bookingHorizonDays: 365, public: true, minimumCancelNotice: 43200 },
    ]);
    [publicType, privateType, noticeType] = host.eventTypes.map((eventType) => eventType.id);
    member = await api.signUp({ email: uniqueEmail('member') });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const answers = { topic: 'Roof', terms: true };

  function guestBody(
    startTime: Date,
    fields: Record<string, unknown> = {},
    eventTypeId = publicType,
  ) {
    return {
      eventTypeId,
      startTime: startTime.toISOString(),
      guest: { name: 'Ada Guest', email: uniqueEmail('guest'), timeZone: 'Europe/Berlin' },
      responses: eventTypeId === publicType ? answers : undefined,
      ...fields,
    };
  }

  function bookAsGuest(body: unknown, headers: Record<string, string> = newAddress()) {
    return api.post('/bookings', { body, headers });
  }

  it('books a public event type without an account, once, with a manage link', async () => {
    const recorder = await new EventRecorder().start([{ exchange: 'booking.events' }]);
    try {
      const start = futureStart();
      const body = guestBody(start, { notes: 'ring twice' });
      const created = await bookAsGuest(body);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        userId: null,
        guest: { name: 'Ada Guest', email: body.guest.email, timeZone: 'Europe/Berlin' },
        responses: answers,
        eventTypeId: publicType,
        status: 'confirmed',
        sequence: 0,
      });
      const token: string = created.body.manageToken;
      expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);

      const managed = await api.get(`/manage/${token}`);
      expect(managed.status).toBe(200);
      expect(managed.body).toMatchObject({
        id: created.body.id,
        guest: { email: body.guest.email },
        eventType: { id: publicType, title: '30 minutes', duration: 30, minimumCancelNotice: 0 },
        host: { id: host.hostId },
      });
      expect(managed.body.manageToken).toBeUndefined();
      expect((await api.get(`/bookings/${created.body.id}`, { token: host.token })).body).toEqual(
        (({ manageToken: _, ...booking }) => booking)(created.body),
      );

      // The host sees it; a userId filter never matches it.
      const listed = await api.get(`/bookings?hostId=${host.hostId}&limit=100`, {
        token: host.token,
      });
      expect(listed.body.data.map((b: { id: string }) => b.id)).toContain(created.body.id);
      const byUser = await api.get(`/bookings?userId=${member.user.id}&limit=100`, {
        token: host.token,
      });
      expect(byUser.body.data.map((b: { id: string }) => b.id)).not.toContain(created.body.id);

      // The slot is taken for members too.
      expectProblem(
        await api.post('/bookings', {
          token: member.accessToken,
          body: { eventTypeId: publicType, startTime: start.toISOString(), responses: answers },
        }),
        409,
      );

      await recorder.waitFor((events) =>
        events.some((event) => event.envelope.data.id === created.body.id),
      );
      const event = recorder.matching((e) => e.envelope.data.id === created.body.id)[0];
      expect(event.routingKey).toBe('booking.created');
      expect(event.envelope.data.guest.email).toBe(body.guest.email);
      expect(JSON.stringify(recorder.events)).not.toContain(token);
    } finally {
      await recorder.stop();
    }
  });

  it('answers a replayed create (same key, same email) with the same booking and link', async () => {
    const headers = { ...newAddress(), 'idempotency-key': `guest-${randomUUID()}` };
    const body = guestBody(futureStart());
    const first = await bookAsGuest(body, headers);
    const again = await bookAsGuest(body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    // The key is the guest's: another email with it books on its own (and the slot is taken).
    const other = await bookAsGuest(
      { ...body, guest: { ...body.guest, email: uniqueEmail('other') } },
      headers,
    );
    expectProblem(other, 409);
    // The same key and email with another request is 422.
    expectProblem(await bookAsGuest({ ...body, notes: 'changed' }, headers), 422);
  });

  it('refuses guests on private or unknown event types and on ranges (401); members may not send guest', async () => {
    const start = futureStart();
    expectProblem(await bookAsGuest(guestBody(start, {}, privateType)), 401);
    expectProblem(await bookAsGuest(guestBody(start, {}, randomUUID())), 401);
    expectProblem(
      await bookAsGuest({
        hostId: host.hostId,
        startTime: start.toISOString(),
        guest: { name: 'A', email: uniqueEmail('g') },
      }),
      401,
    );
    expectProblem(
      await bookAsGuest({ eventTypeId: publicType, startTime: start.toISOString() }),
      401,
    );
    const withGuest = await api.post('/bookings', {
      token: member.accessToken,
      body: guestBody(start),
    });
    expectProblem(withGuest, 422);
    expect(withGuest.body.errors).toEqual([expect.objectContaining({ path: 'guest' })]);
    const badGuest = await bookAsGuest(
      guestBody(start, { guest: { name: '', email: 'nope', timeZone: 'Mars/Base' } }),
    );
    expectProblem(badGuest, 422);
    expect(badGuest.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'guest.email',
      'guest.name',
      'guest.timeZone',
    ]);
  });

  it("checks answers against the event type's questions, every type valid and invalid", async () => {
    const valid = {
      topic: 'Roof',
      details: 'Long\ntext',
      contact: 'other@example.com',
      phone: '+49 (30) 123-4567',
      people: 3.5,
      site: 'https://example.com/x',
      size: '11-100',
      tools: ['a', 'c'],
      terms: true,
    };
    const ok = await bookAsGuest(guestBody(futureStart(), { responses: valid }));
    expect(ok.status).toBe(201);
    expect(ok.body.responses).toEqual(valid);

    const invalid = {
      topic: 'x'.repeat(501),
      details: 'y'.repeat(5001),
      contact: 'not-an-email',
      phone: '12ab',
      people: 'three',
      site: 'ftp://example.com',
      size: 'huge',
      tools: ['a', 'a'],
      terms: 'yes',
      unknown: 'slug',
    };
    const refused = await bookAsGuest(guestBody(futureStart(), { responses: invalid }));
    expectProblem(refused, 422);
    expect(refused.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      [...Object.keys(invalid)].map((slug) => `responses.${slug}`).sort(),
    );
    const missing = await bookAsGuest(guestBody(futureStart(), { responses: { topic: 'Roof' } }));
    expectProblem(missing, 422);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'responses.terms' })]);
    // Members answer the same questions.
    const memberMissing = await api.post('/bookings', {
      token: member.accessToken,
      body: { eventTypeId: publicType, startTime: futureStart().toISOString() },
    });
    expectProblem(memberMissing, 422);
  });

  it('lets exactly one of guests and members racing for one slot book it', async () => {
    const start = futureStart();
    const members = await Promise.all(
      Array.from({ length: 5 }, () => api.signUp({ email: uniqueEmail('racer') })),
    );
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => bookAsGuest(guestBody(start))),
      ...members.map((racer) =>
        api.post('/bookings', {
          token: racer.accessToken,
          body: { eventTypeId: publicType, startTime: start.toISOString(), responses: answers },
        }),
      ),
    ]);
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 201).every((status) => status === 409)).toBe(
      true,
    );
  });

  it('limits bookings without an account per client address (429 with Retry-After)', async () => {
    const headers = newAddress();
    const answersSeen: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      answersSeen.push((await bookAsGuest(guestBody(futureStart()), headers)).status);
    }
    expect(answersSeen.slice(0, 10).every((status) => status === 201)).toBe(true);
    const limited = await bookAsGuest(guestBody(futureStart()), headers);
    expectProblem(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address, and members, are not held by it.
    expect((await bookAsGuest(guestBody(futureStart()))).status).toBe(201);
  });

  it('reschedules by the link: same id, same token, the old time free again', async () => {
    const start = futureStart();
    const created = await bookAsGuest(guestBody(start));
    const token = created.body.manageToken;
    const later = new Date(start.getTime() + 60 * MINUTE);
    const moved = await api.post(`/manage/${token}/reschedule`, {
      body: { startTime: later.toISOString() },
      headers: newAddress(),
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      id: created.body.id,
      startTime: later.toISOString(),
      sequence: 1,
    });
    const managed = await api.get(`/manage/${token}`);
    expect(managed.body).toMatchObject({ id: created.body.id, startTime: later.toISOString() });
    const file = await api.get(`/manage/${token}/ics`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const calendar = new ICAL.Component(ICAL.parse(file.text));
    const event = calendar.getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('uid')).toBe(`${created.body.id}@slotbook`);
    expect(event.getFirstPropertyValue('sequence')).toBe(1);
    expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe(
      later.toISOString(),
    );
    expect(String(event.getFirstPropertyValue('attendee'))).toContain(
      created.body.guest.email.toLowerCase(),
    );
    expectProblem(await api.get(`/manage/${token}x/ics`), 404);
    const rebooked = await api.post('/bookings', {
      token: member.accessToken,
      body: { eventTypeId: publicType, startTime: start.toISOString(), responses: answers },
    });
    expect(rebooked.status).toBe(201);
    // One booking of this guest stays active: the old id is not a second booking.
    const hostView = await api.get(`/bookings/${created.body.id}`, { token: host.token });
    expect(hostView.body.startTime).toBe(later.toISOString());

    const cancelled = await api.post(`/manage/${token}/cancel`, {
      body: { reason: 'cannot come' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'cannot come',
      sequence: 2,
    });
    expectProblem(await api.post(`/manage/${token}/cancel`, { body: {} }), 409);
  });

  it('holds guests (members too) to the cancel notice, never the host', async () => {
    const start = futureStart();
    const soon = new Date(Date.now() + 2 * 24 * 60 * MINUTE);
    soon.setUTCHours(9, 0, 0, 0);
    const created = await bookAsGuest(guestBody(soon, {}, noticeType));
    expect(created.status).toBe(201);
    const token = created.body.manageToken;
    const refused = await api.post(`/manage/${token}/cancel`, { body: {} });
    expectProblem(refused, 422);
    expect(refused.body.detail).toMatch(/cancel notice of 43200 minutes/);
    expectProblem(
      await api.post(`/manage/${token}/reschedule`, { body: { startTime: start.toISOString() } }),
      422,
    );
    const byMember = await api.post('/bookings', {
      token: member.accessToken,
      body: {
        eventTypeId: noticeType,
        startTime: new Date(soon.getTime() + 60 * MINUTE).toISOString(),
      },
    });
    expect(byMember.status).toBe(201);
    expectProblem(
      await api.post(`/bookings/${byMember.body.id}/cancel`, {
        token: member.accessToken,
        body: {},
      }),
      422,
    );
    const byHost = await api.post(`/bookings/${created.body.id}/cancel`, {
      token: host.token,
      body: {},
    });
    expect(byHost.status).toBe(200);
  });

  it('answers 404 to unknown and altered tokens, then 429 to every manage call, until the window passes', async () => {
    const created = await bookAsGuest(guestBody(futureStart()));
    const token: string = created.body.manageToken;
    const headers = newAddress();
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const unknown = await api.get(`/manage/${altered}`, { headers });
    expectProblem(unknown, 404);
    const statuses: number[] = [];
    for (let i = 0; i < 49; i += 1) {
      statuses.push((await api.get(`/manage/${randomUUID()}${i}`, { headers })).status);
    }
    expect(statuses.slice(0, 19).every((status) => status === 404)).toBe(true);
    expect(statuses.slice(19).every((status) => status === 429)).toBe(true);
    const limited = await api.get(`/manage/${token}`, { headers });
    expectProblem(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not held.
    expect((await api.get(`/manage/${token}`, { headers: newAddress() })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, (MISS_WINDOW_SECONDS + 1) * 1000));
    expect((await api.get(`/manage/${token}`, { headers })).status).toBe(200);
  });

  it('marks a started booking a no-show (host only), its time kept, and never a future one', async () => {
    const recorder = await new EventRecorder().start([
      { exchange: 'booking.events', pattern: 'booking.no-show' },
    ]);
    try {
      const connection = await mongoose
        .createConnection(mongoUrlFor(platform.databases.booking))
        .asPromise();
      const id = randomUUID();
      const start = new Date(Date.now() - 10 * MINUTE);
      await connection.collection('bookings').insertOne({
        _id: id as never,
        hostId: host.hostId,
        userId: member.user.id,
        guest: null,
        responses: {},
        sequence: 0,
        startTime: start,
        endTime: new Date(start.getTime() + 30 * MINUTE),
        status: 'confirmed',
        notes: null,
        cancellationReason: null,
        hostMonth: `${host.hostId}|${start.toISOString().slice(0, 7)}`,
        rangeId: null,
        eventTypeId: publicType,
        createdAt: start,
        updatedAt: start,
        outbox: [],
      });
      await connection.close();
      expectProblem(await api.post(`/bookings/${id}/no-show`, { token: member.accessToken }), 403);
      const marked = await api.post(`/bookings/${id}/no-show`, { token: host.token });
      expect(marked.status).toBe(200);
      expect(marked.body).toMatchObject({ id, status: 'no_show' });
      expectProblem(await api.post(`/bookings/${id}/cancel`, { token: host.token }), 409);
      await recorder.waitFor((events) => events.some((e) => e.envelope.data.id === id));

      const future = await bookAsGuest(guestBody(futureStart()));
      expectProblem(
        await api.post(`/bookings/${future.body.id}/no-show`, { token: host.token }),
        409,
      );
    } finally {
      await recorder.stop();
    }
  });

  it("writes the .ics of bookings on Europe/Berlin's fall-back day in UTC, read back to the same instants", async () => {
    const berlin = await hostWithEventTypes(
      api,
      [{ duration: 30, bookingHorizonDays: 365, public: true }],
      { timeZone: 'Europe/Berlin' },
    );
    const fallBack = nextBerlinFallBack();
    // 02:30 happens twice that night: 00:30Z (CEST) and 01:30Z (CET).
    for (const start of [`${fallBack}T00:30:00Z`, `${fallBack}T01:30:00Z`]) {
      const created = await bookAsGuest(guestBody(new Date(start), {}, berlin.eventTypes[0]!.id));
      expect(created.status).toBe(201);
      const file = await api.get(`/manage/${created.body.manageToken}/ics`);
      expect(file.status).toBe(200);
      expect(file.text).toMatch(/DTSTART:\d{8}T\d{6}Z/);
      const event = new ICAL.Component(ICAL.parse(file.text)).getFirstSubcomponent('vevent')!;
      const instant = (name: string) =>
        (event.getFirstPropertyValue(name) as ICAL.Time).toJSDate().toISOString();
      expect(instant('dtstart')).toBe(created.body.startTime);
      expect(instant('dtend')).toBe(created.body.endTime);
      expect(created.body.startTime).toBe(new Date(start).toISOString());
    }
  });

  it('writes manage links into no log line', async () => {
    const created = await bookAsGuest(guestBody(futureStart()));
    const token: string = created.body.manageToken;
    expect((await api.get(`/manage/${token}`)).status).toBe(200);
    await api.get(`/manage/${token}x`);
    const logs = Object.values(platform.replicas)
      .flat()
      .map((replica) => replica.logs)
      .join('\n');
    expect(logs).toContain('/manage/:token');
    expect(logs).not.toContain(token);
  });
});
