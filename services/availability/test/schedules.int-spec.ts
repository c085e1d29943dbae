import mongoose, { type Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import {
  CreateEventType,
  CreateRange,
  CreateSchedule,
  DeleteSchedule,
  DomainError,
  ErrorCode,
  GetBookableEventType,
  GetEventType,
  GetHostTerms,
  ListEventTypes,
  ListRanges,
  ListSchedules,
  type Actor,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { ServiceProcess, infra, mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { TermsAnnouncer } from '../src/host-terms/terms-announcer';
import { HostAvailabilityRepository } from '../src/ranges/host-availability.repository';
import {
  HostAvailabilityDocument,
  HostAvailabilitySchema,
  RecordHostDocument,
  RecordHostSchema,
} from '../src/ranges/host-availability.schema';

/**
 * Schedules and event types in the availability service, driven by its commands over the real
 * broker against the real database: what the gateway and booking read of an event type
 * (GetBookableEventType, GetHostTerms), and writers of one host's document (schedules, event
 * types and ranges) racing without losing or breaking a rule.
 */
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

describe('schedules and event types over the bus', () => {
  const database = uniqueDatabase('availability');
  let service: ServiceProcess;
  let booking: ServiceProcess;
  let bus: CommandBus;
  let connection: Connection;
  let accounts: HostAvailabilityRepository;

  beforeAll(async () => {
    service = new ServiceProcess('availability', {
      AMQP_URL: infra.amqpUrl,
      REDIS_URL: infra.redisUrl,
      MONGO_URL: mongoUrlFor(database),
      NODE_ENV: 'test',
    });
    // Every write of a host's document is announced to booking (host-terms.ts).
    booking = new ServiceProcess('booking', {
      AMQP_URL: infra.amqpUrl,
      REDIS_URL: infra.redisUrl,
      MONGO_URL: mongoUrlFor(uniqueDatabase('booking')),
      NODE_ENV: 'test',
    });
    await Promise.all([service.start(), booking.start()]);
    bus = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 5_000 });
    connection = await mongoose.createConnection(mongoUrlFor(database)).asPromise();
    accounts = new HostAvailabilityRepository(
      connection.model(HostAvailabilityDocument.name, HostAvailabilitySchema),
      connection.model(RecordHostDocument.name, RecordHostSchema),
      // Writes the test makes behind availability's back need no announcement to booking.
      new TermsAnnouncer({ send: async () => null } as unknown as CommandBus),
    );
  });

  afterAll(async () => {
    await bus?.close();
    await Promise.all([service?.stop(), booking?.stop()]);
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  async function failure(work: Promise<unknown>): Promise<DomainError> {
    const error = await work.then(
      () => new Error('expected the command to be refused'),
      (caught: unknown) => caught,
    );
    if (!(error instanceof DomainError)) throw error;
    return error;
  }

  function host(): Actor {
    return { id: randomUUID(), role: 'HOST' };
  }

  async function scheduleOf(actor: Actor, body: Record<string, unknown> = {}) {
    return bus.send(CreateSchedule, {
      actor,
      body: { name: 'Week', timeZone: 'UTC', weekly: everyDay('00:00', '24:00'), ...body },
    });
  }

  async function eventTypeOf(actor: Actor, scheduleId: string, fields = {}) {
    return bus.send(CreateEventType, {
      actor,
      body: { scheduleId, title: 'Call', duration: 30, ...fields },
    });
  }

  /** What booking decides an event type's slots by: its host's terms. */
  async function termsOf(eventTypeId: string) {
    return bus.send(GetHostTerms, { eventTypeId });
  }

  /** Whole UTC hours from tomorrow on, so that every day is open and no slot has started. */
  function tomorrowAt(hour: number, minute = 0): Date {
    const day = new Date(Date.now() + DAY);
    return new Date(
      Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, minute),
    );
  }

  describe('what booking asks of an event type', () => {
    it('answers the event type with its schedule for slot math', async () => {
      const actor = host();
      const schedule = await scheduleOf(actor, {
        timeZone: 'Europe/Berlin',
        weekly: [{ day: 'MON', start: '09:00', end: '17:00' }],
        overrides: [{ date: '2030-01-07', intervals: [] }],
      });
      const eventType = await eventTypeOf(actor, schedule.id, {
        duration: 45,
        slotInterval: 15,
        bufferBefore: 10,
        bufferAfter: 5,
        minimumNotice: 120,
        bookingHorizonDays: 30,
        requiresConfirmation: true,
      });
      const bookable = await bus.send(GetBookableEventType, {
        actor,
        eventTypeId: eventType.id,
      });
      expect(bookable).toEqual({
        eventTypeId: eventType.id,
        hostId: actor.id,
        duration: 45,
        slotInterval: 15,
        bufferBefore: 10,
        bufferAfter: 5,
        minimumNotice: 120,
        bookingHorizonDays: 30,
        requiresConfirmation: true,
        seatsPerSlot: 1,
        timeZone: 'Europe/Berlin',
        weekly: [{ day: 'MON', start: '09:00', end: '17:00' }],
        overrides: [{ date: '2030-01-07', intervals: [] }],
      });
    });

    it("answers the host's terms: the event type, its schedule, whether the host can be booked", async () => {
      const actor = host();
      const schedule = await scheduleOf(actor, {
        timeZone: 'Europe/Berlin',
        weekly: [{ day: 'MON', start: '09:00', end: '17:00' }],
      });
      const bookingFields = [
        { slug: 'topic', label: 'Topic', type: 'text', required: true },
        { slug: 'size', label: 'Size', type: 'select', required: false, options: ['S', 'M'] },
      ];
      const eventType = await eventTypeOf(actor, schedule.id, {
        duration: 45,
        slotInterval: 15,
        bufferBefore: 10,
        bufferAfter: 5,
        public: true,
        bookingFields,
        minimumCancelNotice: 1440,
      });
      const terms = await termsOf(eventType.id);
      expect(terms).toMatchObject({ hostId: actor.id, bookable: true, ranges: [] });
      // What booking checks a guest's create and cancel by, with no further question.
      expect(terms.eventTypes).toEqual([
        {
          id: eventType.id,
          scheduleId: schedule.id,
          title: 'Call',
          duration: 45,
          slotInterval: 15,
          bufferBefore: 10,
          bufferAfter: 5,
          minimumNotice: 0,
          bookingHorizonDays: 60,
          requiresConfirmation: false,
          public: true,
          bookingFields,
          minimumCancelNotice: 1440,
          seatsPerSlot: 1,
        },
      ]);
      expect(terms.schedules).toEqual([
        {
          id: schedule.id,
          timeZone: 'Europe/Berlin',
          weekly: [{ day: 'MON', start: '09:00', end: '17:00' }],
          overrides: [],
        },
      ]);
      // Two writes (the schedule, the event type): the version booking's copy is compared by.
      expect(terms.version).toBe(2);
    });

    it('answers 404 for an unknown event type, and for an id that is a schedule', async () => {
      const actor = host();
      const schedule = await scheduleOf(actor);
      for (const eventTypeId of [randomUUID(), schedule.id]) {
        expect((await failure(termsOf(eventTypeId))).code).toBe(ErrorCode.NotFound);
        expect((await failure(bus.send(GetBookableEventType, { actor, eventTypeId }))).code).toBe(
          ErrorCode.NotFound,
        );
      }
    });

    it('answers 404 while the host cannot be booked (deactivated, or no longer a HOST), and again once it can', async () => {
      const actor = host();
      const schedule = await scheduleOf(actor);
      const eventType = await eventTypeOf(actor, schedule.id);
      const ask = () => bus.send(GetBookableEventType, { actor, eventTypeId: eventType.id });
      await accounts.recordAccount(actor.id, { role: 'HOST', active: false, version: 2 });
      expect((await failure(ask())).code).toBe(ErrorCode.NotFound);
      expect(await termsOf(eventType.id)).toMatchObject({ bookable: false });
      await accounts.recordAccount(actor.id, { role: 'USER', active: true, version: 3 });
      expect((await failure(ask())).code).toBe(ErrorCode.NotFound);
      expect(await termsOf(eventType.id)).toMatchObject({ bookable: false });
      // Its records stay readable; only booking them is refused.
      await expect(
        bus.send(GetEventType, { actor, eventTypeId: eventType.id }),
      ).resolves.toMatchObject({ id: eventType.id });
      await accounts.recordAccount(actor.id, { role: 'HOST', active: true, version: 4 });
      await expect(ask()).resolves.toBeTruthy();
      expect(await termsOf(eventType.id)).toMatchObject({ bookable: true });
    });
  });

  describe('who sees an event type (SPEC §4b)', () => {
    it('shows a caller without a token only public event types: any other, and none, is 401 alike', async () => {
      const actor = host();
      const schedule = await scheduleOf(actor);
      const open = await eventTypeOf(actor, schedule.id, { public: true });
      const closed = await eventTypeOf(actor, schedule.id);
      await expect(bus.send(GetEventType, { eventTypeId: open.id })).resolves.toEqual(open);
      await expect(bus.send(GetBookableEventType, { eventTypeId: open.id })).resolves.toMatchObject(
        { eventTypeId: open.id },
      );
      for (const eventTypeId of [closed.id, randomUUID(), schedule.id]) {
        expect((await failure(bus.send(GetEventType, { eventTypeId }))).code).toBe(
          ErrorCode.Unauthorized,
        );
        expect((await failure(bus.send(GetBookableEventType, { eventTypeId }))).code).toBe(
          ErrorCode.Unauthorized,
        );
      }
      await expect(bus.send(ListEventTypes, { hostId: actor.id })).resolves.toEqual({
        data: [open],
      });
      await expect(bus.send(ListEventTypes, { actor, hostId: actor.id })).resolves.toEqual({
        data: [open, closed],
      });
      await expect(
        bus.send(GetEventType, { actor: host(), eventTypeId: closed.id }),
      ).resolves.toEqual(closed);
    });

    it("names the host by what identity's events said of the account, null before", async () => {
      const actor = host();
      const schedule = await scheduleOf(actor);
      const eventType = await eventTypeOf(actor, schedule.id);
      expect(eventType.host).toEqual({ id: actor.id, name: null });
      await accounts.recordAccount(actor.id, {
        role: 'HOST',
        active: true,
        version: 2,
        name: 'Ada Lovelace',
      });
      const read = await bus.send(GetEventType, { actor, eventTypeId: eventType.id });
      expect(read.host).toEqual({ id: actor.id, name: 'Ada Lovelace' });
      expect(read.hostId).toBe(actor.id);
    });
  });

  describe('writers of one host racing on its document', () => {
    it('deleting a schedule racing an event type created on it: never an event type without its schedule', async () => {
      for (let round = 0; round < 8; round += 1) {
        const actor = host();
        const schedule = await scheduleOf(actor);
        const [created, deleted] = await Promise.allSettled([
          eventTypeOf(actor, schedule.id),
          bus.send(DeleteSchedule, { actor, scheduleId: schedule.id }),
        ]);
        if (created.status === 'fulfilled') {
          // The event type came first: the schedule is in use, so its deletion is a 409.
          expect(deleted.status).toBe('rejected');
          expect((deleted as PromiseRejectedResult).reason).toMatchObject({
            code: ErrorCode.Conflict,
          });
        } else {
          expect(deleted.status).toBe('fulfilled');
          expect(created.reason).toMatchObject({ code: ErrorCode.NotFound });
        }
        const types = await bus.send(ListEventTypes, {
          actor,
          hostId: actor.id,
        });
        const schedules = await bus.send(ListSchedules, {
          hostId: actor.id,
        });
        const scheduleIds = new Set(schedules.data.map((s) => s.id));
        for (const eventType of types.data)
          expect(scheduleIds.has(eventType.scheduleId)).toBe(true);
      }
    });

    it('schedules, event types and ranges of one host written at once: every write kept', async () => {
      const actor = host();
      const base = await scheduleOf(actor);
      const day = tomorrowAt(0).getTime() + 5 * DAY;
      const writes = Array.from({ length: 8 }, (_, i) => [
        bus.send(CreateSchedule, {
          actor,
          body: { name: `S${i}`, timeZone: 'UTC', weekly: [] },
        }),
        bus.send(CreateEventType, {
          actor,
          body: { scheduleId: base.id, title: `E${i}`, duration: 30 },
        }),
        bus.send(CreateRange, {
          actor,
          startTime: new Date(day + i * 60 * MINUTE),
          endTime: new Date(day + (i + 1) * 60 * MINUTE),
          slotDuration: 30,
          requiresConfirmation: false,
        }),
      ]).flat();
      const results = await Promise.allSettled(writes);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const [schedules, types, ranges] = await Promise.all([
        bus.send(ListSchedules, { hostId: actor.id }),
        bus.send(ListEventTypes, { actor, hostId: actor.id }),
        bus.send(ListRanges, {
          hostId: actor.id,
          query: { from: new Date(day), to: new Date(day + DAY) },
        }),
      ]);
      expect(schedules.data).toHaveLength(9);
      expect(types.data).toHaveLength(8);
      expect(ranges.data).toHaveLength(8);
    });
  });
});

function everyDay(start: string, end: string) {
  return WEEKDAYS.map((day) => ({ day, start, end }));
}
