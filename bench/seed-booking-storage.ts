import type { Connection } from 'mongoose';
import { expectedRangeSlot, holdOf, newBooking } from '../services/booking/src/bookings/booking';
import { holdDocuments } from '../services/booking/src/bookings/slot-hold';

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
 * booking: the booking (its event already relayed) and the documents that hold its time, built
 * by booking's own pure functions, so the seeded bookings are what the API would have left.
 */
export async function seedBookingStorage(db: Connection, bookings: SeedBooking[]): Promise<void> {
  const records: object[] = [];
  const held: object[] = [];
  for (const { id, hostId, userId, rangeId, startTime, endTime, createdAt } of bookings) {
    const booking = newBooking(
      { id, actor: { id: userId, role: 'USER' }, startTime, notes: null, commandId: id },
      { ...expectedRangeSlot(hostId, endTime), rangeId },
      createdAt,
    );
    records.push({ ...booking, outbox: [], outboxPending: false });
    held.push(...holdDocuments(holdOf(booking), createdAt));
  }
  await Promise.all([
    db.collection('held_time').insertMany(held as never[]),
    db.collection('bookings').insertMany(records as never[]),
  ]);
}
