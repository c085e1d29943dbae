import { EventTypeCreated, EventTypeUpdated } from '@slotbook/contracts';
import {
  ApiClient,
  EventRecorder,
  Platform,
  eventually,
  expectProblem,
  uniqueEmail,
} from '@slotbook/testing';

/**
 * SPEC §4b through the gateway: an event type's public flag, description, questions and cancel
 * notice; whom it is booked with (`host`); and what a caller without a token may see of it.
 */
const DAY = 24 * 60 * 60_000;

describe('event types for the people hosts meet (SPEC §4b)', () => {
  let platform: Platform;
  let api: ApiClient;
  let events: EventRecorder;
  let host: { user: any; accessToken: string };
  let member: { user: any; accessToken: string };
  let scheduleId: string;

  beforeAll(async () => {
    events = await new EventRecorder().start([{ exchange: 'availability.events' }]);
    platform = await new Platform().start();
    api = new ApiClient(platform.gatewayUrl);
    [host, member] = await Promise.all([
      api.signUp({ email: uniqueEmail('host'), name: 'Grace Hopper', role: 'HOST' }),
      api.signUp({ email: uniqueEmail('member') }),
    ]);
    const schedule = await api.post('/schedules', {
      token: host.accessToken,
      body: {
        name: 'Always',
        timeZone: 'UTC',
        weekly: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'].map((day) => ({
          day,
          start: '00:00',
          end: '24:00',
        })),
      },
    });
    expect(schedule.status).toBe(201);
    scheduleId = schedule.body.id;
  });

  afterAll(async () => {
    await platform?.stop();
    await events?.stop();
  });

  const QUESTIONS = [
    { slug: 'topic', label: 'What shall we talk about?', type: 'textarea', required: true },
    { slug: 'company_size', label: 'Company size', type: 'select', options: ['1–10', '11+'] },
    { slug: 'consent', label: 'I agree to be recorded', type: 'checkbox', required: true },
  ];

  async function created(fields: Record<string, unknown> = {}, token = host.accessToken) {
    const response = await api.post('/event-types', {
      token,
      body: { scheduleId, title: 'Intro call', duration: 30, ...fields },
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  /** The host's name as availability learnt it from identity's events (a moment after). */
  async function readAnonymously(id: string) {
    return eventually(async () => {
      const response = await api.get(`/event-types/${id}`);
      expect(response.status).toBe(200);
      expect(response.body.host.name).not.toBeNull();
      return response;
    });
  }

  describe('the new fields', () => {
    it('default to private, no description, no questions and no cancel notice', async () => {
      const eventType = await created();
      expect(eventType).toMatchObject({
        public: false,
        description: '',
        bookingFields: [],
        minimumCancelNotice: 0,
        hostId: host.user.id,
        host: { id: host.user.id },
      });
      // Null only if availability had not heard of the account yet (see readAnonymously).
      expect(['Grace Hopper', null]).toContain(eventType.host.name);
    });

    it('keeps each given, a question’s required defaulting to false, in reads and events', async () => {
      const eventType = await created({
        public: true,
        description: 'A first half hour to get to know each other.',
        bookingFields: QUESTIONS,
        minimumCancelNotice: 1440,
      });
      expect(eventType).toMatchObject({
        public: true,
        description: 'A first half hour to get to know each other.',
        bookingFields: [QUESTIONS[0], { ...QUESTIONS[1], required: false }, QUESTIONS[2]],
        minimumCancelNotice: 1440,
      });
      const read = await api.get(`/event-types/${eventType.id}`, { token: member.accessToken });
      expect(read.body).toEqual({ ...eventType, host: read.body.host });
      const published = () => events.matching((event) => event.envelope.data?.id === eventType.id);
      await events.waitFor(() => published().length >= 1);
      const data = EventTypeCreated.envelope.parse(published()[0].envelope).data;
      expect(data).toEqual(eventType);
    });

    it('are changed by PATCH one at a time; a bookingFields given replaces all the questions', async () => {
      const eventType = await created({ bookingFields: QUESTIONS });
      const patch = (body: Record<string, unknown>) =>
        api.patch(`/event-types/${eventType.id}`, { token: host.accessToken, body });
      expect((await patch({ public: true })).body.public).toBe(true);
      expect((await patch({ description: 'Now with notes' })).body.description).toBe(
        'Now with notes',
      );
      expect((await patch({ minimumCancelNotice: 120 })).body.minimumCancelNotice).toBe(120);
      const replaced = await patch({
        bookingFields: [{ slug: 'why', label: 'Why?', type: 'text' }],
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({
        public: true,
        description: 'Now with notes',
        minimumCancelNotice: 120,
        bookingFields: [{ slug: 'why', label: 'Why?', type: 'text', required: false }],
        title: 'Intro call',
      });
      const isLast = (event: { routingKey: string; envelope: any }) =>
        event.routingKey === 'event-type.updated' &&
        event.envelope.data?.updatedAt === replaced.body.updatedAt &&
        event.envelope.data?.id === eventType.id;
      await events.waitFor(() => events.matching(isLast).length >= 1);
      const [last] = events.matching(isLast);
      expect(EventTypeUpdated.envelope.parse(last.envelope).data).toEqual(replaced.body);
    });
  });

  describe('validation: each rule is a 422 naming its field', () => {
    const post = (fields: Record<string, unknown>) =>
      api.post('/event-types', {
        token: host.accessToken,
        body: { scheduleId, title: 'Call', duration: 30, ...fields },
      });
    const question = (fields: Record<string, unknown> = {}) => ({
      slug: 'topic',
      label: 'Topic',
      type: 'text',
      ...fields,
    });

    it.each<[string, unknown]>([
      ['public', 'yes'],
      ['minimumCancelNotice', -5],
      ['minimumCancelNotice', 43205],
      ['minimumCancelNotice', 12],
      ['bookingFields', 'none'],
    ])('POST: %s = %j', async (field, value) => {
      expectProblem(await post({ [field]: value }), 422, field);
    });

    it('POST: a description of 2001 characters', async () => {
      expectProblem(await post({ description: 'x'.repeat(2001) }), 422, 'description');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a slug of capitals', { slug: 'Topic' }, 'bookingFields.0.slug'],
      ['an empty label', { label: '' }, 'bookingFields.0.label'],
      ['an unknown type', { type: 'date' }, 'bookingFields.0.type'],
      ['options on a text question', { options: ['a'] }, 'bookingFields.0.options'],
      ['a select without options', { type: 'select' }, 'bookingFields.0.options'],
      ['a repeated option', { type: 'select', options: ['a', 'a'] }, 'bookingFields.0.options.1'],
    ])('POST: %s', async (_, fields, path) => {
      expectProblem(await post({ bookingFields: [question(fields)] }), 422, path);
    });

    it('names the question by its index, and a slug used twice', async () => {
      const third = await post({
        bookingFields: [
          question({ slug: 'a' }),
          question({ slug: 'b' }),
          question({ slug: 'c', type: 'multiselect' }),
        ],
      });
      expectProblem(third, 422, 'bookingFields.2.options');
      expectProblem(
        await post({ bookingFields: [question(), question({ type: 'email' })] }),
        422,
        'bookingFields.1.slug',
      );
    });

    it('refuses 21 questions, and questions over 32 KiB', async () => {
      const many = Array.from({ length: 21 }, (_, i) => question({ slug: `q${i}` }));
      expectProblem(await post({ bookingFields: many }), 422, 'bookingFields');
      const options = Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(200, 'x'));
      const big = [0, 1, 2, 3].map((i) =>
        question({ slug: `q${i}`, type: 'multiselect', options }),
      );
      expectProblem(await post({ bookingFields: big }), 422, 'bookingFields');
    });

    it('PATCH: the same rules, and nothing changes', async () => {
      const eventType = await created();
      const patch = (body: unknown) =>
        api.patch(`/event-types/${eventType.id}`, { token: host.accessToken, body });
      expectProblem(await patch({ minimumCancelNotice: 3 }), 422, 'minimumCancelNotice');
      expectProblem(await patch({ public: 1 }), 422, 'public');
      expectProblem(
        await patch({ bookingFields: [question({ type: 'select' })] }),
        422,
        'bookingFields.0.options',
      );
      const read = await api.get(`/event-types/${eventType.id}`, { token: host.accessToken });
      expect(read.body).toMatchObject({ public: false, bookingFields: [], minimumCancelNotice: 0 });
    });
  });

  describe('without a token', () => {
    it('reads a public event type, with the name of its host', async () => {
      const eventType = await created({ public: true, bookingFields: QUESTIONS });
      const read = await readAnonymously(eventType.id);
      expect(read.body).toEqual({
        ...eventType,
        host: { id: host.user.id, name: 'Grace Hopper' },
      });
    });

    it('answers 401 for a private event type and an unknown one alike; with a token, both as before', async () => {
      const closed = await created();
      const [forClosed, forUnknown] = await Promise.all([
        api.get(`/event-types/${closed.id}`),
        api.get('/event-types/no-such-event-type'),
      ]);
      expectProblem(forClosed, 401);
      expectProblem(forUnknown, 401);
      expect(forClosed.body.detail).toBe(forUnknown.body.detail);
      expect(
        (await api.get(`/event-types/${closed.id}`, { token: member.accessToken })).status,
      ).toBe(200);
      expectProblem(
        await api.get('/event-types/no-such-event-type', { token: member.accessToken }),
        404,
      );
    });

    it("lists only a host's public event types; with a token, all of them", async () => {
      const owner = await api.signUp({ email: uniqueEmail('lister'), role: 'HOST' });
      const schedule = await api.post('/schedules', {
        token: owner.accessToken,
        body: {
          name: 'Week',
          timeZone: 'UTC',
          weekly: [{ day: 'MON', start: '09:00', end: '17:00' }],
        },
      });
      const open = await created({ scheduleId: schedule.body.id, public: true }, owner.accessToken);
      const closed = await created({ scheduleId: schedule.body.id }, owner.accessToken);
      const anonymous = await api.get(`/hosts/${owner.user.id}/event-types`);
      expect(anonymous.status).toBe(200);
      expect(anonymous.body.data.map((type: { id: string }) => type.id)).toEqual([open.id]);
      const signedIn = await api.get(`/hosts/${owner.user.id}/event-types`, {
        token: member.accessToken,
      });
      expect(signedIn.body.data.map((type: { id: string }) => type.id)).toEqual([
        open.id,
        closed.id,
      ]);
      expect((await api.get('/hosts/no-such-host/event-types')).body).toEqual({ data: [] });
    });

    it('lists the free slots of a public event type, and answers 401 for a private one', async () => {
      const open = await created({ public: true });
      const closed = await created();
      const from = new Date(Math.ceil((Date.now() + DAY) / DAY) * DAY);
      const window = `from=${from.toISOString()}&to=${new Date(from.getTime() + DAY).toISOString()}`;
      const slots = await api.get(`/event-types/${open.id}/slots?${window}`);
      expect(slots.status).toBe(200);
      expect(slots.body.data).toHaveLength(48);
      expect(slots.body.data[0]).toEqual({
        startTime: from.toISOString(),
        endTime: new Date(from.getTime() + 30 * 60_000).toISOString(),
      });
      const withToken = await api.get(`/event-types/${open.id}/slots?${window}`, {
        token: member.accessToken,
      });
      expect(withToken.body).toEqual(slots.body);
      expectProblem(await api.get(`/event-types/${closed.id}/slots?${window}`), 401);
      expectProblem(await api.get(`/event-types/no-such-event-type/slots?${window}`), 401);
      expect(
        (await api.get(`/event-types/${closed.id}/slots?${window}`, { token: member.accessToken }))
          .status,
      ).toBe(200);
    });

    it('stops showing an event type once it is made private', async () => {
      const eventType = await created({ public: true });
      expect((await api.get(`/event-types/${eventType.id}`)).status).toBe(200);
      await api.patch(`/event-types/${eventType.id}`, {
        token: host.accessToken,
        body: { public: false },
      });
      expectProblem(await api.get(`/event-types/${eventType.id}`), 401);
    });

    it('still refuses a bad token with 401, even on a public event type', async () => {
      const eventType = await created({ public: true });
      expectProblem(await api.get(`/event-types/${eventType.id}`, { token: 'not-a-token' }), 401);
    });
  });

  it("follows the host's name when the host changes it", async () => {
    const owner = await api.signUp({
      email: uniqueEmail('renamer'),
      name: 'Old Name',
      role: 'HOST',
    });
    const schedule = await api.post('/schedules', {
      token: owner.accessToken,
      body: { name: 'Week', timeZone: 'UTC', weekly: [] },
    });
    const eventType = await created(
      { scheduleId: schedule.body.id, public: true },
      owner.accessToken,
    );
    expect((await readAnonymously(eventType.id)).body.host.name).toBe('Old Name');
    const renamed = await api.patch('/users/me', {
      token: owner.accessToken,
      body: { name: 'New Name' },
    });
    expect(renamed.status).toBe(200);
    await eventually(async () => {
      const read = await api.get(`/event-types/${eventType.id}`);
      expect(read.body.host).toEqual({ id: owner.user.id, name: 'New Name' });
    });
  });
});
