import { z } from 'zod';
import { defineEvent } from '../common/event';
import { InstantOut } from '../common/timestamp';
import { Booking, BookingStatus } from './rest';

export const BOOKING_EXCHANGE = 'booking.events';

export const BookingEvent = {
  BookingCreated: 'booking.created',
  BookingConfirmed: 'booking.confirmed',
  BookingCancelled: 'booking.cancelled',
  BookingCompleted: 'booking.completed',
  BookingRescheduled: 'booking.rescheduled',
  BookingNoShow: 'booking.no-show',
} as const;

/** Of a group slot's booking (seats): how many of the slot's seats are left after the change. */
const Seats = {
  seatsLeft: z.number().int().min(0).optional(),
};

export const BookingCreated = defineEvent({
  exchange: BOOKING_EXCHANGE,
  type: BookingEvent.BookingCreated,
  summary:
    'A slot was booked (pending or confirmed). Of a group slot, `data.seatsLeft` says how many ' +
    'seats it has left.',
  data: Booking.extend(Seats),
});
export const BookingConfirmed = defineEvent({
  exchange: BOOKING_EXCHANGE,
  type: BookingEvent.BookingConfirmed,
  summary: 'The host confirmed a pending booking.',
  data: Booking,
});
export const BookingCancelled = defineEvent({
  exchange: BOOKING_EXCHANGE,
  type: BookingEvent.BookingCancelled,
  summary: 'A booking was cancelled; its slot is free again. `data.reason` says why, if given.',
  data: Booking.extend({ reason: z.string().nullable(), ...Seats }),
});
export const BookingCompleted = defineEvent({
  exchange: BOOKING_EXCHANGE,
  type: BookingEvent.BookingCompleted,
  summary: 'A confirmed booking was completed after its slot.',
  data: Booking,
});
/**
 * `status` is what the new slot gives the booking (pending when its range requires
 * confirmation), so a move can change it; `previousStatus` is the status before the move.
 */
export const BookingRescheduled = defineEvent({
  exchange: BOOKING_EXCHANGE,
  type: BookingEvent.BookingRescheduled,
  summary:
    'A booking moved to another slot; `data.previousStartTime` is where it was. It takes the ' +
    'status the new slot gives (`pending` when its range requires confirmation, else ' +
    '`confirmed`); `data.previousStatus` is the status it had.',
  data: Booking.extend({
    previousStartTime: InstantOut,
    previousStatus: BookingStatus,
    ...Seats,
  }),
});

export const BookingNoShow = defineEvent({
  exchange: BOOKING_EXCHANGE,
  type: BookingEvent.BookingNoShow,
  summary: 'The guest of a confirmed booking did not come (marked by its host once it started).',
  data: Booking,
});

export const BOOKING_EVENTS = [
  BookingCreated,
  BookingConfirmed,
  BookingCancelled,
  BookingCompleted,
  BookingRescheduled,
  BookingNoShow,
] as const;
