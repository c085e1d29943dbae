import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  type Actor,
  type HostTerms,
  type PendingEvent,
} from '@slotbook/contracts';
import { OutboxRelay, type CommandBus, type EventPublisher } from '@slotbook/messaging';
import { MongoOutboxStore, RecordChanges, type WithOutbox } from '@slotbook/persistence';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { AvailabilityEnv, type AvailabilityConfig } from '../src/config';
import { HostTermsService } from '../src/host-terms/host-terms.service';
import { TermsAnnouncer } from '../src/host-terms/terms-announcer';
import type { HeldSlotsClient } from '../src/ranges/held-slots.client';
import type { HostDirectory } from '../src/ranges/host-directory.client';
import { HostAvailabilityRepository } from '../src/ranges/host-availability.repository';
import {
  HostAvailabilityDocument,
  HostAvailabilitySchema,
  RecordHostDocument,
  RecordHostSchema,
} from '../src/ranges/host-availability.schema';
import { HostWriteQueue } from '../src/ranges/host-write-queue';
import { BOOKING_LEASE_GRACE_MS } from '../src/ranges/range-change.timing';
import type { HeldSlotSpan } from '../src/ranges/range-rules';
import { RangesService } from '../src/ranges/ranges.service';

/**
 * A host's availability against the real database: the compare-and-set on the host's document
 * decides between writers that share no memory, no Redis and no lock; the lease protocol of a
 * change; the version every write announces to booking; the relay of the events waiting in
 * the host's document.
 */
const MINUTE = 60_000;
type AnnouncedVersion = { hostId: string; version: number };
const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * MINUTE);

describe('host availability writes', () => {
  let connection: Connection;
  let hostDocs: Model<HostAvailabilityDocument>;
  let recordHosts: Model<RecordHostDocument>;
  let repository: HostAvailabilityRepository;
  /** What booking was told, host by host: the versions announced, in order. */
  const announced = new Map<string, number[]>();
  const termsVersion = new TermsAnnouncer({
    send: async (_command: unknown, { hostId, version }: AnnouncedVersion) => {
      announced.set(hostId, [...(announced.get(hostId) ?? []), version]);
      return null;
    },
  } as unknown as CommandBus);
  const config: AvailabilityConfig = AvailabilityEnv.parse({
    AMQP_URL: 'amqp://unused',
    MONGO_URL: 'mongodb://unused',
    REDIS_URL: 'redis://unused',
  });
  /** A replica that dies before it publishes: its events wait in the host's document. */
  const changes = new RecordChanges({ kick: () => undefined } as unknown as OutboxRelay);
  const hosts = { requireHost: async () => undefined } as unknown as HostDirectory;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('availability')))
      .asPromise();
    hostDocs = connection.model(HostAvailabilityDocument.name, HostAvailabilitySchema);
    recordHosts = connection.model(RecordHostDocument.name, RecordHostSchema);
    await Promise.all([hostDocs.init(), recordHosts.init()]);
    repository = new HostAvailabilityRepository(hostDocs, recordHosts, termsVersion);
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  /** A replica of its own: its own repository and write queue, only the database in common. */
  function replica(
    held: (from: Date, to: Date) => Promise<HeldSlotSpan[]> = async () => [],
    hostRanges: HostAvailabilityRepository = new HostAvailabilityRepository(
      hostDocs,
      recordHosts,
      termsVersion,
    ),
  ) {
    return new RangesService(config, hostRanges, changes, new HostWriteQueue(), hosts, {
      list: (_: string, from: Date, to: Date) => held(from, to),
    } as unknown as HeldSlotsClient);
  }

  function host(): Actor {
    return { id: randomUUID(), role: 'HOST' };
  }

  /** What booking would decide the host's slots by, as a fresh replica reads it. */
  function termsOf(hostId: string): Promise<HostTerms> {
    return new HostTermsService(
      new HostAvailabilityRepository(hostDocs, recordHosts, termsVersion),
    ).get({ hostId });
  }

  /** The range holding `start` as booking sees it: its id, and whether it is closed now. */
  async function rangeAt(hostId: string, start: Date) {
    const at = start.getTime();
    const range = (await termsOf(hostId)).ranges.find((r) => r.start <= at && at < r.end);
    return (
      range && { ...range, closed: range.closedUntil !== null && range.closedUntil > Date.now() }
    );
  }

  function day(): Date {
    const start = new Date(Date.now() + (2 + Math.floor(Math.random() * 300)) * 86_400_000);
    start.setUTCHours(9, 0, 0, 0);
    return start;
  }

  function hourAt(actor: Actor, start: Date, slotDuration = 30) {
    return {
      actor,
      startTime: start,
      endTime: plus(start, 60),
      slotDuration,
      requiresConfirmation: false,
    };
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
    const stored = await repository.find(actor.id);
    expect(stored?.ranges).toHaveLength(1);
    expect(stored?.version).toBe(1);
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
    const stored = await repository.find(actor.id);
    expect(stored?.ranges).toHaveLength(30);
    expect(stored?.version).toBe(30);
    const doc = await hostDocs.findById(actor.id).lean();
    expect(doc?.outbox).toHaveLength(30);
  });

  it('a write based on a read the host has moved on from is refused by its version', async () => {
    const actor = host();
    const start = day();
    await replica().create(hourAt(actor, start));
    const read = (await repository.find(actor.id))!;
    expect(await repository.write(actor.id, read, read.ranges, [])).toBe(true);
    expect(await repository.write(actor.id, read, [], [])).toBe(false);
    expect(await repository.find(actor.id)).toMatchObject({ version: read.version + 1 });
    expect((await repository.find(actor.id))?.ranges).toHaveLength(1);
  });

  it("a host's first write inserts its document: of two first writers, the second is refused", async () => {
    const actor = host();
    expect(await repository.write(actor.id, null, [], [])).toBe(true);
    expect(await repository.write(actor.id, null, [], [])).toBe(false);
    expect(await repository.find(actor.id)).toMatchObject({ version: 1, ranges: [] });
  });

  it.each([
    ['a new host', false],
    ['a host with ranges', true],
  ])(
    'a writer that stalls between deciding and writing, for however long, cannot overwrite a newer version (%s)',
    async (_, hasRanges) => {
      const actor = host();
      const start = day();
      if (hasRanges) await replica().create(hourAt(actor, plus(start, -120)));
      let stalled!: () => void;
      const resume = new Promise<void>((resolve) => (stalled = resolve));
      let decided!: () => void;
      const waiting = new Promise<void>((resolve) => (decided = resolve));
      class StallingRepository extends HostAvailabilityRepository {
        override async write(...args: Parameters<HostAvailabilityRepository['write']>) {
          decided();
          await resume;
          return super.write(...args);
        }
      }
      const slow = outcome(
        replica(undefined, new StallingRepository(hostDocs, recordHosts, termsVersion)).create(
          hourAt(actor, start),
        ),
      );
      // The slow writer has read the host and decided its range fits; no lock, no lease
      // protects that decision while it stalls.
      await waiting;
      await replica().create(hourAt(actor, plus(start, 30)));
      stalled();
      expect(await slow).toBe(ErrorCode.Conflict);
      const stored = await repository.find(actor.id);
      expect(stored?.ranges).toHaveLength(hasRanges ? 2 : 1);
      expect(stored?.ranges.map((range) => range.startTime)).toContainEqual(plus(start, 30));
      expect(stored?.ranges.map((range) => range.startTime)).not.toContainEqual(start);
    },
  );

  it('every read sees the latest write of any replica', async () => {
    const actor = host();
    const start = day();
    const reader = replica();
    expect((await reader.list({ hostId: actor.id, query: { from: start } })).data).toEqual([]);
    const range = await replica().create(hourAt(actor, start));
    expect(await rangeAt(actor.id, start)).toMatchObject({ id: range.id, closed: false });
    expect(await outcome(reader.create(hourAt(actor, plus(start, 30))))).toBe(ErrorCode.Conflict);
    await reader.create(hourAt(actor, plus(start, 60)));
    expect((await repository.find(actor.id))?.ranges).toHaveLength(2);
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

    it('is held while booking is asked: the range is then closed to bookings', async () => {
      const actor = host();
      const start = day();
      const range = await rangeOf(actor, start);
      let meanwhile: unknown;
      const service = replica(async () => {
        meanwhile = await rangeAt(actor.id, plus(start, 90));
        return [];
      });
      await service.update({ actor, rangeId: range.id, changes: { endTime: plus(start, 60) } });
      expect(meanwhile).toMatchObject({ id: range.id, closed: true });
      // After the change: the cut-off time is in no range, the rest is open, no lease is left.
      expect(await rangeAt(actor.id, plus(start, 90))).toBeUndefined();
      expect(await rangeAt(actor.id, plus(start, 30))).toMatchObject({
        id: range.id,
        slotDuration: 30,
        closed: false,
      });
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
      expect(await rangeAt(actor.id, plus(start, 60))).toMatchObject({
        id: range.id,
        closed: false,
      });
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
      const read = (await repository.find(actor.id))!;
      // Run out for longer than the grace bookings give a change that may still be committing.
      const stale = read.ranges.map((r) => ({
        ...r,
        changingUntil: new Date(Date.now() - BOOKING_LEASE_GRACE_MS - 1),
        changeId: 'crashed',
      }));
      expect(await repository.write(actor.id, read, stale, [])).toBe(true);
      expect(await rangeAt(actor.id, start)).toMatchObject({ id: range.id, closed: false });
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

  describe('the version announced to booking', () => {
    it('every write is announced before it is written and again before it is answered', async () => {
      const actor = host();
      const start = day();
      const range = await replica().create(hourAt(actor, start));
      expect(announced.get(actor.id)).toEqual([1, 1]);
      // A change that moves slots takes a lease (one write) and applies it (another).
      await replica().update({ actor, rangeId: range.id, changes: { slotDuration: 60 } });
      await replica().delete({ actor, rangeId: range.id });
      expect(announced.get(actor.id)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
      expect((await repository.find(actor.id))?.version).toBe(5);
      expect(await termsOf(actor.id)).toMatchObject({ version: 5, ranges: [], bookable: true });
    });

    it('refuses a write booking did not take (503), and writes nothing', async () => {
      const actor = host();
      const start = day();
      await replica().create(hourAt(actor, start));
      const away = new TermsAnnouncer({
        send: async () => {
          throw new DomainError(ErrorCode.Unavailable, 'booking did not answer in time');
        },
      } as unknown as CommandBus);
      const cut = new HostAvailabilityRepository(hostDocs, recordHosts, away);
      expect(await outcome(replica(undefined, cut).create(hourAt(actor, plus(start, 60))))).toBe(
        ErrorCode.Unavailable,
      );
      expect(await repository.find(actor.id)).toMatchObject({ version: 1 });
      expect((await repository.find(actor.id))?.ranges).toHaveLength(1);
    });
  });

  describe("the relay of the events waiting in the host's document", () => {
    function store(): MongoOutboxStore {
      return new MongoOutboxStore(hostDocs as unknown as Model<WithOutbox>);
    }

    /** Relays the host's outbox as it is now, as a relay pass that just found it would. */
    async function relayNow(
      hostId: string,
      publish: (events: PendingEvent[]) => Promise<string[]>,
    ): Promise<number> {
      const snapshot = await store().read(hostId);
      return snapshot ? store().relay([snapshot], (_record, events) => publish(events)) : 0;
    }

    async function pendingIds(): Promise<string[]> {
      return (await store().pending(1_000)).map((record) => record.recordId);
    }

    const confirmAll = async (events: PendingEvent[]) => events.map((event) => event.id);

    async function createRanges(actor: Actor, count: number, start = day()): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        ids.push((await replica().create(hourAt(actor, plus(start, 60 * i)))).id);
      }
      return ids;
    }

    function described(events: PendingEvent[]): Array<[string, string]> {
      return events.map((event) => [event.type, (event.data as { id: string }).id]);
    }

    async function outboxOf(hostId: string) {
      const doc = (await hostDocs.findById(hostId).lean())!;
      return { events: doc.outbox.length, pending: doc.outboxPending };
    }

    it('hands over every event once, in the order of the changes, then the host is no longer pending', async () => {
      const actor = host();
      const start = day();
      const [first, second, third] = await createRanges(actor, 3, start);
      await replica().update({ actor, rangeId: third!, changes: { endTime: plus(start, 240) } });
      await replica().delete({ actor, rangeId: first! });
      expect(await pendingIds()).toContain(actor.id);
      const handed: PendingEvent[] = [];
      const relayed = await relayNow(actor.id, async (events) => {
        handed.push(...events);
        return events.map((event) => event.id);
      });
      expect(relayed).toBe(5);
      expect(described(handed)).toEqual([
        ['availability.created', first],
        ['availability.created', second],
        ['availability.created', third],
        ['availability.updated', third],
        ['availability.deleted', first],
      ]);
      expect(await outboxOf(actor.id)).toEqual({ events: 0, pending: false });
      expect(await pendingIds()).not.toContain(actor.id);
      // Nothing is handed over twice, and the ranges are untouched by the relay.
      expect(await relayNow(actor.id, confirmAll)).toBe(0);
      expect((await repository.find(actor.id))?.ranges).toHaveLength(2);
    });

    it('keeps what the broker did not confirm and hands it over next, in order', async () => {
      const actor = host();
      await createRanges(actor, 3);
      const firstPass: string[] = [];
      await relayNow(actor.id, async (events) => {
        firstPass.push(...events.map((event) => event.id));
        return events.slice(0, 1).map((event) => event.id);
      });
      expect(await outboxOf(actor.id)).toEqual({ events: 2, pending: true });
      const secondPass: string[] = [];
      await relayNow(actor.id, async (events) => {
        secondPass.push(...events.map((event) => event.id));
        return events.map((event) => event.id);
      });
      expect(secondPass).toEqual(firstPass.slice(1));
      expect(await pendingIds()).not.toContain(actor.id);
    });

    it('does not lose an event written while it publishes', async () => {
      const actor = host();
      const start = day();
      await createRanges(actor, 1, start);
      const handed: string[] = [];
      await relayNow(actor.id, async (events) => {
        handed.push(...events.map((event) => event.id));
        if (handed.length === 1) await createRanges(actor, 1, plus(start, 60));
        return events.map((event) => event.id);
      });
      // The relay removes only what it published; the change written meanwhile went out too,
      // in the same pass or the next.
      await relayNow(actor.id, async (events) => {
        handed.push(...events.map((event) => event.id));
        return events.map((event) => event.id);
      });
      expect(handed).toHaveLength(2);
      expect(new Set(handed).size).toBe(2);
      expect(await outboxOf(actor.id)).toEqual({ events: 0, pending: false });
    });

    it('two relays and a writer racing on one host: every event is handed over, none is left behind', async () => {
      const actor = host();
      const start = day();
      await createRanges(actor, 2, start);
      const handed: string[] = [];
      const confirm = async (events: PendingEvent[]) => {
        handed.push(...events.map((event) => event.id));
        return events.map((event) => event.id);
      };
      let overtaken = false;
      await relayNow(actor.id, async (events) => {
        if (!overtaken) {
          overtaken = true;
          // Another replica's relay takes over and publishes what there is by then...
          await createRanges(actor, 2, plus(start, 120));
          expect(await relayNow(actor.id, confirm)).toBe(4);
          // ...and one more change arrives before the first relay resumes.
          await createRanges(actor, 1, plus(start, 240));
        }
        return confirm(events);
      });
      await relayNow(actor.id, confirm);
      expect(new Set(handed).size).toBe(5);
      expect(await outboxOf(actor.id)).toEqual({ events: 0, pending: false });
    });

    it('a crash between the write and its publishing still publishes: the next relay pass finds the host', async () => {
      const actor = host();
      // The replica that wrote these died before it published (its relay never ran).
      const written = await createRanges(actor, 2);
      expect(await outboxOf(actor.id)).toEqual({ events: 2, pending: true });
      const handed: PendingEvent[] = [];
      const publisher = {
        publish: async (event: PendingEvent) => void handed.push(event),
      } as unknown as EventPublisher;
      // The scan of a replica that started once the grace had passed.
      const restarted = new OutboxRelay(store(), publisher, {
        intervalMs: 60_000,
        graceMs: 0,
        batchSize: 1_000,
      });
      await restarted.pass();
      const ofHost = handed.filter((event) => written.includes((event.data as { id: string }).id));
      expect(described(ofHost)).toEqual(written.map((id) => ['availability.created', id]));
      expect(await outboxOf(actor.id)).toEqual({ events: 0, pending: false });
    });
  });
});
