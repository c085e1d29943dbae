import Redis from 'ioredis';
import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, type Actor } from '@slotbook/contracts';
import type { OutboxRelay } from '@slotbook/messaging';
import { MongoOutboxStore, RecordChanges, RecordMutex } from '@slotbook/persistence';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { AvailabilityEnv, type AvailabilityConfig } from '../src/config';
import type { HeldSlotsClient } from '../src/ranges/held-slots.client';
import type { HostDirectory } from '../src/ranges/host-directory.client';
import { HostLock } from '../src/ranges/host-lock';
import { HostScheduleRepository } from '../src/ranges/host-schedule.repository';
import { HostScheduleDocument, HostScheduleSchema } from '../src/ranges/host-schedule.schema';
import { BOOKING_LEASE_GRACE_MS, type HeldSlotSpan } from '../src/ranges/range-rules';
import { RangesService } from '../src/ranges/ranges.service';

/**
 * The host schedule against the real database: the record mutex and the version decide
 * between writers that share no memory and no Redis, and the lease protocol of a change.
 */
const MINUTE = 60_000;
const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * MINUTE);

describe('host schedule writes', () => {
  let connection: Connection;
  let model: Model<HostScheduleDocument>;
  let repository: HostScheduleRepository;
  let mutex: RecordMutex;
  let store: MongoOutboxStore;
  let redis: Redis;
  const config: AvailabilityConfig = AvailabilityEnv.parse({
    AMQP_URL: 'amqp://unused',
    MONGO_URL: 'mongodb://unused',
    REDIS_URL: 'redis://unused',
  });
  const relay = { kick: () => undefined } as unknown as OutboxRelay;
  const hosts = { requireHost: async () => undefined } as unknown as HostDirectory;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('availability')))
      .asPromise();
    model = connection.model(HostScheduleDocument.name, HostScheduleSchema);
    await model.init();
    mutex = RecordMutex.forConnection(connection);
    await mutex.init();
    store = new MongoOutboxStore(model as never, mutex);
    repository = new HostScheduleRepository(model, store);
    redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true });
  });

  afterAll(async () => {
    redis?.disconnect();
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  /** A replica of its own: no shared queue, no Redis lock, only the database between them. */
  function replica(held: (from: Date, to: Date) => Promise<HeldSlotSpan[]> = async () => []) {
    return new RangesService(
      config,
      repository,
      new RecordChanges(mutex, store, relay),
      new HostLock(redis, { enabled: false, ttlMs: 1_000, waitMs: 0 }),
      hosts,
      { list: (_: string, from: Date, to: Date) => held(from, to) } as unknown as HeldSlotsClient,
    );
  }

  function host(): Actor {
    return { id: randomUUID(), role: 'HOST' };
  }

  function day(): Date {
    const start = new Date(Date.now() + (2 + Math.floor(Math.random() * 300)) * 86_400_000);
    start.setUTCHours(9, 0, 0, 0);
    return start;
  }

  async function outcome(work: Promise<unknown>): Promise<string> {
    try {
      await work;
      return 'ok';
    } catch (error) {
      if (error instanceof DomainError) return error.code;
      throw error;
    }
  }

  it('30 writers racing overlapping creates for a new host: exactly one wins', async () => {
    const actor = host();
    const start = day();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        outcome(
          replica().create({
            actor,
            startTime: plus(start, i),
            endTime: plus(start, 60 + i),
            slotDuration: 15,
            requiresConfirmation: false,
          }),
        ),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r !== 'ok').every((r) => r === ErrorCode.Conflict)).toBe(true);
    const schedule = await repository.find(actor.id);
    expect(schedule?.ranges).toHaveLength(1);
    expect(schedule?.version).toBe(1);
  });

  it('30 writers racing disjoint creates: every one is written, none is lost', async () => {
    const actor = host();
    const start = day();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        outcome(
          replica().create({
            actor,
            startTime: plus(start, 15 * i),
            endTime: plus(start, 15 * (i + 1)),
            slotDuration: 15,
            requiresConfirmation: false,
          }),
        ),
      ),
    );
    expect(results).toEqual(Array(30).fill('ok'));
    const schedule = await repository.find(actor.id);
    expect(schedule?.ranges).toHaveLength(30);
    expect(schedule?.version).toBe(30);
  });

  it('a write based on a schedule that moved on is refused by its version', async () => {
    const actor = host();
    const start = day();
    await replica().create({
      actor,
      startTime: start,
      endTime: plus(start, 60),
      slotDuration: 30,
      requiresConfirmation: false,
    });
    const schedule = (await repository.find(actor.id))!;
    expect(await repository.replace(actor.id, schedule.version, schedule.ranges, [])).toBe(true);
    expect(await repository.replace(actor.id, schedule.version, [], [])).toBe(false);
    expect((await repository.find(actor.id))?.ranges).toHaveLength(1);
  });

  describe('the lease of a change', () => {
    async function rangeOf(actor: Actor, start: Date) {
      return replica().create({
        actor,
        startTime: start,
        endTime: plus(start, 120),
        slotDuration: 30,
        requiresConfirmation: false,
      });
    }

    it('is held while booking is asked: a slot of the range is then refused with 409', async () => {
      const actor = host();
      const start = day();
      const range = await rangeOf(actor, start);
      let verifiedMeanwhile = '';
      const service = replica(async () => {
        verifiedMeanwhile = await outcome(
          replica().verifySlot({ hostId: actor.id, startTime: plus(start, 90) }),
        );
        return [];
      });
      await service.update({ actor, rangeId: range.id, changes: { endTime: plus(start, 60) } });
      expect(verifiedMeanwhile).toBe(ErrorCode.Conflict);
      // After the change: the cut-off slot is no slot, the others are, and no lease is left.
      expect(
        await outcome(replica().verifySlot({ hostId: actor.id, startTime: plus(start, 90) })),
      ).toBe(ErrorCode.ValidationFailed);
      await expect(
        replica().verifySlot({ hostId: actor.id, startTime: plus(start, 30) }),
      ).resolves.toMatchObject({ rangeId: range.id, slotDuration: 30 });
      expect((await repository.find(actor.id))?.ranges[0]).toMatchObject({
        changingUntil: null,
        changeId: null,
      });
    });

    it('is given back when a booked slot refuses the change (409)', async () => {
      const actor = host();
      const start = day();
      const range = await rangeOf(actor, start);
      const booked = async () => [{ startTime: plus(start, 60), endTime: plus(start, 90) }];
      expect(
        await outcome(
          replica(booked).update({
            actor,
            rangeId: range.id,
            changes: { endTime: plus(start, 60) },
          }),
        ),
      ).toBe(ErrorCode.Conflict);
      expect(await outcome(replica(booked).delete({ actor, rangeId: range.id }))).toBe(
        ErrorCode.Conflict,
      );
      const [stored] = (await repository.find(actor.id))!.ranges;
      expect(stored).toMatchObject({ endTime: plus(start, 120), changingUntil: null });
      await expect(
        replica().verifySlot({ hostId: actor.id, startTime: plus(start, 60) }),
      ).resolves.toMatchObject({ rangeId: range.id });
    });

    it('is given back when booking does not answer (503)', async () => {
      const actor = host();
      const start = day();
      const range = await rangeOf(actor, start);
      const down = async (): Promise<HeldSlotSpan[]> => {
        throw new DomainError(ErrorCode.Unavailable, 'booking did not answer in time');
      };
      expect(await outcome(replica(down).delete({ actor, rangeId: range.id }))).toBe(
        ErrorCode.Unavailable,
      );
      expect((await repository.find(actor.id))?.ranges[0]).toMatchObject({
        id: range.id,
        changingUntil: null,
      });
    });

    it('left behind by a crash only delays changes until it runs out', async () => {
      const actor = host();
      const start = day();
      const range = await rangeOf(actor, start);
      const schedule = (await repository.find(actor.id))!;
      // Run out for longer than the grace bookings give a change that may still be committing.
      const stale = schedule.ranges.map((r) => ({
        ...r,
        changingUntil: new Date(Date.now() - BOOKING_LEASE_GRACE_MS - 1),
        changeId: 'crashed',
      }));
      expect(await repository.replace(actor.id, schedule.version, stale, [])).toBe(true);
      await expect(
        replica().verifySlot({ hostId: actor.id, startTime: start }),
      ).resolves.toMatchObject({ rangeId: range.id });
      await replica().delete({ actor, rangeId: range.id });
      expect((await repository.find(actor.id))?.ranges).toEqual([]);
    });

    it('a second change of a range under change is refused (409)', async () => {
      const actor = host();
      const start = day();
      const range = await rangeOf(actor, start);
      let second = '';
      await replica(async () => {
        second = await outcome(replica().delete({ actor, rangeId: range.id }));
        return [];
      }).update({ actor, rangeId: range.id, changes: { slotDuration: 60 } });
      expect(second).toBe(ErrorCode.Conflict);
      expect((await repository.find(actor.id))?.ranges[0]).toMatchObject({ slotDuration: 60 });
    });
  });
});
