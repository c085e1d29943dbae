import type { Booking } from '@slotbook/contracts';
import type { BookingDocument } from './booking.schema';

/** A booking's own fields, without the outbox bookkeeping every record carries. */
export type BookingFields = Omit<BookingDocument, 'version' | 'outbox' | 'outboxPending'>;

export function toBooking(doc: BookingFields): Booking {
  return {
    id: doc._id,
    hostId: doc.hostId,
    userId: doc.userId ?? null,
    guest: doc.guest ?? null,
    responses: doc.responses ?? {},
    eventTypeId: doc.eventTypeId ?? null,
    startTime: doc.startTime.toISOString(),
    endTime: doc.endTime.toISOString(),
    status: doc.status,
    notes: doc.notes,
    cancellationReason: doc.cancellationReason,
    sequence: doc.sequence ?? 0,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
