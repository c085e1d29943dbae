import { Injectable } from '@nestjs/common';
import {
  BOOKING_EXCHANGE,
  BookingEvent,
  DomainError,
  ErrorCode,
  type Booking,
  type RescheduleBookingCommand,
} from '@slotbook/contracts';
import { newEvent } from '@slotbook/messaging';
import { LOST_RACE, RecordChanges } from '@slotbook/persistence';
import { hasStarted } from './booking-rules';
import { holdOf, madeBy, movedTo, seatsLeft, type SlotTerms } from './booking';
import { toBooking } from './booking.mapper';
import { BookingsRepository } from './bookings.repository';
import { BookingsService } from './bookings.service';
import { SlotHold } from './slot-hold';
import { SlotTermsClient, type SlotOf } from './slot-terms.client';

/**
 * Moves a booking atomically: hold the new time, move the booking onto it by compare-and-set
 * on the version read before the hold, then let go of the old time. If the move loses (the
 * booking changed, or a reclaim fenced a stalled move off), the new time is given back and
 * nothing changed. Time the booking already holds is its own, so a move onto time that overlaps
 * its current time succeeds. It takes the status the new slot gives.
 */
@Injectable()
export class RescheduleBookingHandler {
  constructor(
    private readonly bookings: BookingsRepository,
    private readonly access: BookingsService,
    private readonly terms: SlotTermsClient,
    private readonly hold: SlotHold,
    private readonly changes: RecordChanges,
  ) {}

  handle(command: RescheduleBookingCommand): Promise<Booking> {
    return this.changes.of(() => this.move(command));
  }

  private async move({
    actor,
    bookingId,
    startTime,
    commandId,
  }: RescheduleBookingCommand): Promise<Booking | typeof LOST_RACE> {
    // Of the old time, only what was held before this read is let go: a later move's is its own.
    const readAt = new Date();
    const current = await this.access.visible(actor, bookingId);
    if (madeBy(current, commandId)) return toBooking(current);
    this.access.assertMayAct(actor, current, 'reschedule');
    await this.access.assertCancelNotice(actor, current);
    const now = new Date();
    if (hasStarted(current.startTime, now)) {
      throw new DomainError(
        ErrorCode.InvalidTransition,
        'a booking that has started cannot be rescheduled',
      );
    }
    if (hasStarted(startTime, now)) {
      throw DomainError.validation('the slot has already started', [
        { path: 'startTime', message: 'has already started' },
      ]);
    }
    if (startTime.getTime() === current.startTime.getTime()) {
      throw DomainError.validation('the booking is already at this time', [
        { path: 'startTime', message: 'is the current start' },
      ]);
    }
    const write = (slot: SlotTerms, seatsHeld: number) =>
      this.bookings.change(
        current,
        movedTo(current, startTime, slot, commandId),
        (record) =>
          newEvent(
            BOOKING_EXCHANGE,
            BookingEvent.BookingRescheduled,
            {
              ...record,
              previousStartTime: current.startTime.toISOString(),
              previousStatus: current.status,
              ...seatsLeft(slot, seatsHeld),
            },
            actor.id,
          ),
        new Date(),
      );
    const slot: SlotOf = current.eventTypeId
      ? { eventTypeId: current.eventTypeId }
      : { hostId: current.hostId };
    const options = { moving: true };
    const moved = await this.hold.aroundConfirmed(
      await this.terms.expected(slot, startTime, options),
      (terms) =>
        holdOf(
          { ...current, ...movedTo(current, startTime, terms, commandId) },
          terms.seatsPerSlot,
        ),
      () => this.terms.confirmed(slot, startTime, options),
      write,
    );
    // The booking changed since it was read: decide again.
    if (!moved) return LOST_RACE;
    // A single booking keeps what its new time shares with its old; a seat holds its new time
    // as its group's, so nothing of its own stays.
    const kept = moved.seated ? [] : this.hold.documentsOf(holdOf(moved)).map((doc) => doc._id);
    await Promise.all([this.hold.release(current, kept, readAt), this.hold.unlock(current)]);
    return toBooking(moved);
  }
}
