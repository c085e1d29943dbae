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
import { holdOf, newBooking, type NewBooking } from './booking';
import { toBooking } from './booking.mapper';
import type { BookingDocument } from './booking.schema';
import { BookingsRepository } from './bookings.repository';
import { SlotHold } from './slot-hold';
import { SlotTermsClient, type SlotOf } from './slot-terms.client';

/**
 * Books a slot: the slot's terms (from booking's copy of the host's), the booking they make
 * (pure), then one insert of the time it holds and one insert of the booking with its event. The booking's id is the command's (or,
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
    const slot: SlotOf = eventTypeId ? { eventTypeId } : { hostId: hostId! };
    if (hostId) refuseOwn(actor, hostId, 'hostId');
    const expected = await this.terms.expected(slot, startTime);
    if (eventTypeId) refuseOwn(actor, expected.hostId, 'eventTypeId');
    const booked = await this.hold.aroundConfirmed(
      expected,
      (terms) => holdOf(newBooking(wanted, terms, now)),
      () => this.terms.confirmed(slot, startTime),
      (terms) => this.insert(newBooking(wanted, terms, now)),
      { repeated },
    );
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
    // The earlier run's booking may have moved or let go of its time since: keep only its own
    // (and no lock on a slot it no longer holds).
    const holds = holdsSlot(earlier.status);
    const kept = holds ? this.hold.documentsOf(holdOf(earlier)) : [];
    await Promise.all([
      this.hold.letGo(
        earlier._id,
        kept.map((doc) => doc._id),
      ),
      holds && earlier.startTime.getTime() === booking.startTime.getTime()
        ? undefined
        : this.hold.unlock(booking),
    ]);
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
