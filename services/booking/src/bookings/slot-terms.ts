import { DomainError, ErrorCode, type HostTerms } from '@slotbook/contracts';
import { DAY_MS, MINUTE_MS, NO_BUFFERS, eventTypeSlotAt, isSlotOf } from '@slotbook/scheduling';
import type { SlotTerms } from './booking';

/**
 * Whether a start is a slot of a host, and on what terms, decided from the host's terms
 * (availability's, see host-terms.ts in the contracts) as pure functions: no I/O, `now` given.
 */

export const CHANGING = "the host's availability is changing; retry";
export const NOT_A_SLOT = "not a slot of the host's availability";
export const NOT_AN_EVENT_TYPE_SLOT = 'is not a slot of the event type';

/**
 * The slot of the host's ranges starting at `start`: 404 for a host that cannot be booked, 409
 * while a change of its range is under way, 422 when it is no whole slot of a range.
 */
export function rangeSlotTerms(terms: HostTerms, start: Date, now: Date): SlotTerms {
  if (!terms.bookable) throw DomainError.notFound('host');
  const at = start.getTime();
  const range = terms.ranges.find((candidate) => candidate.start <= at && at < candidate.end);
  if (range && range.closedUntil !== null && range.closedUntil > now.getTime()) {
    throw new DomainError(ErrorCode.Conflict, CHANGING);
  }
  const grid = range && { start: range.start, end: range.end, slotMinutes: range.slotDuration };
  if (!range || !isSlotOf(grid!, at)) {
    throw DomainError.validation(NOT_A_SLOT, [{ path: 'startTime', message: NOT_A_SLOT }]);
  }
  return {
    hostId: terms.hostId,
    endTime: new Date(at + range.slotDuration * MINUTE_MS),
    requiresConfirmation: range.requiresConfirmation,
    rangeId: range.id,
    eventTypeId: null,
    buffers: NO_BUFFERS,
    public: false,
    bookingFields: [],
    seatsPerSlot: 1,
  };
}

/**
 * The slot of the event type starting at `start`: 404 for an unknown event type or a host that
 * cannot be booked; 422 on `startTime` when it has already started, is inside the minimum
 * notice, at or beyond the horizon, or is no slot of the schedule (off the grid, outside the
 * hours, or not ending within the same interval).
 */
export function eventTypeSlotTerms(
  terms: HostTerms,
  eventTypeId: string,
  start: Date,
  now: Date,
): SlotTerms {
  const eventType = terms.eventTypes.find((candidate) => candidate.id === eventTypeId);
  const schedule = terms.schedules.find((candidate) => candidate.id === eventType?.scheduleId);
  if (!terms.bookable || !eventType || !schedule) throw DomainError.notFound('event type');
  const at = start.getTime();
  const bounds = {
    notBefore: now.getTime() + eventType.minimumNotice * MINUTE_MS,
    notAfter: now.getTime() + eventType.bookingHorizonDays * DAY_MS,
  };
  const refuse = (message: string) =>
    DomainError.validation(`the start time ${message}`, [{ path: 'startTime', message }]);
  if (at < now.getTime()) throw refuse('has already started');
  if (at < bounds.notBefore) {
    throw refuse(`is inside the minimum notice of ${eventType.minimumNotice} minutes`);
  }
  if (at >= bounds.notAfter) {
    throw refuse(`is ${eventType.bookingHorizonDays} days or more ahead (the booking horizon)`);
  }
  const slot = eventTypeSlotAt(schedule, eventType, at, bounds);
  if (!slot) throw refuse(NOT_AN_EVENT_TYPE_SLOT);
  return {
    hostId: terms.hostId,
    endTime: new Date(slot.end),
    requiresConfirmation: eventType.requiresConfirmation,
    rangeId: null,
    eventTypeId,
    buffers: { bufferBefore: eventType.bufferBefore, bufferAfter: eventType.bufferAfter },
    public: eventType.public,
    bookingFields: eventType.bookingFields,
    // A copy announced before seats existed has none: one.
    seatsPerSlot: eventType.seatsPerSlot ?? 1,
  };
}
