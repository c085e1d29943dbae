import Redis from 'ioredis';
import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { MINUTE_MS, type Interval } from '@slotbook/scheduling';
import { infra, mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import type { Hold } from '../src/bookings/booking';
import { BookingDocument, BookingSchema } from '../src/bookings/booking.schema';
import { BookingsRepository } from '../src/bookings/bookings.repository';
import { HeldTimeDocument, HeldTimeSchema } from '../src/bookings/held-time.schema';
import { SeatHold, groupOf } from '../src/bookings/seat-hold';
import { SlotHold } from '../src/bookings/slot-hold';
import { HOLD_GRACE_MS } from '../src/bookings/slot-hold.timing';
import { SlotLock } from '../src/bookings/slot-lock';

const T0 = Date.parse('2031-07-07T08:00:00Z');
const span = (fromMin: number, toMin: number): Interval => ({
  start: T0 + fromMin * MINUTE_MS,
  end: T0 + toMin * MINUTE_MS,
});

/** Seats of group slots (SeatHold) against the real database, the lock off: the index decides. */
describe('seats in the database', () => {
  let connection: Connection;
  let redis: Redis;
  let held: Model<HeldTimeDocument>;
  let bookings: BookingsRepository;
  let slots: SlotHold;

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongoUrlFor(uniqueDatabase('seats'))).asPromise();
    held = connection.model(HeldTimeDocument.name, HeldTimeSchema) as Model<HeldTimeDocument>;
    const bookingModel = connection.model(
      BookingDocument.name,
      BookingSchema,
    ) as Model<BookingDocument>;
    await Promise.all([held.init(), bookingModel.init()]);
    bookings = new BookingsRepository(bookingModel);
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

  function seatHold(hostId: string, occupied: Interval, capacity: number, person: string): Hold {
    return {
      bookingId: randomUUID(),
      hostId,
      startTime: new Date(occupied.start),
      endTime: new Date(occupied.end),
      occupied,
      eventTypeId: `class-${hostId}`,
      seat: { capacity, person },
    };
  }

  /** Takes a seat and writes nothing else; answers the seats held then, or the error code. */
  async function takeSeat(hold: Hold): Promise<number | string> {
    try {
      let seats = 0;
      await slots.around(hold, async (seatsHeld) => {
        seats = seatsHeld;
        return hold.bookingId;
      });
      return seats;
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  }

  async function groupDocs(hold: Hold) {
    return held.collection.find({ bookingId: groupOf(hold as never) }).toArray();
  }

  it('30 people racing for 5 seats: exactly 5 win, the rest are refused', async () => {
    const hostId = randomUUID();
    const holds = Array.from({ length: 30 }, (_, i) => seatHold(hostId, span(0, 60), 5, `p${i}`));
    const results = await Promise.all(holds.map(takeSeat));
    expect(results.filter((r) => typeof r === 'number').sort()).toEqual([1, 2, 3, 4, 5]);
    expect(results.filter((r) => typeof r !== 'number')).toEqual(
      Array(25).fill(ErrorCode.SlotTaken),
    );
    const winners = holds.filter((_, i) => typeof results[i] === 'number').map((h) => h.bookingId);
    for (const doc of await groupDocs(holds[0]!)) {
      expect([...(doc.holders as string[])].sort()).toEqual([...winners].sort());
    }
  });

  it('one person holds one seat of a slot', async () => {
    const hostId = randomUUID();
    expect(await takeSeat(seatHold(hostId, span(0, 60), 5, 'ada'))).toBe(1);
    expect(await takeSeat(seatHold(hostId, span(0, 60), 5, 'ada'))).toBe(ErrorCode.SlotTaken);
  });

  it('a single booking overlapping the group is refused until the last seat is gone', async () => {
    const hostId = randomUUID();
    const a = seatHold(hostId, span(0, 60), 3, 'a');
    const b = seatHold(hostId, span(0, 60), 3, 'b');
    await takeSeat(a);
    await takeSeat(b);
    const single = { ...seatHold(hostId, span(30, 90), 1, 'c'), seat: undefined };
    await expect(slots.around(single, async () => 'x')).rejects.toMatchObject({
      code: ErrorCode.SlotTaken,
    });
    await slots.release(documentOf(a));
    await expect(slots.around(single, async () => 'x')).rejects.toMatchObject({
      code: ErrorCode.SlotTaken,
    });
    await slots.release(documentOf(b));
    await expect(slots.around(single, async () => 'x')).resolves.toBe('x');
    expect(await groupDocs(a)).toEqual([]);
  });

  it('a last seat let go while a new one is taken: the time is never left without its seat', async () => {
    for (let round = 0; round < 15; round += 1) {
      const hostId = randomUUID();
      const leaving = seatHold(hostId, span(0, 60), 2, 'leaving');
      await takeSeat(leaving);
      const joining = seatHold(hostId, span(0, 60), 2, 'joining');
      const [, joined] = await Promise.all([slots.release(documentOf(leaving)), takeSeat(joining)]);
      const docs = await groupDocs(joining);
      if (joined === ErrorCode.SlotTaken || typeof joined !== 'number') {
        // Refused while the time was changing hands: then nothing of it is left behind.
        expect(docs.every((doc) => (doc.holders as string[]).length === 0)).toBe(true);
        continue;
      }
      // The head and every key of the group's time hold the new seat.
      const keys = docs.filter((doc) => String(doc._id) !== groupOf(joining as never));
      expect(keys.length).toBeGreaterThan(0);
      for (const doc of docs) expect(doc.holders).toEqual([joining.bookingId]);
    }
  });

  it('a seat whose writer died is cleared by whoever needs it once the grace is over', async () => {
    const hostId = randomUUID();
    const dead = seatHold(hostId, span(0, 60), 2, 'dead');
    // What a writer killed between taking the seat and writing its booking leaves behind.
    await expect(
      slots.around(dead, async () => {
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(await takeSeat(seatHold(hostId, span(0, 60), 2, 'alive'))).toBe(2);
    // Full while the dead seat is young: it may still be written.
    const late = seatHold(hostId, span(0, 60), 2, 'late');
    expect(await takeSeat(late)).toBe(ErrorCode.SlotTaken);
    const old = new Date(Date.now() - HOLD_GRACE_MS - 5_000);
    await held.collection.updateOne(
      { _id: groupOf(dead as never) as never },
      { $set: { [`joined.${dead.bookingId}`]: old } },
    );
    expect(await takeSeat(late)).toBe(2);
    // The dead writer's booking can never be written now: its id is buried.
    expect(await bookings.insert(documentOf(dead))).toBe(false);
  });

  it('a run of a booking that fails never gives back the seat another run of it goes on with', async () => {
    const hostId = randomUUID();
    const hold = seatHold(hostId, span(0, 60), 2, 'ada');
    await expect(
      slots.around(hold, async () => {
        // Another run of the same booking (a redelivery, the same key) goes on with the seat.
        await slots.around(hold, async () => 'written by the other run');
        throw new DomainError(ErrorCode.Conflict, 'this run is refused');
      }),
    ).rejects.toThrow('this run is refused');
    const docs = await groupDocs(hold);
    expect(docs.length).toBeGreaterThan(1);
    for (const doc of docs) expect(doc.holders).toEqual([hold.bookingId]);
  });

  it("a person's own leftover seat does not lock them out of the slot once the grace is over", async () => {
    const hostId = randomUUID();
    const dead = seatHold(hostId, span(0, 60), 3, 'ada');
    await expect(
      slots.around(dead, async () => {
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    const retry = seatHold(hostId, span(0, 60), 3, 'ada');
    expect(await takeSeat(retry)).toBe(ErrorCode.SlotTaken);
    await held.collection.updateOne(
      { _id: groupOf(dead as never) as never },
      {
        $set: { [`joined.${dead.bookingId}`]: new Date(Date.now() - HOLD_GRACE_MS - 5_000) },
      },
    );
    expect(await takeSeat(retry)).toBe(1);
  });

  it('a move that stalled before leaving its old slot does not pull the seat a move back took', async () => {
    const hostId = randomUUID();
    const here = seatHold(hostId, span(300, 360), 3, 'ada');
    const there: Hold = {
      ...here,
      startTime: new Date(span(400, 460).start),
      endTime: new Date(span(400, 460).end),
      occupied: span(400, 460),
    };
    expect(await takeSeat(here)).toBe(1);
    // Move one (here → there) reads the booking, takes its seat there, and stalls before
    // leaving here.
    const firstRead = new Date();
    expect(await takeSeat(there)).toBe(1);
    // Move two (there → here), from a later read: the seat here is still the booking's, and
    // it goes on with it; then it leaves there.
    const secondRead = new Date();
    expect(await takeSeat(here)).toBe(1);
    await slots.release(documentOf(there), [], secondRead);
    // Move one wakes and leaves here: the seat move two relies on stays.
    await slots.release(documentOf(here), [], firstRead);
    const docs = await groupDocs(here);
    expect(docs.length).toBeGreaterThan(1);
    for (const doc of docs) expect(doc.holders).toEqual([here.bookingId]);
    expect(await groupDocs(there)).toEqual([]);
  });

  /** A booking document of a hold, as a seat's booking is stored. */
  function documentOf(hold: Hold): BookingDocument {
    return {
      _id: hold.bookingId,
      hostId: hold.hostId,
      userId: hold.seat!.person,
      startTime: hold.startTime,
      endTime: hold.endTime,
      status: 'confirmed',
      notes: null,
      cancellationReason: null,
      hostMonth: 'x',
      commands: [],
      rangeId: null,
      eventTypeId: hold.eventTypeId,
      bufferBefore: 0,
      bufferAfter: 0,
      seated: true,
      createdAt: new Date(),
      updatedAt: new Date(),
      version: 1,
      outbox: [],
      outboxPending: false,
    } as unknown as BookingDocument;
  }
});
