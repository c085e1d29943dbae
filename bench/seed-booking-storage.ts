import type { Connection } from 'mongoose';
import { holdDocuments, hostMonth } from '@slotbook/booking/storage';

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
 * booking: the booking record (its event already relayed) and the documents that hold its time
 * (booking's own pure `holdDocuments`). Only modules without Nest decorators are imported: the
 * benchmark runs under tsx, which does not emit decorator metadata.
 */
export async function seedBookingStorage(db: Connection, bookings: SeedBooking[]): Promise<void> {
  const records: object[] = [];
  const held: object[] = [];
  for (const { id, hostId, userId, rangeId, startTime, endTime, createdAt } of bookings) {
    records.push({
      _id: id,
      hostId,
      hostMonth: hostMonth(hostId, startTime),
      userId,
      startTime,
      endTime,
      status: 'confirmed',
      notes: null,
      cancellationReason: null,
      rangeId,
      eventTypeId: null,
      bufferBefore: 0,
      bufferAfter: 0,
      commands: [id],
      createdAt,
      updatedAt: createdAt,
      version: 1,
      outbox: [],
      outboxPending: false,
    });
    const occupied = { start: startTime.getTime(), end: endTime.getTime() };
    const hold = { bookingId: id, hostId, startTime, endTime, occupied, eventTypeId: null };
    held.push(...holdDocuments(hold, createdAt));
  }
  await Promise.all([
    db.collection('held_time').insertMany(held as never[]),
    db.collection('bookings').insertMany(records as never[]),
  ]);
}
