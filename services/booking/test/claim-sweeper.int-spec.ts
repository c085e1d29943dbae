import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { BOOKING_EXCHANGE } from '@slotbook/contracts';
import { newEvent } from '@slotbook/messaging';
import { initialOutbox } from '@slotbook/persistence';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { BookingDocument, BookingSchema } from '../src/bookings/booking.schema';
import { BookingsRepository } from '../src/bookings/bookings.repository';
import { ClaimSweeper } from '../src/bookings/claim-sweeper';
import { CLAIM_GRACE_MS, SlotClaimRepository } from '../src/bookings/slot-claim.repository';
import { claimsOn } from './claims-on';

/** A range booking's claim: no event type, its occupied time known only once settled. */
const RANGE = { eventTypeId: null, occupied: null };
const span = (b: { startTime: Date; endTime: Date }) => ({
  start: b.startTime.getTime(),
  end: b.endTime.getTime(),
});

/** The repair of what a replica dying between two writes leaves behind, against the real database. */
describe('claim sweeper', () => {
  let connection: Connection;
  let claims: SlotClaimRepository;
  let bookings: BookingsRepository;
  let sweeper: ClaimSweeper;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('sweeper')))
      .asPromise();
    const bookingModel = connection.model(
      BookingDocument.name,
      BookingSchema,
    ) as Model<BookingDocument>;
    await bookingModel.init();
    claims = await claimsOn(connection);
    bookings = new BookingsRepository(bookingModel);
    sweeper = new ClaimSweeper(claims, bookings);
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  const later = () => new Date(Date.now() + CLAIM_GRACE_MS + 1_000);

  function booking(
    id: string,
    claimId: string,
    status: BookingDocument['status'],
    start = new Date('2031-01-01T10:00:00Z'),
  ): BookingDocument {
    return {
      _id: id,
      hostId: 'host',
      userId: 'guest',
      startTime: start,
      endTime: new Date(start.getTime() + 1_800_000),
      status,
      notes: null,
      cancellationReason: null,
      claimId,
      eventTypeId: null,
      rangeId: 'range',
      bufferBefore: 0,
      bufferAfter: 0,
      createdAt: start,
      updatedAt: start,
      ...initialOutbox([]),
    };
  }

  /** A booking as the create path leaves it: written, and its claim settled. */
  async function heldBooking(hostId: string, start: Date) {
    const bookingId = randomUUID();
    const claimId = await claims.claim(hostId, start, bookingId, RANGE);
    const written = booking(bookingId, claimId, 'confirmed', start);
    await bookings.insert(written);
    expect(await claims.settle(claimId, hostId, 0, written.endTime, span(written))).toBe(true);
    return { bookingId, claimId };
  }

  /** The claims of a booking that still exist. */
  async function claimsOf(bookingId: string): Promise<string[]> {
    const docs = await claims.model.find({ bookingId }, { _id: 1 }).lean();
    return docs.map((doc) => doc._id);
  }

  it('frees a claim whose booking was never written', async () => {
    const claimId = await claims.claim(
      randomUUID(),
      new Date('2031-01-01T10:00:00Z'),
      randomUUID(),
      RANGE,
    );
    expect(await sweeper.sweep(new Date())).toBe(0);
    expect(await sweeper.sweep(later())).toBe(1);
    expect(await claims.model.findById(claimId)).toBeNull();
  });

  it('buries the id of a booking that never appeared, so a writer that was only slow is refused', async () => {
    const bookingId = randomUUID();
    const claimId = await claims.claim(
      randomUUID(),
      new Date('2031-01-01T16:00:00Z'),
      bookingId,
      RANGE,
    );
    expect(await sweeper.sweep(later())).toBeGreaterThanOrEqual(1);
    expect(await claims.model.findById(claimId)).toBeNull();
    expect(await bookings.insert(booking(bookingId, claimId, 'confirmed'))).toBe(false);
    expect(await bookings.findById(bookingId)).toBeNull();
  });

  it('frees the claim of a booking buried by a sweep that died before freeing it', async () => {
    const bookingId = randomUUID();
    const claimId = await claims.claim(
      randomUUID(),
      new Date('2031-01-01T17:00:00Z'),
      bookingId,
      RANGE,
    );
    expect(await bookings.abandon(bookingId)).toBe(true);
    expect(await sweeper.sweep(later())).toBeGreaterThanOrEqual(1);
    expect(await claims.model.findById(claimId)).toBeNull();
  });

  it('keeps the claim of an active booking, with its end, and does not look at it again', async () => {
    const bookingId = randomUUID();
    const claimId = await claims.claim(
      randomUUID(),
      new Date('2031-01-01T11:00:00Z'),
      bookingId,
      RANGE,
    );
    const written = booking(bookingId, claimId, 'confirmed');
    await bookings.insert(written);
    await sweeper.sweep(later());
    const claim = await claims.model.findById(claimId).lean();
    expect(claim).not.toBeNull();
    expect(claim!.sweepPending).toBe(false);
    expect(claim!.endTime).toEqual(written.endTime);
    expect((await claims.due(10_000)).map((due) => due._id)).not.toContain(claimId);
  });

  it('frees the claim of a booking that was cancelled but whose claim was not deleted', async () => {
    const hostId = randomUUID();
    const start = new Date('2031-01-01T12:00:00Z');
    const { bookingId, claimId } = await heldBooking(hostId, start);
    // A cancel that died after its write: the claim was marked, the booking written, no delete.
    await claims.markForCheck(claimId);
    const current = (await bookings.findById(bookingId))!;
    const cancelled = await bookings.change(
      current,
      { status: 'cancelled' },
      () => event(),
      new Date(),
    );
    expect(cancelled).not.toBeNull();
    expect(await sweeper.sweep(new Date(Date.now() + 1))).toBe(0);
    expect(await sweeper.sweep(later())).toBe(1);
    // The slot can be claimed again.
    await expect(claims.claim(hostId, start, randomUUID(), RANGE)).resolves.toEqual(
      expect.any(String),
    );
  });

  it('frees the old claim of a booking that moved to another slot', async () => {
    const bookingId = randomUUID();
    const hostId = randomUUID();
    const oldClaim = await claims.claim(hostId, new Date('2031-01-01T13:00:00Z'), bookingId, RANGE);
    const newClaim = await claims.claim(hostId, new Date('2031-01-01T14:00:00Z'), bookingId, RANGE);
    await bookings.insert(booking(bookingId, newClaim, 'confirmed'));
    await claims.markForCheck(oldClaim);
    await sweeper.sweep(later());
    expect(await claims.model.findById(oldClaim)).toBeNull();
    expect(await claims.model.findById(newClaim)).not.toBeNull();
  });

  it('a reschedule stalled between its new claim and its write, while the sweeper runs: the booking never points at a freed claim, and keeps exactly one', async () => {
    const hostId = randomUUID();
    const { bookingId, claimId: oldClaim } = await heldBooking(
      hostId,
      new Date('2031-01-02T10:00:00Z'),
    );
    // The reschedule reads the booking, holds the new slot, marks the old claim... and stalls.
    const read = (await bookings.findById(bookingId))!;
    const target = new Date('2031-01-02T11:00:00Z');
    const newClaim = await claims.claim(hostId, target, bookingId, RANGE);
    await claims.markForCheck(oldClaim);
    // Long past the grace period, the sweeper frees the new claim, and only after bumping the
    // booking's version; the old claim stays held.
    await sweeper.sweep(later());
    expect(await claims.model.findById(newClaim)).toBeNull();
    // The reschedule wakes up: its compare-and-set from the version it read is refused.
    const moved = await bookings.change(
      read,
      { startTime: target, claimId: newClaim },
      () => event('booking.rescheduled'),
      new Date(),
    );
    expect(moved).toBeNull();
    const after = (await bookings.findById(bookingId))!;
    expect(after.claimId).toBe(oldClaim);
    expect(await claimsOf(bookingId)).toEqual([oldClaim]);
    // Judged again, the old claim is settled, never freed.
    await sweeper.sweep(later());
    expect(await claimsOf(bookingId)).toEqual([oldClaim]);
    expect((await claims.model.findById(oldClaim).lean())!.sweepPending).toBe(false);
  });

  it('a reschedule that gets its write in before the sweeper judges: the new claim is kept, the old one freed', async () => {
    const hostId = randomUUID();
    const { bookingId, claimId: oldClaim } = await heldBooking(
      hostId,
      new Date('2031-01-03T10:00:00Z'),
    );
    const read = (await bookings.findById(bookingId))!;
    const target = new Date('2031-01-03T11:00:00Z');
    const newClaim = await claims.claim(hostId, target, bookingId, RANGE);
    await claims.markForCheck(oldClaim);
    const moved = await bookings.change(
      read,
      { startTime: target, claimId: newClaim },
      () => event('booking.rescheduled'),
      new Date(),
    );
    expect(moved).not.toBeNull();
    // The reschedule dies before freeing the old claim and settling the new one.
    await sweeper.sweep(later());
    expect((await bookings.findById(bookingId))!.claimId).toBe(newClaim);
    expect(await claimsOf(bookingId)).toEqual([newClaim]);
  });

  it('a writer stalled between its read and its write cannot undo what the sweeper judged: a cancel whose mark is old is made to decide again', async () => {
    const hostId = randomUUID();
    const start = new Date('2031-01-04T10:00:00Z');
    const { bookingId, claimId } = await heldBooking(hostId, start);
    // A cancel reads, marks the claim and stalls before its write.
    const read = (await bookings.findById(bookingId))!;
    await claims.markForCheck(claimId);
    // The sweeper finds the claim held: it settles it, but first bumps the booking.
    expect(await sweeper.sweep(later())).toBe(0);
    expect((await claims.model.findById(claimId).lean())!.sweepPending).toBe(false);
    // The stalled write is refused; the cancel reads again, marks again and writes.
    expect(
      await bookings.change(read, { status: 'cancelled' }, () => event(), new Date()),
    ).toBeNull();
    await claims.markForCheck(claimId);
    const fresh = (await bookings.findById(bookingId))!;
    expect(
      await bookings.change(fresh, { status: 'cancelled' }, () => event(), new Date()),
    ).not.toBeNull();
    // It dies before deleting the claim: the claim is pending, and the sweeper frees it.
    expect(await sweeper.sweep(later())).toBe(1);
    expect(await claims.model.findById(claimId)).toBeNull();
  });

  it('frees the cells of the occupied time with the claim, so the time can be booked again', async () => {
    const hostId = randomUUID();
    const start = new Date('2031-01-06T10:00:00Z');
    const occupied = { start: start.getTime(), end: start.getTime() + 3_600_000 };
    const claimId = await claims.claim(hostId, start, randomUUID(), {
      eventTypeId: 'event-type',
      occupied,
    });
    await claims.occupy(claimId, hostId, occupied);
    expect(await claims.cells.countDocuments({ claimId })).toBe(12);
    // The creator died before writing its booking.
    expect(await sweeper.sweep(later())).toBe(1);
    expect(await claims.cells.countDocuments({ claimId })).toBe(0);
    const again = await claims.claim(
      hostId,
      new Date(occupied.start + 1_800_000),
      randomUUID(),
      RANGE,
    );
    await expect(claims.occupy(again, hostId, occupied)).resolves.toBeUndefined();
  });

  it('a settle judged before a mark does not stick: the claim stays pending for the sweeper', async () => {
    const bookingId = randomUUID();
    const claimId = await claims.claim(
      randomUUID(),
      new Date('2031-01-05T10:00:00Z'),
      bookingId,
      RANGE,
    );
    await bookings.insert(booking(bookingId, claimId, 'confirmed'));
    await claims.markForCheck(claimId);
    const end = new Date('2031-01-05T10:30:00Z');
    const occupied = span({ startTime: new Date('2031-01-05T10:00:00Z'), endTime: end });
    expect(await claims.settle(claimId, 'host', 0, end, occupied)).toBe(false);
    expect((await claims.model.findById(claimId).lean())!.sweepPending).toBe(true);
  });

  it("lists a host's held slots across the months a window touches, in order", async () => {
    const hostId = randomUUID();
    const starts = ['2031-01-31T23:00:00Z', '2031-02-01T00:00:00Z', '2031-02-15T09:00:00Z'];
    for (const start of [...starts].reverse())
      await claims.claim(hostId, new Date(start), randomUUID(), RANGE);
    await claims.claim(hostId, new Date('2031-03-01T00:00:00Z'), randomUUID(), RANGE);
    const held = await claims.held(
      hostId,
      new Date('2031-01-31T00:00:00Z'),
      new Date('2031-03-01T00:00:00Z'),
    );
    expect(held.map((slot) => slot.startTime)).toEqual(
      starts.map((start) => new Date(start).toISOString()),
    );
  });

  it('refuses a second claim of a held slot: the unique index is the guarantee', async () => {
    const hostId = randomUUID();
    const start = new Date('2031-01-01T15:00:00Z');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => claims.claim(hostId, start, randomUUID(), RANGE)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => (r as PromiseRejectedResult).reason.code === 'SLOT_TAKEN'),
    ).toBe(true);
  });

  function event(type = 'booking.cancelled') {
    return newEvent(BOOKING_EXCHANGE, type, {}, null);
  }
});
