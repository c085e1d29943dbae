import Redis from 'ioredis';
import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { newEvent } from '@slotbook/messaging';
import { MINUTE_MS, NO_BUFFERS, intervalsOverlap, type Interval } from '@slotbook/scheduling';
import { infra, mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { holdOf, newBooking, type Hold } from '../src/bookings/booking';
import { BookingDocument, BookingSchema } from '../src/bookings/booking.schema';
import { BookingsRepository } from '../src/bookings/bookings.repository';
import { HeldTimeMigration } from '../src/bookings/held-time.migration';
import { HeldTimeDocument, HeldTimeSchema } from '../src/bookings/held-time.schema';
import { SeatHold } from '../src/bookings/seat-hold';
import { SlotHold } from '../src/bookings/slot-hold';
import { HOLD_GRACE_MS } from '../src/bookings/slot-hold.timing';
import { SlotLock } from '../src/bookings/slot-lock';

const T0 = Date.parse('2031-06-02T08:00:00Z');
const span = (fromMin: number, toMin: number): Interval => ({
  start: T0 + fromMin * MINUTE_MS,
  end: T0 + toMin * MINUTE_MS,
});
const GUEST = { id: 'guest', role: 'USER' as const };

/** The no-overlap guard (keys under the `_id` index) and its reclaims, against the real database. */
describe('held time in the database', () => {
  let connection: Connection;
  let redis: Redis;
  let held: Model<HeldTimeDocument>;
  let bookings: BookingsRepository;
  let slots: SlotHold;

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongoUrlFor(uniqueDatabase('held'))).asPromise();
    held = connection.model(HeldTimeDocument.name, HeldTimeSchema) as Model<HeldTimeDocument>;
    const bookingModel = connection.model(
      BookingDocument.name,
      BookingSchema,
    ) as Model<BookingDocument>;
    await Promise.all([held.init(), bookingModel.init()]);
    bookings = new BookingsRepository(bookingModel);
    // The lock off: every race here is decided by the index alone.
    redis = new Redis(infra.redisUrl, { lazyConnect: true });
    slots = new SlotHold(
      held,
      new SlotLock(redis, { enabled: false, ttlMs: 1_000 }),
      bookings,
      new SeatHold(held, bookings),
    );
  });

  afterAll(async () => {
    redis?.disconnect();
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  const slotTaken = expect.objectContaining({ code: ErrorCode.SlotTaken });

  function holdFor(hostId: string, occupied: Interval, bookingId = randomUUID()): Hold {
    return {
      bookingId,
      hostId,
      startTime: new Date(occupied.start),
      endTime: new Date(occupied.end),
      occupied,
      eventTypeId: 'event-type',
    };
  }

  /** Holds the time and writes nothing else: answers the booking id. */
  async function take(hostId: string, occupied: Interval, bookingId = randomUUID()) {
    await slots.around(holdFor(hostId, occupied, bookingId), async () => bookingId);
    return bookingId;
  }

  function bookingOn(
    hostId: string,
    occupied: Interval,
    id: string = randomUUID(),
  ): BookingDocument {
    const wanted = { id, actor: GUEST, startTime: new Date(occupied.start), notes: null };
    return newBooking(
      { ...wanted, commandId: randomUUID() },
      {
        hostId,
        endTime: new Date(occupied.end),
        requiresConfirmation: false,
        rangeId: null,
        eventTypeId: null,
        buffers: NO_BUFFERS,
        public: false,
        bookingFields: [],
        seatsPerSlot: 1,
      },
      new Date(),
    );
  }

  /** A booking written as the create path writes it, with its time held. */
  async function book(hostId: string, occupied: Interval): Promise<BookingDocument> {
    const doc = bookingOn(hostId, occupied);
    await slots.around(holdOf(doc), async () => ((await bookings.insert(doc)) ? doc : null));
    return doc;
  }

  /** What a writer that died right after holding time leaves behind, `ageMs` ago. */
  async function leftover(hold: Hold, ageMs: number): Promise<void> {
    await held.collection.insertMany(
      slots.documentsOf(hold, new Date(Date.now() - ageMs)) as never[],
    );
  }

  const heldBy = (bookingId: string) => held.countDocuments({ bookingId });

  it('refuses time that overlaps a held booking of another length, and frees it on letting go', async () => {
    const hostId = randomUUID();
    const first = await take(hostId, span(0, 75)); // 60 minutes + 15 after
    await expect(take(hostId, span(70, 100))).rejects.toEqual(slotTaken);
    // The refused hold left nothing behind: the time next to it is still free.
    await expect(take(hostId, span(75, 105))).resolves.toEqual(expect.any(String));
    await slots.letGo(first);
    expect(await heldBy(first)).toBe(0);
    await expect(take(hostId, span(30, 60))).resolves.toEqual(expect.any(String));
  });

  it("takes a booking's own time as its own when it holds it again (a command run again, a move onto itself)", async () => {
    const hostId = randomUUID();
    const bookingId = await take(hostId, span(200, 230));
    await expect(take(hostId, span(200, 230), bookingId)).resolves.toBe(bookingId);
    await expect(take(hostId, span(220, 250), bookingId)).resolves.toBe(bookingId);
  });

  it('gives back what it took when the write refuses or writes nothing, and keeps time held before', async () => {
    const hostId = randomUUID();
    const bookingId = await take(hostId, span(300, 330));
    const before = await heldBy(bookingId);
    const moved = holdFor(hostId, span(320, 350), bookingId);
    await expect(
      slots.around(moved, async () => {
        throw DomainError.validation('not a slot', []);
      }),
    ).rejects.toBeInstanceOf(DomainError);
    await expect(slots.around(moved, async () => null)).resolves.toBeNull();
    expect(await heldBy(bookingId)).toBe(before);
  });

  it('lets another host have the same time', async () => {
    await take(randomUUID(), span(400, 430));
    await expect(take(randomUUID(), span(400, 430))).resolves.toEqual(expect.any(String));
  });

  it('lets 40 concurrent holds of overlapping times of different lengths win only where none overlap', async () => {
    const hostId = randomUUID();
    const wanted = Array.from({ length: 40 }, (_, i) => {
      const start = 600 + ((i * 7) % 24) * 5;
      const length = [15, 30, 45, 60, 90][i % 5];
      return span(start, start + length);
    });
    const ids = wanted.map(() => randomUUID());
    const results = await Promise.allSettled(
      wanted.map((occupied, i) => take(hostId, occupied, ids[i])),
    );
    const winners = wanted.filter((_, i) => results[i].status === 'fulfilled');
    expect(winners.length).toBeGreaterThan(0);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toEqual(slotTaken);
    }
    for (let i = 0; i < winners.length; i += 1) {
      for (let j = i + 1; j < winners.length; j += 1) {
        expect(intervalsOverlap(winners[i], winners[j])).toBe(false);
      }
    }
    // The losers left nothing: only the winners' keys (two a cell) and heads remain.
    const remaining = await held.countDocuments({ bookingId: { $in: ids } });
    const cells = (w: Interval) => (w.end - w.start) / (5 * MINUTE_MS);
    expect(remaining).toBe(winners.reduce((sum, w) => sum + 2 * cells(w) + 1, 0));
  });

  it("lets a move that stalled before letting go of its old time keep its hands off a later move's", async () => {
    const hostId = randomUUID();
    const booking = await book(hostId, span(1800, 1830));
    const moveTo = async (current: BookingDocument, to: Interval) => {
      const moved = await slots.around(
        holdOf({ ...current, startTime: new Date(to.start), endTime: new Date(to.end) }),
        () =>
          bookings.change(
            current,
            { startTime: new Date(to.start), endTime: new Date(to.end) },
            (record) => newEvent('booking.events', 'booking.rescheduled', record, GUEST.id),
            new Date(),
          ),
      );
      return moved as BookingDocument;
    };
    const keptBy = (moved: BookingDocument) =>
      slots.documentsOf(holdOf(moved)).map((doc) => doc._id);
    // Move one reads the booking, moves it, and stalls before letting go of its old time.
    const firstRead = new Date();
    const first = await moveTo(booking, span(1900, 1930));
    // Move two, from a read of the moved booking, moves it on and lets go of what it left.
    const secondRead = new Date();
    const second = await moveTo(first, span(2000, 2030));
    await slots.release(first, keptBy(second), secondRead);
    // Move one wakes and lets go of the time it left: not of move two's.
    await slots.release(booking, keptBy(first), firstRead);
    expect(await heldBy(booking._id)).toBe(keptBy(second).length);
    await expect(take(hostId, span(2000, 2030))).rejects.toEqual(slotTaken);
    await expect(take(hostId, span(1800, 1830))).resolves.toEqual(expect.any(String));
    await expect(take(hostId, span(1900, 1930))).resolves.toEqual(expect.any(String));
  });

  describe('time left behind by a writer that died between two writes', () => {
    it('is reclaimed once older than the grace, and the dead writer can no longer write its booking', async () => {
      const hostId = randomUUID();
      const dead = holdFor(hostId, span(1000, 1030));
      await leftover(dead, HOLD_GRACE_MS + 5_000);
      await expect(take(hostId, span(1000, 1030))).resolves.toEqual(expect.any(String));
      expect(await heldBy(dead.bookingId)).toBe(0);
      // The stalled writer wakes up: its booking is refused (the id is buried), so no overlap.
      expect(await bookings.insert(bookingOn(hostId, span(1000, 1030), dead.bookingId))).toBe(
        false,
      );
      expect(await bookings.findById(dead.bookingId)).toBeNull();
    });

    it("is not given back by its writer once reclaimed: a fenced writer leaves its reclaimer's time alone", async () => {
      const hostId = randomUUID();
      const time = span(1050, 1080);
      const stalled = bookingOn(hostId, time);
      let wake = () => undefined as void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      let stalling = () => undefined as void;
      const holding = new Promise<void>((resolve) => (stalling = resolve));
      // A create holds its time, then stalls past the grace before writing its booking.
      const run = slots.around(holdOf(stalled), async () => {
        stalling();
        await woken;
        if (await bookings.insert(stalled)) return stalled;
        throw new DomainError(ErrorCode.SlotTaken, 'its id was buried meanwhile');
      });
      await holding;
      await held.updateMany(
        { bookingId: stalled._id },
        { $set: { heldAt: new Date(Date.now() - HOLD_GRACE_MS - 5_000) } },
      );
      // Another create reclaims that time (burying the stalled one's id) and books it.
      const other = await book(hostId, time);
      expect(await heldBy(other._id)).toBe(slots.documentsOf(holdOf(other)).length);
      // The stalled create wakes: its booking is refused, and what it gives back is only its own.
      wake();
      await expect(run).rejects.toEqual(slotTaken);
      expect(await bookings.findById(stalled._id)).toBeNull();
      expect(await heldBy(other._id)).toBe(slots.documentsOf(holdOf(other)).length);
      await expect(take(hostId, time)).rejects.toEqual(slotTaken);
    });

    it('refuses others while younger than the grace: its booking may still be on its way', async () => {
      const hostId = randomUUID();
      await leftover(holdFor(hostId, span(1100, 1130)), 1_000);
      await expect(take(hostId, span(1100, 1130))).rejects.toEqual(slotTaken);
    });

    it('is freed once older than the grace when its booking was cancelled (the cancel died before letting go)', async () => {
      const hostId = randomUUID();
      const booking = await book(hostId, span(1200, 1230));
      await bookings.model.updateOne({ _id: booking._id }, { $set: { status: 'cancelled' } });
      await held.updateMany(
        { bookingId: booking._id },
        { $set: { heldAt: new Date(Date.now() - HOLD_GRACE_MS - 5_000) } },
      );
      await expect(take(hostId, span(1200, 1230))).resolves.toEqual(expect.any(String));
      expect(await heldBy(booking._id)).toBe(0);
    });

    it("fences off a stalled move: the booking keeps its time, the move's compare-and-set fails", async () => {
      const hostId = randomUUID();
      const booking = await book(hostId, span(1300, 1330));
      // A reschedule read the booking, held its new time, and stalled before its write.
      const target = span(1400, 1430);
      const moving = holdOf({
        ...booking,
        startTime: new Date(target.start),
        endTime: new Date(target.end),
      });
      await leftover(moving, HOLD_GRACE_MS + 5_000);
      await expect(take(hostId, target)).resolves.toEqual(expect.any(String));
      const written = await bookings.change(
        booking,
        { startTime: moving.startTime, endTime: moving.endTime },
        (record) => newEvent('booking.events', 'booking.rescheduled', record, GUEST.id),
        new Date(),
      );
      expect(written).toBeNull();
      // The booking still holds its own time, whole.
      expect(await heldBy(booking._id)).toBe(slots.documentsOf(holdOf(booking)).length);
      await expect(take(hostId, span(1300, 1330))).rejects.toEqual(slotTaken);
    });

    it('is not taken from a move that began after the reclaim fenced its booking', async () => {
      const hostId = randomUUID();
      const booking = await book(hostId, span(1600, 1630));
      const target = span(1700, 1730);
      const moved = (current: BookingDocument) =>
        holdOf({ ...current, startTime: new Date(target.start), endTime: new Date(target.end) });
      // A move of the booking to `target` crashed after holding that time, long ago.
      await leftover(moved(booking), HOLD_GRACE_MS + 5_000);
      // A create wants `target`: it fences the booking (a version bump) and, before it frees
      // the leftover, the booking's owner moves it there again, from a read after the bump.
      const bump = bookings.bump.bind(bookings);
      let moving: Promise<BookingDocument | null> | undefined;
      jest.spyOn(bookings, 'bump').mockImplementationOnce(async (current) => {
        const bumped = await bump(current);
        moving = (async () => {
          const fresh = (await bookings.findById(booking._id)) as BookingDocument;
          return slots.around(moved(fresh), () =>
            bookings.change(
              fresh,
              { startTime: new Date(target.start), endTime: new Date(target.end) },
              (record) => newEvent('booking.events', 'booking.rescheduled', record, GUEST.id),
              new Date(),
            ),
          );
        })();
        await moving;
        return bumped;
      });
      await expect(take(hostId, target)).rejects.toEqual(slotTaken);
      expect(await moving).toMatchObject({ startTime: new Date(target.start) });
      // The moved booking holds its new time, whole: nobody else can take it.
      const keys = slots.documentsOf(moved(booking)).map((doc) => doc._id);
      expect(await held.countDocuments({ _id: { $in: keys }, bookingId: booking._id })).toBe(
        keys.length,
      );
      await expect(take(hostId, target)).rejects.toEqual(slotTaken);
    });

    it('is never taken from an active booking that holds it, however old', async () => {
      const hostId = randomUUID();
      const booking = await book(hostId, span(1500, 1530));
      await held.updateMany(
        { bookingId: booking._id },
        { $set: { heldAt: new Date(Date.now() - 10 * HOLD_GRACE_MS) } },
      );
      await expect(take(hostId, span(1500, 1530))).rejects.toEqual(slotTaken);
      expect(await bookings.findById(booking._id)).toMatchObject({ status: 'confirmed' });
    });
  });

  it('moves bookings written before held_time onto it at start, once', async () => {
    const hostId = randomUUID();
    const old = bookingOn(hostId, span(2000, 2030));
    const { hostMonth: _dropped, ...withoutMonth } = old;
    void _dropped;
    await bookings.model.collection.insertOne({ ...withoutMonth, claimId: 'c' } as never);
    await connection.collection('slot_claims').insertOne({ _id: 'c', bookingId: old._id } as never);
    const migration = new HeldTimeMigration(bookings.model, held);
    expect(await migration.run()).toBeGreaterThanOrEqual(1);
    expect(await heldBy(old._id)).toBe(slots.documentsOf(holdOf(old)).length);
    expect(await bookings.findById(old._id)).toMatchObject({ hostMonth: old.hostMonth });
    await expect(take(hostId, span(2000, 2030))).rejects.toEqual(slotTaken);
    expect(await migration.run()).toBe(0);
  });
  it('a run of a booking that fails never gives back time another run of it went on with', async () => {
    const hostId = randomUUID();
    const hold = holdFor(hostId, span(400, 430));
    let refuse: (() => void) | undefined;
    // The first run holds the time, then its write is refused (as a key's other request is).
    const first = slots.around(
      hold,
      () =>
        new Promise<never>((_, reject) => {
          refuse = () => reject(DomainError.validation('refused after holding'));
        }),
    );
    while (!refuse) await new Promise((resolve) => setTimeout(resolve, 5));
    // A second run of the same booking finds that time its own and writes the booking.
    await expect(slots.around(hold, async () => 'written')).resolves.toBe('written');
    refuse();
    await expect(first).rejects.toEqual(
      expect.objectContaining({ code: ErrorCode.ValidationFailed }),
    );
    expect(await heldBy(hold.bookingId)).toBe(slots.documentsOf(hold).length);
    await expect(take(hostId, span(400, 430))).rejects.toEqual(slotTaken);
  });
});
