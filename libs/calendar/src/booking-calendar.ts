import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
  type ICalEventData,
} from 'ical-generator';
import type { Booking, BookingWithEventType } from '@slotbook/contracts';

/** The SUMMARY of a booking of a range's slot, which has no event type to name it. */
export const RANGE_BOOKING_TITLE = 'Booking';

const PRODID = { company: 'Slotbook', product: 'Slotbook', language: 'EN' };

export interface CalendarPerson {
  name: string;
  email: string;
}

/** A booking as a calendar shows it: what, when, and who. */
export interface CalendarEntry {
  booking: Booking;
  /** The event type's title, or {@link RANGE_BOOKING_TITLE}. */
  title: string;
  /** The host; null when identity does not know them (then the event has no ORGANIZER). */
  organizer: CalendarPerson | null;
  /** Who booked: the guest, or the member; null when unknown. */
  attendee: CalendarPerson | null;
}

/**
 * A booking with its people and title: the host is the organizer, the guest (or the member
 * who booked) the attendee; the title is its event type's, or "Booking" for a range's slot (and
 * for an event type deleted since, whose title is gone).
 */
export function calendarEntryOf(
  booking: BookingWithEventType,
  users: ReadonlyMap<string, CalendarPerson>,
): CalendarEntry {
  const booker = booking.userId === null ? null : users.get(booking.userId);
  return {
    booking,
    title: booking.eventType?.title ?? RANGE_BOOKING_TITLE,
    organizer: users.get(booking.hostId) ?? null,
    attendee: booking.guest ?? booker ?? null,
  };
}

/**
 * The calendar file of one booking (SPEC §6b), an iTIP message (RFC 5546): `METHOD:REQUEST`,
 * or `METHOD:CANCEL` once the booking is cancelled. Times are UTC, never a TZID, so every
 * client reads the same instants whatever its zone and its copy of the zone rules.
 */
export function bookingCalendarFile(entry: CalendarEntry): string {
  const cancelled = entry.booking.status === 'cancelled';
  return ical({
    prodId: PRODID,
    method: cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    events: [eventOf([entry])],
  }).toString();
}

/**
 * A host's feed: one VEVENT per booking, or per seated slot (the bookings of one event type at
 * one start, one ATTENDEE per seat), without METHOD: a subscribed calendar, not a message.
 */
export function feedCalendarFile(entries: CalendarEntry[]): string {
  return ical({
    prodId: PRODID,
    name: 'Slotbook bookings',
    events: seatsTogether(entries).map(eventOf),
  }).toString();
}

/** Entries grouped by slot: the seats of one event type at one start, in booking order. */
function seatsTogether(entries: CalendarEntry[]): CalendarEntry[][] {
  const slots = new Map<string, CalendarEntry[]>();
  for (const entry of entries) {
    const { id, eventTypeId, startTime } = entry.booking;
    const key = eventTypeId === null ? `booking:${id}` : `seats:${eventTypeId}:${startTime}`;
    slots.set(key, [...(slots.get(key) ?? []), entry]);
  }
  return [...slots.values()].map((seats) =>
    seats.sort(
      (a, b) =>
        a.booking.createdAt.localeCompare(b.booking.createdAt) ||
        a.booking.id.localeCompare(b.booking.id),
    ),
  );
}

/**
 * One VEVENT for the booking(s) of one slot. The UID is the first booking's, so a slot with
 * one seat is the same event in the feed as in that booking's own file; DTSTAMP is the last
 * change, which keeps the file a pure function of the bookings.
 */
function eventOf(seats: CalendarEntry[]): ICalEventData {
  const [first] = seats;
  const { booking } = first;
  return {
    id: `${booking.id}@slotbook`,
    sequence: Math.max(...seats.map((seat) => seat.booking.sequence)),
    stamp: new Date(latest(seats.map((seat) => seat.booking.updatedAt))),
    created: new Date(booking.createdAt),
    lastModified: new Date(latest(seats.map((seat) => seat.booking.updatedAt))),
    start: new Date(booking.startTime),
    end: new Date(booking.endTime),
    summary: first.title,
    organizer: first.organizer ? personOf(first.organizer) : null,
    attendees: seats.flatMap(({ attendee }) =>
      attendee
        ? [
            {
              ...personOf(attendee),
              role: ICalAttendeeRole.REQ,
              status: ICalAttendeeStatus.ACCEPTED,
              rsvp: false,
            },
          ]
        : [],
    ),
    status: statusOf(seats.map((seat) => seat.booking.status)),
  };
}

function latest(instants: string[]): string {
  return instants.reduce((a, b) => (b > a ? b : a));
}

/** CONFIRMED once any seat is; TENTATIVE while all are pending; CANCELLED when all are. */
function statusOf(statuses: Booking['status'][]): ICalEventStatus {
  if (statuses.every((status) => status === 'cancelled')) return ICalEventStatus.CANCELLED;
  if (statuses.every((status) => status === 'pending' || status === 'cancelled')) {
    return ICalEventStatus.TENTATIVE;
  }
  return ICalEventStatus.CONFIRMED;
}

/**
 * A person as a CN parameter allows: RFC 5545 parameter values cannot hold control characters
 * or DQUOTE at all (the library would backslash them, which no reader undoes), so line breaks
 * become spaces and double quotes single ones. Commas and semicolons are kept: the library
 * quotes the value. A name left empty is the address.
 */
function personOf(person: CalendarPerson): CalendarPerson {
  const name = person.name
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/"/g, "'")
    .replace(/ {2,}/g, ' ')
    .trim();
  return { name: name === '' ? person.email : name, email: person.email };
}
