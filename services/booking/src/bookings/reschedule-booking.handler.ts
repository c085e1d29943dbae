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
import { expectedRangeSlot, holdOf, madeBy, movedTo, type SlotTerms } from './booking';
import { toBooking } from './booking.mapper';
import { BookingsRepository } from './bookings.repository';
import { BookingsService } from './bookings.service';
import { SlotHold } from './slot-hold';
import { SlotTermsClient } from './slot-terms.client';

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
    const current = await this.access.visible(actor, bookingId);
    if (madeBy(current, commandId)) return toBooking(current);
    this.access.assertMayAct(actor, current, 'reschedule');
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
    const write = (slot: SlotTerms) =>
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
            },
            actor.id,
          ),
        new Date(),
      );
    const holdOn = (slot: SlotTerms) =>
      holdOf({ ...current, ...movedTo(current, startTime, slot, commandId) });
    let moved;
    if (current.eventTypeId) {
      const slot = await this.terms.ofEventType(current.eventTypeId, startTime, { moving: true });
      moved = await this.hold.around(holdOn(slot), () => write(slot));
    } else {
      // As for a create: the range slot is held first and confirmed while held (see there).
      const { hostId } = current;
      const expected = expectedRangeSlot(
        hostId,
        await this.terms.expectedRangeEnd(hostId, startTime),
      );
      moved = await this.hold.around(holdOn(expected), async () => {
        const slot = await this.terms.ofRange(hostId, startTime);
        if (slot.endTime.getTime() === expected.endTime.getTime()) return write(slot);
        this.terms.forget(hostId);
        return null;
      });
    }
    // The booking changed since it was read, or availability said otherwise: decide again.
    if (!moved) return LOST_RACE;
    await this.hold.letGo(
      bookingId,
      this.hold.documentsOf(holdOf(moved)).map((doc) => doc._id),
    );
    return toBooking(moved);
  }
}
