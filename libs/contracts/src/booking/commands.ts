import { z } from 'zod';
import { Actor, BookingActor } from '../common/actor';
import { defineCommand } from '../common/command';
import { Instant, InstantOut } from '../common/timestamp';
import {
  AttendeeList,
  Booking,
  BookingPage,
  BookingWithEventType,
  CancelBookingBody,
  CreateBookingBody,
  IdempotencyKey,
  ListBookingsQuery,
} from './rest';

export const BOOKING_QUEUE = 'booking.commands';

/** Message patterns of booking's commands (imperative names). */
export const BookingCommand = {
  CreateBooking: 'booking.create-booking',
  ListBookings: 'booking.list-bookings',
  GetBooking: 'booking.get-booking',
  /** A booking with its event type's title, duration and cancel notice (a manage page). */
  GetBookingWithEventType: 'booking.get-booking-with-event-type',
  ConfirmBooking: 'booking.confirm-booking',
  CancelBooking: 'booking.cancel-booking',
  CompleteBooking: 'booking.complete-booking',
  RescheduleBooking: 'booking.reschedule-booking',
  MarkNoShow: 'booking.mark-no-show',
  /** The bookings holding the seats of one group slot, in booking order (its host, ADMIN). */
  ListAttendees: 'booking.list-attendees',
  /** Slots of a host held by a pending or confirmed booking (or being booked right now). */
  ListHeldSlots: 'booking.list-held-slots',
  /** The host time that active bookings occupy, compactly, for listings of free slots. */
  ListBusyTime: 'booking.list-busy-time',
  /** From availability: a host's terms are at `version` (see host-terms.ts). */
  AnnounceHostTerms: 'booking.announce-host-terms',
} as const;

export const CreateBookingCommand = CreateBookingBody.extend({
  /** A member, or a guest (then `guest` is given and the event type must be public). */
  actor: BookingActor,
  idempotencyKey: IdempotencyKey.optional(),
  /**
   * The gateway's id for this one request, and the id of the booking it creates: the command
   * redelivered by the broker, or sent again by the gateway, finds the first attempt's work.
   */
  commandId: z.uuid(),
});
export type CreateBookingCommand = z.infer<typeof CreateBookingCommand>;

export const ListBookingsCommand = z.object({ actor: Actor, query: ListBookingsQuery });
export type ListBookingsCommand = z.infer<typeof ListBookingsCommand>;

/** An action on one booking, by a member or by the holder of its manage link. */
export const BookingActionCommand = z.object({ actor: BookingActor, bookingId: z.string().min(1) });
export type BookingActionCommand = z.infer<typeof BookingActionCommand>;

/**
 * A change of a booking. `commandId` is the gateway's id for this one request: the change
 * carries it into the booking it writes, so the command run again (redelivered, or sent again
 * after a broker drop) finds its own write and answers it instead of deciding again.
 */
export const ChangeBookingCommand = BookingActionCommand.extend({ commandId: z.uuid() });
export type ChangeBookingCommand = z.infer<typeof ChangeBookingCommand>;

export const CancelBookingCommand = ChangeBookingCommand.extend(CancelBookingBody.shape);
export type CancelBookingCommand = z.infer<typeof CancelBookingCommand>;

export const RescheduleBookingCommand = ChangeBookingCommand.extend({ startTime: Instant });
export type RescheduleBookingCommand = z.infer<typeof RescheduleBookingCommand>;

export const ListAttendeesCommand = z.object({
  actor: Actor,
  eventTypeId: z.string().min(1),
  startTime: Instant,
});
export type ListAttendeesCommand = z.infer<typeof ListAttendeesCommand>;

export const ListHeldSlotsCommand = z.object({
  hostId: z.string().min(1),
  /** Held slots whose start lies in [from, to). */
  from: Instant,
  to: Instant,
});
export type ListHeldSlotsCommand = z.infer<typeof ListHeldSlotsCommand>;

/**
 * A slot held by an active booking (or being booked right now). `occupiedFrom`/`occupiedUntil`
 * is the host time it keeps busy, its event type's buffers included (SPEC §4a); a booking being
 * made right now is reported with the end its time was held for. `eventTypeId` is null for a
 * slot of a range.
 */
export const HeldSlot = z.object({
  startTime: InstantOut,
  endTime: InstantOut,
  occupiedFrom: InstantOut,
  occupiedUntil: InstantOut,
  eventTypeId: z.string().nullable(),
  /** Of a group slot (seats): how many of its seats are taken or being taken. */
  seats: z.number().int().optional(),
});
export type HeldSlot = z.infer<typeof HeldSlot>;
export const HeldSlots = z.object({ data: z.array(HeldSlot) });
export type HeldSlots = z.infer<typeof HeldSlots>;

/** The host time occupied by bookings whose start lies in [from, to). */
export const ListBusyTimeCommand = ListHeldSlotsCommand;
export type ListBusyTimeCommand = ListHeldSlotsCommand;

/**
 * `[from₁, until₁, from₂, until₂, …]` in epoch milliseconds, one pair per booking, ascending by
 * the booking's start: a month of a busy host is a few kilobytes, cheap to send and to read.
 * It is read from the bookings written, so one being made this very moment is missing; a range
 * change, which must see those too, asks ListHeldSlots instead.
 */
/** A group slot (seats) of an event type: where it starts, the host time it occupies, seats held. */
export const SeatedSlot = z.object({
  eventTypeId: z.string(),
  start: z.number().int(),
  from: z.number().int(),
  until: z.number().int(),
  seats: z.number().int(),
});
export type SeatedSlot = z.infer<typeof SeatedSlot>;

/** `seated`: the group slots, apart from `busy` (a slot with seats left may still be booked). */
export const BusyTime = z.object({
  busy: z.array(z.number().int()),
  seated: z.array(SeatedSlot).optional(),
});
export type BusyTime = z.infer<typeof BusyTime>;

export const AnnounceHostTermsCommand = z.object({
  hostId: z.string().min(1),
  version: z.number().int().min(0),
});
export type AnnounceHostTermsCommand = z.infer<typeof AnnounceHostTermsCommand>;

// What each command carries and answers. Booking's writes are retry-safe: their `commandId`
// makes a second run find the first one's write and answer it.

export const CreateBooking = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.CreateBooking,
  input: CreateBookingCommand,
  output: Booking,
  retrySafe: true,
});

export const ListBookings = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.ListBookings,
  input: ListBookingsCommand,
  output: BookingPage,
  retrySafe: true,
});

export const GetBooking = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.GetBooking,
  input: BookingActionCommand,
  output: Booking,
  retrySafe: true,
});

export const GetBookingWithEventType = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.GetBookingWithEventType,
  input: BookingActionCommand,
  output: BookingWithEventType,
  retrySafe: true,
});

export const ConfirmBooking = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.ConfirmBooking,
  input: ChangeBookingCommand,
  output: Booking,
  retrySafe: true,
});

export const CancelBooking = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.CancelBooking,
  input: CancelBookingCommand,
  output: Booking,
  retrySafe: true,
});

export const CompleteBooking = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.CompleteBooking,
  input: ChangeBookingCommand,
  output: Booking,
  retrySafe: true,
});

export const RescheduleBooking = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.RescheduleBooking,
  input: RescheduleBookingCommand,
  output: Booking,
  retrySafe: true,
});

export const ListAttendees = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.ListAttendees,
  input: ListAttendeesCommand,
  output: AttendeeList,
  retrySafe: true,
});

export const MarkNoShow = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.MarkNoShow,
  input: ChangeBookingCommand,
  output: Booking,
  retrySafe: true,
});

export const ListHeldSlots = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.ListHeldSlots,
  input: ListHeldSlotsCommand,
  output: HeldSlots,
  retrySafe: true,
});

export const ListBusyTime = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.ListBusyTime,
  input: ListBusyTimeCommand,
  output: BusyTime,
  retrySafe: true,
});

/** Answers nothing (null): the version is kept. */
export const AnnounceHostTerms = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: BookingCommand.AnnounceHostTerms,
  input: AnnounceHostTermsCommand,
  output: z.null(),
  retrySafe: true,
});

export const BOOKING_COMMANDS = [
  CreateBooking,
  ListBookings,
  GetBooking,
  GetBookingWithEventType,
  ConfirmBooking,
  CancelBooking,
  CompleteBooking,
  RescheduleBooking,
  MarkNoShow,
  ListAttendees,
  ListHeldSlots,
  ListBusyTime,
  AnnounceHostTerms,
] as const;
