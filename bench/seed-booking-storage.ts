import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { hostMonth, slotKey } from '../services/booking/src/bookings/booking-rules';
import { occupiedCells } from '../services/booking/src/bookings/occupied-cells';

/** A confirmed range booking, as the benchmark seeds it. */
export interface SeedBooking {
  id: string;
  hostId: string;
  userId: string;
  rangeId: string;
  startTime: Date;
  endTime: Date;
  createdAt: Date;
}

/**
 * BOOKING STORAGE SEEDING — the one place the benchmark knows how the booking service stores a
 * booking (today: a settled slot claim, its occupied-time cells, the booking with an empty
 * outbox). Written against the schema of ed3dc9c; whoever changes that storage adapts this
 * function alone, so the seeded bookings stay what the API would have left behind.
 */
export async function seedBookingStorage(db: Connection, bookings: SeedBooking[]): Promise<void> {
  const claims: object[] = [];
  const cells: object[] = [];
  const records: object[] = [];
  for (const booking of bookings) {
    const { id, hostId, startTime, endTime, createdAt } = booking;
    const claimId = randomUUID();
    claims.push({
      _id: claimId,
      slotKey: slotKey(hostId, startTime),
      hostId,
      hostMonth: hostMonth(hostId, startTime),
      startTime,
      endTime,
      occupiedFrom: startTime,
      occupiedUntil: endTime,
      eventTypeId: null,
      bookingId: id,
      createdAt,
      sweepPending: false,
      marks: 0,
      markedAt: createdAt,
    });
    cells.push(
      ...occupiedCells(hostId, claimId, { start: startTime.getTime(), end: endTime.getTime() }),
    );
    records.push({
      _id: id,
      hostId,
      userId: booking.userId,
      startTime,
      endTime,
      status: 'confirmed',
      notes: null,
      cancellationReason: null,
      claimId,
      rangeId: booking.rangeId,
      eventTypeId: null,
      bufferBefore: 0,
      bufferAfter: 0,
      createdAt,
      updatedAt: createdAt,
      version: 1,
      outbox: [],
      outboxPending: false,
    });
  }
  await Promise.all([
    db.collection('slot_claims').insertMany(claims as never[]),
    db.collection('slot_cells').insertMany(cells as never[]),
    db.collection('bookings').insertMany(records as never[]),
  ]);
}
