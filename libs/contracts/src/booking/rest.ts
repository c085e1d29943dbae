import { z } from 'zod';
import { PageQuery, pageOf } from '../common/pagination';
import { Instant, InstantOut } from '../common/timestamp';
import { TimeZone } from '../common/time-zone';
import { Email } from '../identity/user';

export const BookingStatus = z.enum(['pending', 'confirmed', 'cancelled', 'completed', 'no_show']);
export type BookingStatus = z.infer<typeof BookingStatus>;

export const NOTES_MAX_LENGTH = 2000;
export const REASON_MAX_LENGTH = 500;

/** Who booked without an account (SPEC §5b). */
export const GuestDetails = z.strictObject({
  name: z.string().trim().min(1, { message: 'must not be empty' }).max(200),
  email: Email,
  timeZone: TimeZone.optional().describe("the guest's IANA time zone, for their mail"),
});
export type GuestDetails = z.infer<typeof GuestDetails>;

/**
 * An answer to one of the event type's questions. Only its shape and a generous size are
 * checked here; what fits the question (SPEC §4b) is checked by booking, all answers at once.
 */
export const ResponseValue = z.union([
  z.string().max(10_000),
  z.number(),
  z.boolean(),
  z.array(z.string().max(200)).max(50),
]);
export type ResponseValue = z.infer<typeof ResponseValue>;

/** A booking's answers, `{slug: value}`; which slugs and values are allowed is the event type's. */
export const BookingResponses = z
  .record(z.string().max(40), ResponseValue)
  .refine((responses) => Object.keys(responses).length <= 20, {
    message: 'must have at most 20 answers',
  });
export type BookingResponses = z.infer<typeof BookingResponses>;

/**
 * `POST /bookings`: a slot of a host's ranges (`hostId`) or of an event type (`eventTypeId`),
 * exactly one of the two. Without a token, `guest` is required (and only a public event type
 * can be booked); with one, it is refused.
 */
export const CreateBookingBody = z
  .strictObject({
    hostId: z.string().min(1).max(100).optional().describe("book a slot of this host's ranges"),
    eventTypeId: z.string().min(1).max(100).optional().describe('book a slot of this event type'),
    startTime: Instant,
    notes: z.string().max(NOTES_MAX_LENGTH).optional(),
    responses: BookingResponses.optional().describe("answers to the event type's bookingFields"),
    guest: GuestDetails.optional().describe('who books, when booking without a token'),
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

export const BookingGuest = z.object({
  name: z.string(),
  email: z.string(),
  timeZone: z.string().nullable(),
});
export type BookingGuest = z.infer<typeof BookingGuest>;

export const Booking = z.object({
  id: z.string(),
  hostId: z.string(),
  /** The member who booked, or null for a guest's booking. */
  userId: z.string().nullable(),
  /** Who booked without an account, or null for a member's booking. */
  guest: BookingGuest.nullable(),
  responses: z.record(z.string(), ResponseValue),
  /** The event type booked, or null for a slot of a range. */
  eventTypeId: z.string().nullable(),
  startTime: InstantOut,
  endTime: InstantOut,
  status: BookingStatus,
  notes: z.string().nullable(),
  cancellationReason: z.string().nullable(),
  /** The calendar SEQUENCE (RFC 5546): 0 at creation, +1 at each reschedule, confirm and cancel. */
  sequence: z.number().int(),
  createdAt: InstantOut,
  updatedAt: InstantOut,
});
export type Booking = z.infer<typeof Booking>;

export const BookingPage = pageOf(Booking);

/** `GET /event-types/:id/slots/:startTime/attendees`: who holds the seats of a group slot. */
export const AttendeeList = z.object({ data: z.array(Booking) });
export type AttendeeList = z.infer<typeof AttendeeList>;

export const AttendeesParam = z.strictObject({
  id: z.string().min(1).max(100),
  startTime: Instant,
});

/** An event type as a guest's manage page names it (SPEC §5b). */
export const BookedEventType = z.object({
  id: z.string(),
  title: z.string(),
  duration: z.number().int(),
  minimumCancelNotice: z.number().int(),
});
export type BookedEventType = z.infer<typeof BookedEventType>;

/** A booking with what it was booked on: its event type (null for a range slot, or deleted). */
export const BookingWithEventType = Booking.extend({ eventType: BookedEventType.nullable() });
export type BookingWithEventType = z.infer<typeof BookingWithEventType>;

/** `GET /manage/:token`: the booking, its event type and its host. */
export const ManagedBooking = BookingWithEventType.extend({
  host: z.object({ id: z.string(), name: z.string() }),
});
export type ManagedBooking = z.infer<typeof ManagedBooking>;

export const ManageTokenParam = z.strictObject({ token: z.string().min(1).max(200) });
