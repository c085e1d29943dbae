import type { Booking } from '@slotbook/contracts';
import type { BookingDocument } from './booking.schema';

export function toBooking(doc: BookingDocument): Booking {
  return {
    id: doc._id,
    hostId: doc.hostId,
    userId: doc.userId,
    startTime: doc.startTime.toISOString(),
    endTime: doc.endTime.toISOString(),
    status: doc.status,
    notes: doc.notes,
    cancellationReason: doc.cancellationReason,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
