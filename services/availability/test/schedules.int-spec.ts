import mongoose, { type Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import {
  AVAILABILITY_QUEUE,
  AvailabilityCommand,
  BookableEventType,
  DomainError,
  ErrorCode,
  EventType,
  Schedule,
  VerifiedEventTypeSlot,
  type Actor,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { ServiceProcess, infra, mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { HostAvailabilityRepository } from '../src/ranges/host-availability.repository';
import {
  HostAvailabilityDocument,
  HostAvailabilitySchema,
  RecordHostDocument,
  RecordHostSchema,
} from '../src/ranges/host-availability.schema';

/**
 * Schedules and event types in the availability service, driven by its commands over the real
 * broker against the real database: what booking asks before it claims an event type's slot
 * (GetBookableEventType, VerifyEventTypeSlot), DST on a transition day, and writers of one
 * host's document (schedules, event types and ranges) racing without losing or breaking a rule.
 */
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

describe('schedules and event types over the bus', () => {
  const database = uniqueDatabase('availability');
  let service: ServiceProcess;
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
    await service.start();
    bus = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 5_000 });
    connection = await mongoose.createConnection(mongoUrlFor(database)).asPromise();
    accounts = new HostAvailabilityRepository(
      connection.model(HostAvailabilityDocument.name, HostAvailabilitySchema),
      connection.model(RecordHostDocument.name, RecordHostSchema),
    );
  });

  afterAll(async () => {
    await bus?.close();
    await service?.stop();
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  const send = <T>(pattern: string, payload: unknown) =>
    bus.send<T>(AVAILABILITY_QUEUE, pattern, payload);

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
    const reply = await send(AvailabilityCommand.CreateSchedule, {
      actor,
      body: { name: 'Week', timeZone: 'UTC', weekly: everyDay('00:00', '24:00'), ...body },
    });
    return Schedule.parse(reply);
  }

  async function eventTypeOf(actor: Actor, scheduleId: string, fields = {}) {
    const reply = await send(AvailabilityCommand.CreateEventType, {
      actor,
      body: { scheduleId, title: 'Call', duration: 30, ...fields },
    });
    return EventType.parse(reply);
  }

  function verify(eventTypeId: string, startTime: Date | string) {
    return send(AvailabilityCommand.VerifyEventTypeSlot, { eventTypeId, startTime });
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
      const bookable = BookableEventType.parse(
        await send(AvailabilityCommand.GetBookableEventType, { eventTypeId: eventType.id }),
      );
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
        timeZone: 'Europe/Berlin',
        weekly: [{ day: 'MON', start: '09:00', end: '17:00' }],
        overrides: [{ date: '2030-01-07', intervals: [] }],
      });
    });

    it('verifies a slot: its end is start + duration, with the buffers and confirmation rule', async () => {
      const actor = host();
      const schedule = await scheduleOf(actor);
      const eventType = await eventTypeOf(actor, schedule.id, {
        duration: 45,
        slotInterval: 15,
        bufferBefore: 10,
        bufferAfter: 5,
      });
      const start = tomorrowAt(10, 15);
      const verified = VerifiedEventTypeSlot.parse(await verify(eventType.id, start));
      expect(verified).toEqual({
        eventTypeId: eventType.id,
        hostId: actor.id,
        startTime: start.toISOString(),
        endTime: new Date(start.getTime() + 45 * MINUTE).toISOString(),
        bufferBefore: 10,
        bufferAfter: 5,
        requiresConfirmation: false,
      });
    });

    it('refuses with 422 on startTime a start off the grid, outside the hours, inside the notice or beyond the horizon', async () => {
      const actor = host();
      const schedule = await scheduleOf(actor, {
        weekly: everyDay('09:00', '12:00'),
      });
      const eventType = await eventTypeOf(actor, schedule.id, {
        duration: 60,
        slotInterval: 30,
        bookingHorizonDays: 3,
      });
      const noticed = await eventTypeOf(actor, schedule.id, {
        duration: 60,
        minimumNotice: 43200,
      });
      const refusals = [
        () => verify(eventType.id, tomorrowAt(9, 10)), // off the 30-minute grid
        () => verify(eventType.id, tomorrowAt(12)), // outside the hours
        () => verify(eventType.id, tomorrowAt(11, 30)), // would end after 12:00
        () => verify(eventType.id, new Date(tomorrowAt(9).getTime() + 3 * DAY)), // the horizon
        () => verify(eventType.id, new Date(tomorrowAt(9).getTime() - 2 * DAY)), // started
        () => verify(noticed.id, tomorrowAt(10)), // 30 days of notice
      ];
      for (const refusal of refusals) {
        const error = await failure(refusal());
        expect(error.code).toBe(ErrorCode.ValidationFailed);
        expect(error.details?.errors).toEqual([expect.objectContaining({ path: 'startTime' })]);
      }
      await expect(verify(eventType.id, tomorrowAt(11))).resolves.toBeTruthy();
    });

    it('answers 404 for an unknown event type, and for an id that is a schedule', async () => {
      const actor = host();
      const schedule = await scheduleOf(actor);
      for (const eventTypeId of [randomUUID(), schedule.id]) {
        expect((await failure(verify(eventTypeId, tomorrowAt(10)))).code).toBe(ErrorCode.NotFound);
        expect(
          (await failure(send(AvailabilityCommand.GetBookableEventType, { eventTypeId }))).code,
        ).toBe(ErrorCode.NotFound);
      }
    });

    it('answers 404 while the host cannot be booked (deactivated, or no longer a HOST), and again once it can', async () => {
      const actor = host();
      const schedule = await scheduleOf(actor);
      const eventType = await eventTypeOf(actor, schedule.id);
      const asked = [
        () => verify(eventType.id, tomorrowAt(10)),
        () => send(AvailabilityCommand.GetBookableEventType, { eventTypeId: eventType.id }),
      ];
      await accounts.recordAccount(actor.id, { role: 'HOST', active: false, version: 2 });
      for (const ask of asked) expect((await failure(ask())).code).toBe(ErrorCode.NotFound);
      await accounts.recordAccount(actor.id, { role: 'USER', active: true, version: 3 });
      for (const ask of asked) expect((await failure(ask())).code).toBe(ErrorCode.NotFound);
      // Its records stay readable; only booking them is refused.
      await expect(
        send(AvailabilityCommand.GetEventType, { actor, eventTypeId: eventType.id }),
      ).resolves.toMatchObject({ id: eventType.id });
      await accounts.recordAccount(actor.id, { role: 'HOST', active: true, version: 4 });
      for (const ask of asked) await expect(ask()).resolves.toBeTruthy();
    });
  });

  describe('on the next DST transition day of Europe/Berlin', () => {
    /** The next local date whose UTC offset at its end differs from the one at its start. */
    function nextTransitionDate(timeZone: string): string {
      for (let day = Date.now() + 2 * DAY; ; day += DAY) {
        const date = new Date(day).toISOString().slice(0, 10);
        const start = Date.parse(`${date}T00:00:00Z`);
        if (offsetMinutes(timeZone, start) !== offsetMinutes(timeZone, start + DAY)) return date;
      }
    }

    it('verifies afternoon hours at the offset in force that afternoon, not the morning', async () => {
      const date = nextTransitionDate('Europe/Berlin');
      const weekday = WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
      const actor = host();
      const schedule = await scheduleOf(actor, {
        timeZone: 'Europe/Berlin',
        weekly: [{ day: weekday, start: '13:00', end: '14:00' }],
      });
      const eventType = await eventTypeOf(actor, schedule.id, {
        duration: 60,
        bookingHorizonDays: 365,
      });
      const wall = Date.parse(`${date}T13:00:00Z`);
      const afternoon = wall - offsetMinutes('Europe/Berlin', wall) * MINUTE;
      const morning =
        wall - offsetMinutes('Europe/Berlin', Date.parse(`${date}T00:00:00Z`)) * MINUTE;
      expect(afternoon).not.toBe(morning);
      const verified = VerifiedEventTypeSlot.parse(await verify(eventType.id, new Date(afternoon)));
      expect(Date.parse(verified.endTime) - Date.parse(verified.startTime)).toBe(60 * MINUTE);
      const error = await failure(verify(eventType.id, new Date(morning)));
      expect(error.code).toBe(ErrorCode.ValidationFailed);
    });
  });

  describe('writers of one host racing on its document', () => {
    it('deleting a schedule racing an event type created on it: never an event type without its schedule', async () => {
      for (let round = 0; round < 8; round += 1) {
        const actor = host();
        const schedule = await scheduleOf(actor);
        const [created, deleted] = await Promise.allSettled([
          eventTypeOf(actor, schedule.id),
          send(AvailabilityCommand.DeleteSchedule, { actor, scheduleId: schedule.id }),
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
        const types = await send<{ data: EventType[] }>(AvailabilityCommand.ListEventTypes, {
          hostId: actor.id,
        });
        const schedules = await send<{ data: Schedule[] }>(AvailabilityCommand.ListSchedules, {
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
        send(AvailabilityCommand.CreateSchedule, {
          actor,
          body: { name: `S${i}`, timeZone: 'UTC', weekly: [] },
        }),
        send(AvailabilityCommand.CreateEventType, {
          actor,
          body: { scheduleId: base.id, title: `E${i}`, duration: 30 },
        }),
        send(AvailabilityCommand.CreateRange, {
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
        send<{ data: unknown[] }>(AvailabilityCommand.ListSchedules, { hostId: actor.id }),
        send<{ data: unknown[] }>(AvailabilityCommand.ListEventTypes, { hostId: actor.id }),
        send<{ data: unknown[] }>(AvailabilityCommand.ListRanges, {
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

/** The zone's UTC offset at an instant, in minutes, read from `Intl` (an independent source). */
function offsetMinutes(timeZone: string, instant: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(instant)
      .map((part) => [part.type, Number(part.value)]),
  );
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  return (wall - instant) / MINUTE;
}
