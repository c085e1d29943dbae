import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { MongoOutboxStore, RecordMutex } from '@slotbook/persistence';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { BookingDocument, BookingSchema } from '../src/bookings/booking.schema';
import { BookingsRepository } from '../src/bookings/bookings.repository';
import { ClaimSweeper } from '../src/bookings/claim-sweeper';
import { CLAIM_GRACE_MS, SlotClaimRepository } from '../src/bookings/slot-claim.repository';
import { SlotClaimDocument, SlotClaimSchema } from '../src/bookings/slot-claim.schema';

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
    const claimModel = connection.model(
      SlotClaimDocument.name,
      SlotClaimSchema,
    ) as Model<SlotClaimDocument>;
    const bookingModel = connection.model(
      BookingDocument.name,
      BookingSchema,
    ) as Model<BookingDocument>;
    await Promise.all([claimModel.init(), bookingModel.init()]);
    claims = new SlotClaimRepository(claimModel);
    bookings = new BookingsRepository(
      bookingModel,
      new MongoOutboxStore(bookingModel as never, RecordMutex.forConnection(connection)),
    );
    sweeper = new ClaimSweeper(claims, bookings, RecordMutex.forConnection(connection));
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
  ): BookingDocument {
    const start = new Date('2031-01-01T10:00:00Z');
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
      rangeId: 'range',
      createdAt: start,
      updatedAt: start,
      outbox: [],
    };
  }

  it('frees a claim whose booking was never written', async () => {
    const claimId = await claims.claim(
      randomUUID(),
      new Date('2031-01-01T10:00:00Z'),
      randomUUID(),
    );
    expect(await sweeper.sweep(new Date())).toBe(0);
    expect(await sweeper.sweep(later())).toBe(1);
    expect(await claims.model.findById(claimId)).toBeNull();
  });

  it('buries the id of a booking that never appeared, so a writer that was only slow is refused', async () => {
    const bookingId = randomUUID();
    const claimId = await claims.claim(randomUUID(), new Date('2031-01-01T16:00:00Z'), bookingId);
    expect(await sweeper.sweep(later())).toBeGreaterThanOrEqual(1);
    expect(await claims.model.findById(claimId)).toBeNull();
    expect(await bookings.insert(booking(bookingId, claimId, 'confirmed'))).toBe(false);
    expect(await bookings.findById(bookingId)).toBeNull();
  });

  it('keeps the claim of an active booking and looks at it again only much later', async () => {
    const bookingId = randomUUID();
    const claimId = await claims.claim(randomUUID(), new Date('2031-01-01T11:00:00Z'), bookingId);
    await bookings.insert(booking(bookingId, claimId, 'confirmed'));
    await sweeper.sweep(later());
    const claim = await claims.model.findById(claimId).lean();
    expect(claim).not.toBeNull();
    expect(claim!.checkAfter.getTime()).toBeGreaterThan(later().getTime() + 30 * 60_000);
  });

  it('frees the claim of a booking that was cancelled but whose claim was not deleted', async () => {
    const bookingId = randomUUID();
    const hostId = randomUUID();
    const start = new Date('2031-01-01T12:00:00Z');
    const claimId = await claims.claim(hostId, start, bookingId);
    await bookings.insert(booking(bookingId, claimId, 'cancelled'));
    await claims.markForCheck(claimId);
    expect(await sweeper.sweep(new Date(Date.now() + 1))).toBe(1);
    // The slot can be claimed again.
    await expect(claims.claim(hostId, start, randomUUID())).resolves.toEqual(expect.any(String));
  });

  it('frees the old claim of a booking that moved to another slot', async () => {
    const bookingId = randomUUID();
    const hostId = randomUUID();
    const oldClaim = await claims.claim(hostId, new Date('2031-01-01T13:00:00Z'), bookingId);
    const newClaim = await claims.claim(hostId, new Date('2031-01-01T14:00:00Z'), bookingId);
    await bookings.insert(booking(bookingId, newClaim, 'confirmed'));
    await claims.markForCheck(oldClaim);
    await sweeper.sweep(new Date(Date.now() + 1));
    expect(await claims.model.findById(oldClaim)).toBeNull();
    expect(await claims.model.findById(newClaim)).not.toBeNull();
  });

  it('refuses a second claim of a held slot: the unique index is the guarantee', async () => {
    const hostId = randomUUID();
    const start = new Date('2031-01-01T15:00:00Z');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => claims.claim(hostId, start, randomUUID())),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => (r as PromiseRejectedResult).reason.code === 'SLOT_TAKEN'),
    ).toBe(true);
  });
});
