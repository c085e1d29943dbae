import {
  EventTypeCreated,
  EventTypeDeleted,
  EventTypeUpdated,
  ScheduleCreated,
  ScheduleDeleted,
  ScheduleUpdated,
} from '@slotbook/contracts';
import { ApiClient, EventRecorder, Platform, expectProblem, uniqueEmail } from '@slotbook/testing';

/** SPEC §4a (schedules and event types) and their §6 events, through the gateway. */
describe('schedules and event types through the gateway', () => {
  let platform: Platform;
  let api: ApiClient;
  let events: EventRecorder;
  let adminToken: string;
  let guest: { user: any; accessToken: string };
  let host: { user: any; accessToken: string };
  let other: { user: any; accessToken: string };

  beforeAll(async () => {
    events = await new EventRecorder().start([{ exchange: 'availability.events' }]);
    platform = await new Platform().start();
    api = new ApiClient(platform.gatewayUrl);
    adminToken = (await api.login(platform.adminEmail, platform.adminPassword)).accessToken;
    [guest, host, other] = await Promise.all([
      api.signUp({ email: uniqueEmail('guest') }),
      newHost(),
      newHost('other'),
    ]);
  });

  afterAll(async () => {
    await platform?.stop();
    await events?.stop();
  });

  function newHost(label = 'host') {
    return api.signUp({ email: uniqueEmail(label), role: 'HOST' });
  }

  const WEEK = [
    { day: 'MON', start: '09:00', end: '12:00' },
    { day: 'MON', start: '13:00', end: '17:00' },
    { day: 'FRI', start: '22:00', end: '24:00' },
  ];

  function scheduleBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
    return { name: 'Office hours', timeZone: 'Europe/Berlin', weekly: WEEK, ...fields };
  }

  async function createdSchedule(token = host.accessToken, fields: Record<string, unknown> = {}) {
    const response = await api.post('/schedules', { token, body: scheduleBody(fields) });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function createdEventType(
    scheduleId: string,
    fields: Record<string, unknown> = {},
    token = host.accessToken,
  ) {
    const response = await api.post('/event-types', {
      token,
      body: { scheduleId, title: 'Intro call', duration: 30, ...fields },
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  describe('schedules', () => {
    it("answers 201 with the whole schedule for a HOST's own, overrides defaulting to []", async () => {
      const response = await api.post('/schedules', {
        token: host.accessToken,
        body: scheduleBody(),
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        hostId: host.user.id,
        name: 'Office hours',
        timeZone: 'Europe/Berlin',
        weekly: WEEK,
        overrides: [],
        createdAt: expect.stringMatching(/Z$/),
        updatedAt: response.body.createdAt,
      });
    });

    it('matches a zone name whatever its case; stores and publishes it as IANA spells it', async () => {
      const lower = await api.post('/schedules', {
        token: host.accessToken,
        body: scheduleBody({ timeZone: 'europe/berlin' }),
      });
      expect(lower.status).toBe(201);
      expect(lower.body.timeZone).toBe('Europe/Berlin');
      // A link keeps the name the client chose, not the zone it points to (Asia/Calcutta in ICU).
      const link = await createdSchedule(host.accessToken, { timeZone: 'asia/kolkata' });
      expect(link.timeZone).toBe('Asia/Kolkata');
      const patched = await api.patch(`/schedules/${link.id}`, {
        token: host.accessToken,
        body: { timeZone: 'AMERICA/NEW_YORK' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.timeZone).toBe('America/New_York');
      const read = await api.get(`/schedules/${lower.body.id}`, { token: guest.accessToken });
      expect(read.body.timeZone).toBe('Europe/Berlin');
      const published = () => events.matching((event) => event.envelope.data?.id === lower.body.id);
      await events.waitFor(() => published().length >= 1);
      expect(published()[0].envelope.data.timeZone).toBe('Europe/Berlin');
    });

    it('keeps overrides as given, a date with [] included, and reads back the same record', async () => {
      const overrides = [
        { date: '2030-12-24', intervals: [] },
        {
          date: '2030-12-31',
          intervals: [
            { start: '10:00', end: '12:00' },
            { start: '12:00', end: '14:00' },
          ],
        },
      ];
      const schedule = await createdSchedule(host.accessToken, { overrides });
      expect(schedule.overrides).toEqual(overrides);
      const read = await api.get(`/schedules/${schedule.id}`, { token: guest.accessToken });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(schedule);
    });

    it("lists a host's schedules in creation order; a host without any has {data: []}", async () => {
      const owner = await newHost('lister');
      const first = await createdSchedule(owner.accessToken, { name: 'A' });
      const second = await createdSchedule(owner.accessToken, { name: 'B' });
      const list = await api.get(`/hosts/${owner.user.id}/schedules`, {
        token: guest.accessToken,
      });
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ data: [first, second] });
      const none = await api.get(`/hosts/${guest.user.id}/schedules`, { token: guest.accessToken });
      expect(none.body).toEqual({ data: [] });
      const unknown = await api.get('/hosts/no-such-host/schedules', { token: guest.accessToken });
      expect(unknown.body).toEqual({ data: [] });
    });

    it('changes only the fields a PATCH gives, a list replacing the stored one (200, whole record)', async () => {
      const schedule = await createdSchedule();
      const renamed = await api.patch(`/schedules/${schedule.id}`, {
        token: host.accessToken,
        body: { name: 'Renamed' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({
        ...schedule,
        name: 'Renamed',
        updatedAt: expect.stringMatching(/Z$/),
      });
      expect(Date.parse(renamed.body.updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(schedule.updatedAt),
      );
      const moved = await api.patch(`/schedules/${schedule.id}`, {
        token: host.accessToken,
        body: {
          timeZone: 'America/New_York',
          weekly: [{ day: 'TUE', start: '08:00', end: '10:00' }],
          overrides: [{ date: '2030-07-04', intervals: [] }],
        },
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        name: 'Renamed',
        timeZone: 'America/New_York',
        weekly: [{ day: 'TUE', start: '08:00', end: '10:00' }],
        overrides: [{ date: '2030-07-04', intervals: [] }],
      });
      const read = await api.get(`/schedules/${schedule.id}`, { token: host.accessToken });
      expect(read.body).toEqual(moved.body);
    });

    it('deletes with 204; the schedule is gone (404), and so is a second DELETE', async () => {
      const schedule = await createdSchedule();
      const deleted = await api.delete(`/schedules/${schedule.id}`, { token: host.accessToken });
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expectProblem(await api.get(`/schedules/${schedule.id}`, { token: host.accessToken }), 404);
      expectProblem(
        await api.delete(`/schedules/${schedule.id}`, { token: host.accessToken }),
        404,
      );
    });

    it('answers 404 for an unknown schedule, and 401 without a token', async () => {
      expectProblem(await api.get('/schedules/no-such-schedule', { token: host.accessToken }), 404);
      expectProblem(await api.get('/schedules/no-such-schedule'), 401);
      expectProblem(await api.post('/schedules', { body: scheduleBody() }), 401);
    });

    describe('who may', () => {
      it('refuses a USER creating a schedule with 403', async () => {
        expectProblem(
          await api.post('/schedules', { token: guest.accessToken, body: scheduleBody() }),
          403,
        );
      });

      it("refuses a HOST naming another host's hostId with 403, and takes their own", async () => {
        expectProblem(
          await api.post('/schedules', {
            token: host.accessToken,
            body: scheduleBody({ hostId: other.user.id }),
          }),
          403,
        );
        const own = await createdSchedule(host.accessToken, { hostId: host.user.id });
        expect(own.hostId).toBe(host.user.id);
      });

      it('lets an ADMIN create for the HOST named in hostId, and change and delete it', async () => {
        const schedule = await createdSchedule(adminToken, { hostId: host.user.id });
        expect(schedule.hostId).toBe(host.user.id);
        const list = await api.get(`/hosts/${host.user.id}/schedules`, { token: adminToken });
        expect(list.body.data).toContainEqual(schedule);
        const patched = await api.patch(`/schedules/${schedule.id}`, {
          token: adminToken,
          body: { name: 'Set by an admin' },
        });
        expect(patched.status).toBe(200);
        expect(patched.body.hostId).toBe(host.user.id);
        expect((await api.delete(`/schedules/${schedule.id}`, { token: adminToken })).status).toBe(
          204,
        );
      });

      it('needs hostId from an ADMIN (422 on hostId); an unknown one is 404, a USER 422', async () => {
        expectProblem(
          await api.post('/schedules', { token: adminToken, body: scheduleBody() }),
          422,
          'hostId',
        );
        expectProblem(
          await api.post('/schedules', {
            token: adminToken,
            body: scheduleBody({ hostId: 'no-such-user' }),
          }),
          404,
        );
        expectProblem(
          await api.post('/schedules', {
            token: adminToken,
            body: scheduleBody({ hostId: guest.user.id }),
          }),
          422,
          'hostId',
        );
      });

      it("answers 404 to another host's PATCH or DELETE, 403 to a USER's, and changes nothing", async () => {
        const schedule = await createdSchedule();
        const url = `/schedules/${schedule.id}`;
        expectProblem(
          await api.patch(url, { token: other.accessToken, body: { name: 'Mine now' } }),
          404,
        );
        expectProblem(await api.delete(url, { token: other.accessToken }), 404);
        expectProblem(await api.patch(url, { token: guest.accessToken, body: { name: 'x' } }), 403);
        expectProblem(await api.delete(url, { token: guest.accessToken }), 403);
        // Anyone signed in may read it, unchanged.
        const read = await api.get(url, { token: other.accessToken });
        expect(read.status).toBe(200);
        expect(read.body).toEqual(schedule);
      });
    });
  });

  describe('schedule validation: every rule of SPEC §4a is a 422 naming its field', () => {
    const monday = (start: string, end: string) => ({ day: 'MON', start, end });
    const override = (date: string, intervals: Array<{ start: string; end: string }> = []) => ({
      date,
      intervals,
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
      ['a fixed offset as zone', { timeZone: '+01:00' }, 'timeZone'],
      ['an abbreviation as zone', { timeZone: 'CEST' }, 'timeZone'],
      ['an empty zone', { timeZone: '' }, 'timeZone'],
      ['a time without a leading zero', { weekly: [monday('9:00', '12:00')] }, 'weekly.0.start'],
      ['a time with seconds', { weekly: [monday('09:00:00', '12:00')] }, 'weekly.0.start'],
      ['minute 60', { weekly: [monday('09:60', '12:00')] }, 'weekly.0.start'],
      ['hour 25', { weekly: [monday('09:00', '25:00')] }, 'weekly.0.end'],
      ['past 24:00', { weekly: [monday('09:00', '24:05')] }, 'weekly.0.end'],
      ['a time not on a 5-minute mark', { weekly: [monday('09:07', '12:00')] }, 'weekly.0.start'],
      ['an end not on a 5-minute mark', { weekly: [monday('09:00', '11:59')] }, 'weekly.0.end'],
      ['start after end', { weekly: [monday('12:00', '09:00')] }, 'weekly.0.end'],
      ['start equal to end', { weekly: [monday('09:00', '09:00')] }, 'weekly.0.end'],
      [
        'an unknown weekday',
        { weekly: [{ day: 'MONDAY', start: '09:00', end: '12:00' }] },
        'weekly.0.day',
      ],
      [
        'overlapping intervals of a weekday',
        { weekly: [monday('09:00', '12:00'), monday('11:00', '13:00')] },
        'weekly.1',
      ],
      [
        'overlapping intervals of a weekday, listed out of order',
        {
          weekly: [
            monday('13:00', '17:00'),
            { day: 'TUE', start: '08:00', end: '09:00' },
            monday('09:00', '13:05'),
          ],
        },
        'weekly.0',
      ],
      [
        'overlapping intervals in an override',
        {
          overrides: [
            override('2030-01-07', [
              { start: '09:00', end: '12:00' },
              { start: '11:30', end: '13:00' },
            ]),
          ],
        },
        'overrides.0.intervals.1',
      ],
      [
        'a date overridden twice',
        { overrides: [override('2030-01-07'), override('2030-01-08'), override('2030-01-07')] },
        'overrides.2.date',
      ],
      ['an impossible date', { overrides: [override('2030-02-30')] }, 'overrides.0.date'],
      ['month 13', { overrides: [override('2030-13-01')] }, 'overrides.0.date'],
      ['a date in another format', { overrides: [override('07.01.2030')] }, 'overrides.0.date'],
      [
        'a bad time in an override',
        { overrides: [override('2030-01-07', [{ start: '10:00', end: '09:00' }])] },
        'overrides.0.intervals.0.end',
      ],
      ['an empty name', { name: '   ' }, 'name'],
      ['an unknown field', { color: 'blue' }, 'color'],
      [
        'an unknown field in an interval',
        { weekly: [{ ...monday('09:00', '10:00'), note: 'x' }] },
        'weekly.0.note',
      ],
      ['weekly not a list', { weekly: { MON: [] } }, 'weekly'],
    ])('POST: %s', async (_, fields, path) => {
      expectProblem(
        await api.post('/schedules', { token: host.accessToken, body: scheduleBody(fields) }),
        422,
        path,
      );
    });

    it.each(['name', 'timeZone', 'weekly'])('POST: a missing %s', async (field) => {
      const body = scheduleBody();
      delete body[field];
      expectProblem(await api.post('/schedules', { token: host.accessToken, body }), 422, field);
    });

    it('names every broken field of one body', async () => {
      const response = await api.post('/schedules', {
        token: host.accessToken,
        body: scheduleBody({ timeZone: 'UTC+1', weekly: [monday('09:03', '08:00')] }),
      });
      expectProblem(response, 422);
      const paths = response.body.errors.map((error: { path: string }) => error.path);
      expect(paths).toEqual(expect.arrayContaining(['timeZone', 'weekly.0.start', 'weekly.0.end']));
    });

    it('accepts 24:00 as an end, touching intervals, and the same hours on different days', async () => {
      const schedule = await createdSchedule(host.accessToken, {
        weekly: [
          monday('00:00', '09:00'),
          monday('09:00', '24:00'),
          { day: 'TUE', start: '00:00', end: '24:00' },
        ],
        overrides: [
          override('2030-01-07', [{ start: '22:00', end: '24:00' }]),
          override('2030-01-08'),
        ],
      });
      expect(schedule.weekly).toHaveLength(3);
    });

    it('PATCH: an empty body, an unknown field, and each rule again', async () => {
      const schedule = await createdSchedule();
      const patch = (body: unknown) =>
        api.patch(`/schedules/${schedule.id}`, { token: host.accessToken, body });
      expectProblem(await patch({}), 422);
      expectProblem(await patch({ hostId: other.user.id }), 422, 'hostId');
      expectProblem(await patch({ timeZone: '+01:00' }), 422, 'timeZone');
      expectProblem(
        await patch({ weekly: [monday('09:00', '12:00'), monday('10:00', '11:00')] }),
        422,
        'weekly.1',
      );
      expectProblem(await patch({ overrides: [override('2031-02-29')] }), 422, 'overrides.0.date');
      expectProblem(await patch({ name: '' }), 422, 'name');
      // Nothing of the refused changes was kept.
      expect(
        (await api.get(`/schedules/${schedule.id}`, { token: host.accessToken })).body,
      ).toEqual(schedule);
    });
  });

  describe('event types', () => {
    it('answers 201 with the defaults of SPEC §4a; the host is the schedule’s', async () => {
      const schedule = await createdSchedule();
      const response = await api.post('/event-types', {
        token: host.accessToken,
        body: { scheduleId: schedule.id, title: 'Intro call', duration: 45 },
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        hostId: host.user.id,
        scheduleId: schedule.id,
        title: 'Intro call',
        duration: 45,
        slotInterval: 45,
        bufferBefore: 0,
        bufferAfter: 0,
        minimumNotice: 0,
        bookingHorizonDays: 60,
        requiresConfirmation: false,
        public: false,
        description: '',
        bookingFields: [],
        minimumCancelNotice: 0,
        seatsPerSlot: 1,
        reminders: [],
        host: { id: host.user.id, name: host.user.name },
        createdAt: expect.stringMatching(/Z$/),
        updatedAt: response.body.createdAt,
      });
      const read = await api.get(`/event-types/${response.body.id}`, { token: guest.accessToken });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(response.body);
    });

    it('keeps every field given, at the bounds of each range', async () => {
      const schedule = await createdSchedule();
      const high = await createdEventType(schedule.id, {
        duration: 1440,
        slotInterval: 5,
        bufferBefore: 240,
        bufferAfter: 240,
        minimumNotice: 43200,
        bookingHorizonDays: 365,
        requiresConfirmation: true,
      });
      expect(high).toMatchObject({
        duration: 1440,
        slotInterval: 5,
        bufferBefore: 240,
        bufferAfter: 240,
        minimumNotice: 43200,
        bookingHorizonDays: 365,
        requiresConfirmation: true,
      });
      const low = await createdEventType(schedule.id, {
        duration: 5,
        slotInterval: 1440,
        bookingHorizonDays: 1,
      });
      expect(low).toMatchObject({ duration: 5, slotInterval: 1440, bookingHorizonDays: 1 });
    });

    it("lists a host's event types in creation order; a host without any has {data: []}", async () => {
      const owner = await newHost('types');
      const schedule = await createdSchedule(owner.accessToken);
      const a = await createdEventType(schedule.id, { title: 'A' }, owner.accessToken);
      const b = await createdEventType(schedule.id, { title: 'B' }, owner.accessToken);
      const list = await api.get(`/hosts/${owner.user.id}/event-types`, {
        token: guest.accessToken,
      });
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ data: [a, b] });
      const none = await api.get(`/hosts/${guest.user.id}/event-types`, {
        token: guest.accessToken,
      });
      expect(none.body).toEqual({ data: [] });
    });

    it('changes only the fields a PATCH gives (slotInterval stays as stored)', async () => {
      const schedule = await createdSchedule();
      const eventType = await createdEventType(schedule.id, { duration: 30 });
      const patched = await api.patch(`/event-types/${eventType.id}`, {
        token: host.accessToken,
        body: { duration: 60, bufferAfter: 15, requiresConfirmation: true },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toEqual({
        ...eventType,
        duration: 60,
        bufferAfter: 15,
        requiresConfirmation: true,
        updatedAt: expect.stringMatching(/Z$/),
      });
    });

    it('moves to another schedule of the same host, never to another host’s (422 on scheduleId)', async () => {
      const [first, second] = [await createdSchedule(), await createdSchedule()];
      const foreign = await createdSchedule(other.accessToken);
      const eventType = await createdEventType(first.id);
      const url = `/event-types/${eventType.id}`;
      const moved = await api.patch(url, {
        token: host.accessToken,
        body: { scheduleId: second.id },
      });
      expect(moved.status).toBe(200);
      expect(moved.body.scheduleId).toBe(second.id);
      for (const scheduleId of [foreign.id, 'no-such-schedule']) {
        expectProblem(
          await api.patch(url, { token: host.accessToken, body: { scheduleId } }),
          422,
          'scheduleId',
        );
      }
      // Not even an ADMIN moves an event type to another host's schedule.
      expectProblem(
        await api.patch(url, { token: adminToken, body: { scheduleId: foreign.id } }),
        422,
        'scheduleId',
      );
    });

    it('deletes with 204; the event type is gone (404)', async () => {
      const schedule = await createdSchedule();
      const eventType = await createdEventType(schedule.id);
      const url = `/event-types/${eventType.id}`;
      expect((await api.delete(url, { token: host.accessToken })).status).toBe(204);
      expectProblem(await api.get(url, { token: host.accessToken }), 404);
      expectProblem(await api.delete(url, { token: host.accessToken }), 404);
    });

    it('answers 404 for an unknown event type, and for a schedule id asked as one', async () => {
      const schedule = await createdSchedule();
      expectProblem(await api.get('/event-types/nope', { token: host.accessToken }), 404);
      expectProblem(await api.get(`/event-types/${schedule.id}`, { token: host.accessToken }), 404);
    });

    describe('who may', () => {
      it('refuses a USER with 403', async () => {
        const schedule = await createdSchedule();
        expectProblem(
          await api.post('/event-types', {
            token: guest.accessToken,
            body: { scheduleId: schedule.id, title: 'x', duration: 30 },
          }),
          403,
        );
      });

      it("answers 404 to a HOST creating on another host's schedule, or on an unknown one", async () => {
        const schedule = await createdSchedule();
        for (const scheduleId of [schedule.id, 'no-such-schedule']) {
          expectProblem(
            await api.post('/event-types', {
              token: other.accessToken,
              body: { scheduleId, title: 'x', duration: 30 },
            }),
            404,
          );
        }
      });

      it("lets an ADMIN create on a host's schedule: the event type is the host's", async () => {
        const schedule = await createdSchedule();
        const eventType = await createdEventType(schedule.id, {}, adminToken);
        expect(eventType.hostId).toBe(host.user.id);
        const patched = await api.patch(`/event-types/${eventType.id}`, {
          token: adminToken,
          body: { title: 'Renamed by an admin' },
        });
        expect(patched.status).toBe(200);
        expect(
          (await api.delete(`/event-types/${eventType.id}`, { token: adminToken })).status,
        ).toBe(204);
      });

      it("answers 404 to another host's PATCH or DELETE, 403 to a USER's, and changes nothing", async () => {
        const schedule = await createdSchedule();
        const eventType = await createdEventType(schedule.id);
        const url = `/event-types/${eventType.id}`;
        expectProblem(
          await api.patch(url, { token: other.accessToken, body: { title: 'x' } }),
          404,
        );
        expectProblem(await api.delete(url, { token: other.accessToken }), 404);
        expectProblem(
          await api.patch(url, { token: guest.accessToken, body: { title: 'x' } }),
          403,
        );
        expectProblem(await api.delete(url, { token: guest.accessToken }), 403);
        expect((await api.get(url, { token: other.accessToken })).body).toEqual(eventType);
      });
    });
  });

  describe('event type validation: every rule of SPEC §4a is a 422 naming its field', () => {
    let scheduleId: string;

    beforeAll(async () => {
      scheduleId = (await createdSchedule()).id;
    });

    const post = (fields: Record<string, unknown>) =>
      api.post('/event-types', {
        token: host.accessToken,
        body: { scheduleId, title: 'Call', duration: 30, ...fields },
      });

    it.each<[string, unknown]>([
      ['duration', 0],
      ['duration', 4],
      ['duration', 1445],
      ['duration', 32],
      ['duration', 30.5],
      ['duration', '30'],
      ['duration', null],
      ['slotInterval', 0],
      ['slotInterval', 1445],
      ['slotInterval', 12],
      ['bufferBefore', -5],
      ['bufferBefore', 245],
      ['bufferBefore', 3],
      ['bufferAfter', -5],
      ['bufferAfter', 245],
      ['bufferAfter', 7.5],
      ['minimumNotice', -5],
      ['minimumNotice', 43205],
      ['minimumNotice', 61],
      ['bookingHorizonDays', 0],
      ['bookingHorizonDays', 366],
      ['bookingHorizonDays', 1.5],
      ['requiresConfirmation', 'yes'],
      ['title', ''],
      ['title', '   '],
      ['scheduleId', ''],
      ['scheduleId', 42],
    ])('POST: %s = %j', async (field, value) => {
      expectProblem(await post({ [field]: value }), 422, field);
    });

    it.each(['scheduleId', 'title', 'duration'])('POST: a missing %s', async (field) => {
      const body: Record<string, unknown> = { scheduleId, title: 'Call', duration: 30 };
      delete body[field];
      expectProblem(await api.post('/event-types', { token: host.accessToken, body }), 422, field);
    });

    it('POST: an unknown field, and hostId (the host is the schedule’s)', async () => {
      expectProblem(await post({ color: 'blue' }), 422, 'color');
      expectProblem(await post({ hostId: host.user.id }), 422, 'hostId');
    });

    it('PATCH: an empty body, an unknown field, and the bounds again', async () => {
      const eventType = await createdEventType(scheduleId);
      const patch = (body: unknown) =>
        api.patch(`/event-types/${eventType.id}`, { token: host.accessToken, body });
      expectProblem(await patch({}), 422);
      expectProblem(await patch({ color: 'blue' }), 422, 'color');
      expectProblem(await patch({ duration: 3 }), 422, 'duration');
      expectProblem(await patch({ slotInterval: 1441 }), 422, 'slotInterval');
      expectProblem(await patch({ bufferBefore: 241 }), 422, 'bufferBefore');
      expectProblem(await patch({ minimumNotice: 1 }), 422, 'minimumNotice');
      expectProblem(await patch({ bookingHorizonDays: 400 }), 422, 'bookingHorizonDays');
      expect(
        (await api.get(`/event-types/${eventType.id}`, { token: host.accessToken })).body,
      ).toEqual(eventType);
    });
  });

  describe('a schedule in use', () => {
    it('cannot be deleted while an event type uses it (409); once the event type is gone, it can (204)', async () => {
      const schedule = await createdSchedule();
      const eventType = await createdEventType(schedule.id);
      const conflict = await api.delete(`/schedules/${schedule.id}`, { token: host.accessToken });
      expectProblem(conflict, 409);
      // An ADMIN is refused alike: the rule is about the record, not the caller.
      expectProblem(await api.delete(`/schedules/${schedule.id}`, { token: adminToken }), 409);
      expect((await api.get(`/schedules/${schedule.id}`, { token: host.accessToken })).status).toBe(
        200,
      );
      expect(
        (await api.delete(`/event-types/${eventType.id}`, { token: host.accessToken })).status,
      ).toBe(204);
      expect(
        (await api.delete(`/schedules/${schedule.id}`, { token: host.accessToken })).status,
      ).toBe(204);
    });

    it('can be deleted once its event type moved to another schedule', async () => {
      const [old, next] = [await createdSchedule(), await createdSchedule()];
      const eventType = await createdEventType(old.id);
      expectProblem(await api.delete(`/schedules/${old.id}`, { token: host.accessToken }), 409);
      await api.patch(`/event-types/${eventType.id}`, {
        token: host.accessToken,
        body: { scheduleId: next.id },
      });
      expect((await api.delete(`/schedules/${old.id}`, { token: host.accessToken })).status).toBe(
        204,
      );
      expectProblem(await api.delete(`/schedules/${next.id}`, { token: host.accessToken }), 409);
    });
  });

  describe('events', () => {
    it('publishes schedule.* and event-type.* once per change, with the whole record', async () => {
      const headers = { 'x-request-id': `schedule-events-${Date.now()}` };
      const created = await api.post('/schedules', {
        token: host.accessToken,
        body: scheduleBody(),
        headers,
      });
      expect(created.status).toBe(201);
      const schedule = created.body;
      const updated = await api.patch(`/schedules/${schedule.id}`, {
        token: host.accessToken,
        body: { name: 'Evenings' },
      });
      const eventType = await createdEventType(schedule.id);
      const eventTypeUpdated = await api.patch(`/event-types/${eventType.id}`, {
        token: adminToken,
        body: { title: 'Longer call', duration: 60 },
      });
      expect(
        (await api.delete(`/event-types/${eventType.id}`, { token: host.accessToken })).status,
      ).toBe(204);
      expect(
        (await api.delete(`/schedules/${schedule.id}`, { token: host.accessToken })).status,
      ).toBe(204);
      const of = (id: string) => () => events.matching((event) => event.envelope.data?.id === id);
      const ofSchedule = of(schedule.id);
      const ofEventType = of(eventType.id);
      await events.waitFor(() => ofSchedule().length >= 3 && ofEventType().length >= 3);
      // Give a duplicate the chance to show up before counting.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(ofSchedule().map((event) => event.routingKey)).toEqual([
        'schedule.created',
        'schedule.updated',
        'schedule.deleted',
      ]);
      expect(ofEventType().map((event) => event.routingKey)).toEqual([
        'event-type.created',
        'event-type.updated',
        'event-type.deleted',
      ]);
      const [sc, su, sd] = ofSchedule();
      expect(ScheduleCreated.envelope.parse(sc.envelope).data).toEqual(schedule);
      expect(ScheduleUpdated.envelope.parse(su.envelope).data).toEqual(updated.body);
      expect(ScheduleDeleted.envelope.parse(sd.envelope).data).toEqual(updated.body);
      expect(sc.envelope.correlationId).toBe(headers['x-request-id']);
      const [ec, eu, ed] = ofEventType();
      expect(EventTypeCreated.envelope.parse(ec.envelope).data).toEqual(eventType);
      expect(EventTypeUpdated.envelope.parse(eu.envelope).data).toEqual(eventTypeUpdated.body);
      expect(EventTypeDeleted.envelope.parse(ed.envelope).data).toEqual(eventTypeUpdated.body);
      expect(eu.envelope.actorId).not.toBe(host.user.id);
      for (const event of [...ofSchedule(), ...ofEventType()]) {
        expect(event.envelope).toMatchObject({ version: 1, actorId: expect.any(String) });
        expect(event.properties).toMatchObject({
          messageId: event.envelope.id,
          type: event.envelope.type,
          contentType: 'application/json',
          deliveryMode: 2,
        });
      }
      for (const event of [sc, su, sd, ec, ed]) expect(event.envelope.actorId).toBe(host.user.id);
    });

    it('publishes nothing for a refused change', async () => {
      const schedule = await createdSchedule();
      const eventType = await createdEventType(schedule.id);
      expectProblem(
        await api.delete(`/schedules/${schedule.id}`, { token: host.accessToken }),
        409,
      );
      expectProblem(
        await api.patch(`/event-types/${eventType.id}`, {
          token: other.accessToken,
          body: { title: 'x' },
        }),
        404,
      );
      await events.waitFor(
        () => events.matching((event) => event.envelope.data?.id === eventType.id).length >= 1,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(
        events
          .matching((event) => event.envelope.data?.id === schedule.id)
          .map((e) => e.routingKey),
      ).toEqual(['schedule.created']);
      expect(
        events
          .matching((event) => event.envelope.data?.id === eventType.id)
          .map((e) => e.routingKey),
      ).toEqual(['event-type.created']);
    });
  });
});
