import {
  BOOKING_EXCHANGE,
  BookingEvent,
  DomainError,
  ErrorCode,
  guestBooking,
  responseFlaws,
  type BookingActor,
  type BookingField,
  type BookingResponses,
  type GuestDetails,
} from '@slotbook/contracts';
import { newEvent } from '@slotbook/messaging';
import { initialOutbox } from '@slotbook/persistence';
import { occupiedBy, type Buffers, type Interval } from '@slotbook/scheduling';
import { hostMonth, sequenceAfter, statusOnSlot } from './booking-rules';
import { toBooking, type BookingFields } from './booking.mapper';
import type { BookingDocument } from './booking.schema';
import type { BookingChanges } from './bookings.repository';

/**
 * A booking's records as pure functions of what was asked and what the slot's terms are: the
 * handlers load, call these, and write the result in one go.
 */

/** A slot's terms (slot-terms.ts): its host, where it ends, the status it gives, what it occupies. */
export interface SlotTerms {
  hostId: string;
  endTime: Date;
  requiresConfirmation: boolean;
  rangeId: string | null;
  eventTypeId: string | null;
  buffers: Buffers;
  /** Whether a guest may book it (a public event type's slot). */
  public: boolean;
  /** The questions its booking answers (none for a range slot). */
  bookingFields: BookingField[];
  /** More than 1: a group slot, each booking holding one seat (SPEC §5, seats). */
  seatsPerSlot: number;
}

/** A seat of a group slot: how many the slot has, and whose it is (one per person). */
export interface Seat {
  capacity: number;
  /** The member's id, or `guest:<email>`: one seat of a slot per person. */
  person: string;
}

/** The host time a booking holds: where, when, and for which booking. */
export interface Hold {
  bookingId: string;
  hostId: string;
  startTime: Date;
  endTime: Date;
  occupied: Interval;
  eventTypeId: string | null;
  /** Of a group slot's booking. */
  seat?: Seat;
}

/** How many of the last commands a booking remembers (see BookingDocument.commands). */
const COMMANDS_REMEMBERED = 10;

type Timed = Pick<BookingFields, 'startTime' | 'endTime' | 'bufferBefore' | 'bufferAfter'>;

export function occupiedTime(booking: Timed): Interval {
  return occupiedBy(
    { start: booking.startTime.getTime(), end: booking.endTime.getTime() },
    { bufferBefore: booking.bufferBefore ?? 0, bufferAfter: booking.bufferAfter ?? 0 },
  );
}

export function holdOf(
  booking: Timed &
    Pick<BookingFields, '_id' | 'hostId' | 'eventTypeId' | 'userId' | 'guest' | 'seated'>,
  seatsPerSlot = 0,
): Hold {
  return {
    bookingId: booking._id,
    hostId: booking.hostId,
    startTime: booking.startTime,
    endTime: booking.endTime,
    occupied: occupiedTime(booking),
    eventTypeId: booking.eventTypeId ?? null,
    ...(booking.seated ? { seat: { capacity: seatsPerSlot, person: personOf(booking) } } : {}),
  };
}

/** Whose a booking is: one seat of a group slot per member, or per guest email. */
export function personOf(booking: Pick<BookingFields, 'userId' | 'guest'>): string {
  return booking.userId ?? guestBooking(booking.guest!.email).id;
}

export interface NewBooking {
  id: string;
  actor: BookingActor;
  /** Who books, when `actor` is a guest (then the booking has no `userId`). */
  guest?: GuestDetails;
  responses?: BookingResponses;
  startTime: Date;
  notes: string | null;
  commandId: string;
  /** Of a keyed create (see BookingDocument.requestHash). */
  requestHash?: string;
}

/**
 * A new booking on `slot`, with its `booking.created` event in its outbox: 401 for a guest on a
 * slot that is not public, 422 for answers that do not fit its questions.
 */
export function newBooking(
  { id, actor, guest, responses, startTime, notes, commandId, requestHash }: NewBooking,
  slot: SlotTerms,
  now: Date,
  seatsHeld = 0,
): BookingDocument {
  if (actor.role === 'GUEST' && !slot.public) {
    throw new DomainError(
      ErrorCode.Unauthorized,
      'only a public event type can be booked without an account',
    );
  }
  const flaws = responseFlaws(slot.bookingFields, responses);
  if (flaws.length > 0) {
    throw DomainError.validation("the answers do not fit the event type's questions", flaws);
  }
  const fields: BookingFields = {
    _id: id,
    hostId: slot.hostId,
    hostMonth: hostMonth(slot.hostId, startTime),
    userId: actor.role === 'GUEST' ? null : actor.id,
    ...(actor.role === 'GUEST' && guest
      ? { guest: { name: guest.name, email: guest.email, timeZone: guest.timeZone ?? null } }
      : {}),
    ...(responses && Object.keys(responses).length > 0 ? { responses } : {}),
    startTime,
    endTime: slot.endTime,
    status: statusOnSlot(slot.requiresConfirmation),
    notes,
    cancellationReason: null,
    rangeId: slot.rangeId,
    eventTypeId: slot.eventTypeId,
    ...slot.buffers,
    ...(slot.seatsPerSlot > 1 ? { seated: true } : {}),
    commands: [commandId],
    createdAt: now,
    updatedAt: now,
  };
  const booking = toBooking(fields);
  const created = newEvent(
    BOOKING_EXCHANGE,
    BookingEvent.BookingCreated,
    { ...booking, ...seatsLeft(slot, seatsHeld) },
    actor.id,
    now,
  );
  const keyed = requestHash === undefined ? {} : { requestHash, reply: booking };
  return { ...fields, ...keyed, ...initialOutbox([created]) };
}

/** An event's `seatsLeft`, of a group slot's booking only. */
export function seatsLeft(slot: Pick<SlotTerms, 'seatsPerSlot'>, seatsHeld: number) {
  return slot.seatsPerSlot > 1 ? { seatsLeft: Math.max(0, slot.seatsPerSlot - seatsHeld) } : {};
}

/** The booking moved to `startTime` on `slot`: it takes the status the new slot gives. */
export function movedTo(
  current: BookingDocument,
  startTime: Date,
  slot: SlotTerms,
  commandId: string,
): BookingChanges {
  return {
    startTime,
    endTime: slot.endTime,
    hostMonth: hostMonth(current.hostId, startTime),
    status: statusOnSlot(slot.requiresConfirmation),
    rangeId: slot.rangeId,
    ...slot.buffers,
    ...(current.seated || slot.seatsPerSlot > 1 ? { seated: slot.seatsPerSlot > 1 } : {}),
    commands: remembering(current, commandId),
    sequence: sequenceAfter(current, 'reschedule'),
  };
}

/** The booking's remembered commands with `commandId` added (the oldest drop out). */
export function remembering(current: Pick<BookingFields, 'commands'>, commandId: string): string[] {
  return [...(current.commands ?? []), commandId].slice(-COMMANDS_REMEMBERED);
}

/** Whether `commandId` already changed this booking: its run again answers the booking as it is. */
export function madeBy(current: Pick<BookingFields, 'commands'>, commandId: string): boolean {
  return (current.commands ?? []).includes(commandId);
}
