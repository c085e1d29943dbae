import Redis from 'ioredis';
import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, type Actor, type PendingEvent } from '@slotbook/contracts';
import type { OutboxRelay } from '@slotbook/messaging';
import { RecordMutex } from '@slotbook/persistence';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { AvailabilityEnv, type AvailabilityConfig } from '../src/config';
import type { HeldSlotsClient } from '../src/ranges/held-slots.client';
import type { HostDirectory } from '../src/ranges/host-directory.client';
import { HostLock } from '../src/ranges/host-lock';
import { HostScheduleOutbox } from '../src/ranges/host-schedule.outbox';
import { HostScheduleRepository } from '../src/ranges/host-schedule.repository';
import {
  RangeHostDocument,
  RangeHostSchema,
  ScheduleHeadDocument,
  ScheduleHeadSchema,
  ScheduleRelayDocument,
  ScheduleRelaySchema,
  ScheduleVersionDocument,
  ScheduleVersionSchema,
  versionId,
} from '../src/ranges/host-schedule.schema';
import { BOOKING_LEASE_GRACE_MS, type HeldSlotSpan } from '../src/ranges/range-rules';
import { RangesService } from '../src/ranges/ranges.service';

/**
 * The host schedule against the real database: the insert of the next version decides
 * between writers that share no memory, no Redis and no lock; the lease protocol of a change;
 * the relay of the events stored in the versions.
 */
const MINUTE = 60_000;
const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * MINUTE);

describe('host schedule writes', () => {
  let connection: Connection;
  let versions: Model<ScheduleVersionDocument>;
  let heads: Model<ScheduleHeadDocument>;
  let progress: Model<ScheduleRelayDocument>;
  let rangeHosts: Model<RangeHostDocument>;
  let repository: HostScheduleRepository;
  let mutex: RecordMutex;
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
    versions = connection.model(ScheduleVersionDocument.name, ScheduleVersionSchema);
    heads = connection.model(ScheduleHeadDocument.name, ScheduleHeadSchema);
    progress = connection.model(ScheduleRelayDocument.name, ScheduleRelaySchema);
    rangeHosts = connection.model(RangeHostDocument.name, RangeHostSchema);
    await versions.init();
    mutex = RecordMutex.forConnection(connection);
    await mutex.init();
    repository = new HostScheduleRepository(versions, heads, rangeHosts);
    redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true });
  });

  afterAll(async () => {
    redis?.disconnect();
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  /** A replica of its own: no shared queue, no Redis lock, only the database between them. */
  function replica(
    held: (from: Date, to: Date) => Promise<HeldSlotSpan[]> = async () => [],
    schedules: HostScheduleRepository = new HostScheduleRepository(versions, heads, rangeHosts),
  ) {
    return new RangesService(
      config,
      schedules,
      relay,
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

  it('30 disjoint creates racing on three replicas without Redis: every one is written, none is lost', async () => {
    const actor = host();
    const start = day();
    // Each replica queues its own writers of a host; between replicas only the database decides.
    const replicas = [replica(), replica(), replica()];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        outcome(
          replicas[i % 3]!.create({
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
    expect(await repository.append(actor.id, schedule.version, schedule.ranges, [])).toBe(true);
    expect(await repository.append(actor.id, schedule.version, [], [])).toBe(false);
    expect((await repository.find(actor.id))?.ranges).toHaveLength(1);
  });

  it('a writer that stalls between deciding and writing, for however long, cannot overwrite a newer schedule', async () => {
    const actor = host();
    const start = day();
    let stalled!: () => void;
    const resume = new Promise<void>((resolve) => (stalled = resolve));
    let decided!: () => void;
    const waiting = new Promise<void>((resolve) => (decided = resolve));
    class StallingRepository extends HostScheduleRepository {
      override async append(...args: Parameters<HostScheduleRepository['append']>) {
        decided();
        await resume;
        return super.append(...args);
      }
    }
    const slow = outcome(
      replica(undefined, new StallingRepository(versions, heads, rangeHosts)).create({
        actor,
        startTime: start,
        endTime: plus(start, 60),
        slotDuration: 30,
        requiresConfirmation: false,
      }),
    );
    // The slow writer has read the empty schedule and decided its range fits; no lock, no
    // lease protects that decision while it stalls.
    await waiting;
    await replica().create({
      actor,
      startTime: plus(start, 30),
      endTime: plus(start, 90),
      slotDuration: 30,
      requiresConfirmation: false,
    });
    stalled();
    expect(await slow).toBe(ErrorCode.Conflict);
    const schedule = await repository.find(actor.id);
    expect(schedule?.ranges).toHaveLength(1);
    expect(schedule?.ranges[0]?.startTime).toEqual(plus(start, 30));
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
      expect(await repository.append(actor.id, schedule.version, stale, [])).toBe(true);
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
  describe('the relay of the events stored in the versions', () => {
    function outbox() {
      return new HostScheduleOutbox(repository, progress, mutex);
    }

    async function createRanges(actor: Actor, count: number, start = day()): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const range = await replica().create({
          actor,
          startTime: plus(start, 60 * i),
          endTime: plus(start, 60 * (i + 1)),
          slotDuration: 30,
          requiresConfirmation: false,
        });
        ids.push(range.id);
      }
      return ids;
    }

    /** The versions that still hold ranges, and the tombstones of the pruned ones. */
    async function storedVersions(hostId: string) {
      const docs = await versions.find({ hostId }, { version: 1, pruned: 1 }).lean();
      const numbers = (pruned: boolean) =>
        docs
          .filter((doc) => doc.pruned === pruned)
          .map((doc) => doc.version)
          .sort((a, b) => a - b);
      return { live: numbers(false), tombstones: numbers(true) };
    }

    it('hands over the events of every version once, oldest first, then prunes all but the last two versions', async () => {
      const actor = host();
      const ranges = await createRanges(actor, 4);
      expect(await repository.markers.list(1_000)).toContain(actor.id);
      const handed: PendingEvent[] = [];
      const relayed = await outbox().relay(actor.id, 10_000, async (events) => {
        handed.push(...events);
        return events.map((event) => event.id);
      });
      expect(relayed).toBe(4);
      expect(handed.map((event) => [event.type, (event.data as { id: string }).id])).toEqual(
        ranges.map((id) => ['availability.created', id]),
      );
      expect(await storedVersions(actor.id)).toEqual({ live: [3, 4], tombstones: [1, 2] });
      expect(await repository.markers.list(1_000)).not.toContain(actor.id);
      // Nothing is handed over twice, and reads still find the latest version.
      expect(await outbox().relay(actor.id, 10_000, async () => [])).toBe(0);
      expect((await repository.find(actor.id))?.ranges).toHaveLength(4);
    });

    it('moves its mark only past versions whose events were all confirmed', async () => {
      const actor = host();
      await createRanges(actor, 3);
      const firstPass: string[] = [];
      await outbox().relay(actor.id, 10_000, async (events) => {
        firstPass.push(...events.map((event) => event.id));
        return events.slice(0, 1).map((event) => event.id);
      });
      const secondPass: string[] = [];
      await outbox().relay(actor.id, 10_000, async (events) => {
        secondPass.push(...events.map((event) => event.id));
        return events.map((event) => event.id);
      });
      expect(secondPass).toEqual(firstPass.slice(1));
      expect(await repository.markers.list(1_000)).not.toContain(actor.id);
    });

    it('does not lose a version written while it publishes', async () => {
      const actor = host();
      const start = day();
      await createRanges(actor, 1, start);
      const handed: string[] = [];
      await outbox().relay(actor.id, 10_000, async (events) => {
        handed.push(...events.map((event) => event.id));
        await createRanges(actor, 1, plus(start, 60));
        return events.map((event) => event.id);
      });
      expect(await repository.markers.list(1_000)).toContain(actor.id);
      await outbox().relay(actor.id, 10_000, async (events) => {
        handed.push(...events.map((event) => event.id));
        return events.map((event) => event.id);
      });
      expect(new Set(handed).size).toBe(2);
      expect(handed).toHaveLength(2);
    });

    it("finds the latest version when a reader's hint names one already pruned", async () => {
      const actor = host();
      const start = day();
      await createRanges(actor, 1, start);
      const stale = new HostScheduleRepository(versions, heads, rangeHosts);
      expect((await stale.find(actor.id))?.version).toBe(1);
      await createRanges(actor, 4, plus(start, 60));
      await outbox().relay(actor.id, 10_000, async (events) => events.map((event) => event.id));
      expect(await versions.findById(versionId(actor.id, 1)).lean()).toMatchObject({
        pruned: true,
        ranges: [],
        events: [],
      });
      expect(await stale.find(actor.id)).toMatchObject({ version: 5 });
    });

    it('a replica far behind finds the latest version in a logarithmic number of lookups', async () => {
      const actor = host();
      const start = day();
      await createRanges(actor, 1, start);
      const behind = new HostScheduleRepository(versions, heads, rangeHosts);
      expect((await behind.find(actor.id))?.version).toBe(1);
      const ranges = (await repository.find(actor.id))!.ranges;
      for (let version = 1; version <= 150; version += 1) {
        expect(await repository.append(actor.id, version, ranges, [])).toBe(true);
      }
      const lookups = jest.spyOn(behind, 'exists');
      expect((await behind.find(actor.id))?.version).toBe(151);
      expect(lookups.mock.calls.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(150)) + 2);
    });

    it('a replica that fell behind the pruning neither refills a pruned version nor misses a range', async () => {
      const actor = host();
      const start = day();
      const behind = new HostScheduleRepository(versions, heads, rangeHosts);
      const staleReplica = replica(undefined, behind);
      await staleReplica.create({
        actor,
        startTime: start,
        endTime: plus(start, 60),
        slotDuration: 30,
        requiresConfirmation: false,
      });
      await createRanges(actor, 4, plus(start, 60));
      await outbox().relay(actor.id, 10_000, async (events) => events.map((event) => event.id));
      expect((await storedVersions(actor.id)).live).toEqual([4, 5]);
      // Overlapping the range of the latest version: refused, whatever this replica saw last.
      expect(
        await outcome(
          staleReplica.create({
            actor,
            startTime: plus(start, 270),
            endTime: plus(start, 330),
            slotDuration: 30,
            requiresConfirmation: false,
          }),
        ),
      ).toBe(ErrorCode.Conflict);
      await staleReplica.create({
        actor,
        startTime: plus(start, 300),
        endTime: plus(start, 360),
        slotDuration: 30,
        requiresConfirmation: false,
      });
      const latest = await repository.find(actor.id);
      expect(latest).toMatchObject({ version: 6 });
      expect(latest?.ranges).toHaveLength(6);
    });

    it('a relay that outlived its lock neither hides a newer version nor moves the mark back', async () => {
      const actor = host();
      const start = day();
      await createRanges(actor, 2, start);
      const handed: string[] = [];
      const confirm = async (events: PendingEvent[]) => {
        handed.push(...events.map((event) => event.id));
        return events.map((event) => event.id);
      };
      await outbox().relay(actor.id, 200, async (events) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        // Its lock ran out: another relay takes over and publishes what there is by then...
        await createRanges(actor, 2, plus(start, 120));
        expect(await outbox().relay(actor.id, 10_000, confirm)).toBe(4);
        // ...and one more change arrives before the first relay resumes.
        await createRanges(actor, 1, plus(start, 240));
        return confirm(events);
      });
      expect(await repository.markers.list(1_000)).toContain(actor.id);
      expect(await progress.findById(actor.id).lean()).toMatchObject({ relayed: 4 });
      await outbox().relay(actor.id, 10_000, confirm);
      expect(new Set(handed).size).toBe(5);
      expect(await repository.markers.list(1_000)).not.toContain(actor.id);
    });

    it('finds a host whose events lost their marker when it sweeps', async () => {
      const actor = host();
      await createRanges(actor, 1);
      await repository.markers.clear(actor.id);
      // The first pass of a relay starts the sweep, in the background.
      await outbox().pending(1_000);
      let marked = false;
      for (let i = 0; i < 100 && !marked; i += 1) {
        marked = (await repository.markers.list(10_000)).includes(actor.id);
        if (!marked) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(marked).toBe(true);
    });
  });
});
