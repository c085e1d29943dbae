import { z } from 'zod';
import { PageQuery, pageOf } from '../common/pagination';
import { Instant, InstantOut } from '../common/timestamp';

export const BookingStatus = z.enum(['pending', 'confirmed', 'cancelled', 'completed']);
export type BookingStatus = z.infer<typeof BookingStatus>;

export const NOTES_MAX_LENGTH = 2000;
export const REASON_MAX_LENGTH = 500;

/**
 * `POST /bookings`: a slot of a host's ranges (`hostId`) or of an event type (`eventTypeId`),
 * exactly one of the two.
 */
export const CreateBookingBody = z
  .strictObject({
    hostId: z.string().min(1).max(100).optional().describe("book a slot of this host's ranges"),
    eventTypeId: z.string().min(1).max(100).optional().describe('book a slot of this event type'),
    startTime: Instant,
    notes: z.string().max(NOTES_MAX_LENGTH).optional(),
  })
  .superRefine((body, context) => {
    const given = [body.hostId, body.eventTypeId].filter((id) => id !== undefined).length;
    if (given !== 1) {
      context.addIssue({
        code: 'custom',
        path: [body.hostId === undefined ? 'hostId' : 'eventTypeId'],
        message:
          given === 0
            ? 'hostId or eventTypeId is required'
            : 'give hostId or eventTypeId, not both',
      });
    }
  });
export type CreateBookingBody = z.infer<typeof CreateBookingBody>;

/** `Idempotency-Key` header: the same key from the same user within 24 h replays the first answer. */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' });

export const ListBookingsQuery = PageQuery.extend({
  status: BookingStatus.optional(),
  hostId: z.string().min(1).max(100).optional(),
  userId: z.string().min(1).max(100).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
});
export type ListBookingsQuery = z.infer<typeof ListBookingsQuery>;

export const CancelBookingBody = z.strictObject({
  reason: z.string().trim().min(1).max(REASON_MAX_LENGTH).optional(),
});
export type CancelBookingBody = z.infer<typeof CancelBookingBody>;

export const RescheduleBookingBody = z.strictObject({ startTime: Instant });
export type RescheduleBookingBody = z.infer<typeof RescheduleBookingBody>;

export const BookingIdParam = z.strictObject({ id: z.string().min(1).max(100) });

export const Booking = z.object({
  id: z.string(),
  hostId: z.string(),
  userId: z.string(),
  /** The event type booked, or null for a slot of a range. */
  eventTypeId: z.string().nullable(),
  startTime: InstantOut,
  endTime: InstantOut,
  status: BookingStatus,
  notes: z.string().nullable(),
  cancellationReason: z.string().nullable(),
  createdAt: InstantOut,
  updatedAt: InstantOut,
});
export type Booking = z.infer<typeof Booking>;

export const BookingPage = pageOf(Booking);
