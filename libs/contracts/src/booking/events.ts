import { z } from 'zod';
import { eventEnvelope } from '../common/event-envelope';
import { InstantOut } from '../common/timestamp';
import { Booking, BookingStatus } from './rest';

export const BOOKING_EXCHANGE = 'booking.events';

export const BookingEvent = {
  BookingCreated: 'booking.created',
  BookingConfirmed: 'booking.confirmed',
  BookingCancelled: 'booking.cancelled',
  BookingCompleted: 'booking.completed',
  BookingRescheduled: 'booking.rescheduled',
} as const;

export const BookingCreated = eventEnvelope(BookingEvent.BookingCreated, Booking);
export const BookingConfirmed = eventEnvelope(BookingEvent.BookingConfirmed, Booking);
export const BookingCancelled = eventEnvelope(
  BookingEvent.BookingCancelled,
  Booking.extend({ reason: z.string().nullable() }),
);
export const BookingCompleted = eventEnvelope(BookingEvent.BookingCompleted, Booking);
/**
 * `status` is what the new slot gives the booking (pending when its range requires
 * confirmation), so a move can change it; `previousStatus` is the status before the move.
 */
export const BookingRescheduled = eventEnvelope(
  BookingEvent.BookingRescheduled,
  Booking.extend({ previousStartTime: InstantOut, previousStatus: BookingStatus }),
);
