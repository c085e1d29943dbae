import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type Actor,
  type Booking,
  type CreateBookingCommand,
} from '@slotbook/contracts';
import { OutboxRelay, type Delivery } from '@slotbook/messaging';
import { IdempotencyService, requestHash } from '../idempotency/idempotency.service';
import { hasStarted, holdsSlot } from './booking-rules';
import { expectedRangeSlot, holdOf, newBooking, type NewBooking, type SlotTerms } from './booking';
import { toBooking } from './booking.mapper';
import type { BookingDocument } from './booking.schema';
import { BookingsRepository } from './bookings.repository';
import { SlotHold } from './slot-hold';
import { SlotTermsClient } from './slot-terms.client';

/**
 * Books a slot: the slot's terms, the booking they make (pure), then one insert of the time it
 * holds and one insert of the booking with its event. The booking's id is the command's (or,
 * with an Idempotency-Key, the first run's): the command run again finds its first run's time
 * as its own and answers the booking that run wrote.
 */
@Injectable()
export class CreateBookingHandler {
  constructor(
    private readonly terms: SlotTermsClient,
    private readonly hold: SlotHold,
    private readonly bookings: BookingsRepository,
    private readonly idempotency: IdempotencyService,
    private readonly relay: OutboxRelay,
  ) {}

  handle(command: CreateBookingCommand, { repeated }: Delivery = { repeated: false }) {
    const { actor, idempotencyKey, commandId } = command;
    if (!idempotencyKey) return this.create(command, commandId, repeated);
    const hash = requestHash({
      hostId: command.hostId ?? null,
      eventTypeId: command.eventTypeId ?? null,
      startTime: command.startTime.toISOString(),
      notes: command.notes ?? null,
    });
    return this.idempotency.run(actor.id, idempotencyKey, hash, commandId, (bookingId, resumed) =>
      this.create(command, bookingId, repeated || resumed),
    );
  }

  private async create(
    { actor, hostId, eventTypeId, startTime, notes, commandId }: CreateBookingCommand,
    id: string,
    repeated: boolean,
  ): Promise<Booking> {
    if (repeated) {
      const earlier = await this.bookings.findById(id);
      if (earlier) return toBooking(earlier);
    }
    const now = new Date();
    if (hasStarted(startTime, now)) {
      throw DomainError.validation('the slot has already started', [
        { path: 'startTime', message: 'has already started' },
      ]);
    }
    const wanted: NewBooking = { id, actor, startTime, notes: notes ?? null, commandId };
    if (eventTypeId) {
      const slot = await this.terms.ofEventType(eventTypeId, startTime);
      refuseOwn(actor, slot.hostId, 'eventTypeId');
      return this.write(newBooking(wanted, slot, now), repeated);
    }
    refuseOwn(actor, hostId!, 'hostId');
    return this.bookRange(wanted, hostId!, now, repeated);
  }

  /**
   * A range's slot is held first and confirmed by availability second, so that a range change
   * looking for held time after it stopped new bookings sees this one. If the slot turns out to
   * end elsewhere than the host's ranges said, the time is given back and held again once.
   */
  private async bookRange(
    wanted: NewBooking,
    hostId: string,
    now: Date,
    repeated: boolean,
  ): Promise<Booking> {
    let endTime = await this.terms.expectedRangeEnd(hostId, wanted.startTime);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const expected = expectedRangeSlot(hostId, endTime);
      let confirmed: SlotTerms | undefined;
      const booked = await this.hold.around(
        holdOf(newBooking(wanted, expected, now)),
        async () => {
          confirmed = await this.terms.ofRange(hostId, wanted.startTime);
          if (confirmed.endTime.getTime() !== expected.endTime.getTime()) return null;
          return this.insert(newBooking(wanted, confirmed, now));
        },
        { repeated },
      );
      if (booked) return booked;
      this.terms.forget(hostId);
      endTime = confirmed!.endTime;
    }
    throw new DomainError(ErrorCode.Unavailable, "the host's availability is changing; retry");
  }

  private async write(booking: BookingDocument, repeated: boolean): Promise<Booking> {
    const booked = await this.hold.around(holdOf(booking), () => this.insert(booking), {
      repeated,
    });
    return booked!;
  }

  /** Inserts the booking, or answers the one an earlier run of this command wrote. */
  private async insert(booking: BookingDocument): Promise<Booking> {
    if (await this.bookings.insert(booking)) {
      this.relay.kick({ recordId: booking._id, version: booking.version, events: booking.outbox });
      return toBooking(booking);
    }
    const earlier = await this.bookings.findById(booking._id);
    // Its id was buried: this run's time was reclaimed by someone who waited long enough.
    if (!earlier) {
      throw new DomainError(ErrorCode.Unavailable, 'the booking took too long to write; retry');
    }
    // The earlier run's booking may have moved or let go of its time since: keep only its own.
    const kept = holdsSlot(earlier.status) ? this.hold.documentsOf(holdOf(earlier)) : [];
    await this.hold.letGo(
      earlier._id,
      kept.map((doc) => doc._id),
    );
    return toBooking(earlier);
  }
}

function refuseOwn(actor: Actor, hostId: string, path: 'hostId' | 'eventTypeId'): void {
  if (hostId === actor.id) {
    throw DomainError.validation('you cannot book your own availability', [
      { path, message: 'is yours' },
    ]);
  }
}
