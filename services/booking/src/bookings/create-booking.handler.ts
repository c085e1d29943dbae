import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  type Booking,
  type BookingActor,
  type CreateBookingCommand,
} from '@slotbook/contracts';
import { OutboxRelay, type Delivery } from '@slotbook/messaging';
import { snapshotOf } from '@slotbook/persistence';
import { hasStarted, holdsSlot } from './booking-rules';
import { holdOf, newBooking, type NewBooking } from './booking';
import { toBooking } from './booking.mapper';
import type { BookingDocument } from './booking.schema';
import { BookingsRepository, isBooking } from './bookings.repository';
import { SlotHold } from './slot-hold';
import { SlotTermsClient, type SlotOf } from './slot-terms.client';
import { DAY_MS } from '@slotbook/scheduling';

/** How long an `Idempotency-Key` answers what its first run did (SPEC §5). */
export const IDEMPOTENCY_WINDOW_MS = DAY_MS;
/** How many ids one key may go through (see {@link keyedId}) before it is refused. */
const KEY_IDS = 16;

/**
 * The id of the booking a keyed create makes: a function of the user, the key and how many
 * ids the key has gone through. The booking, or the refusal kept in its place, is then the
 * key's record: a run of the key meets its first run's in the `_id` index, at no write of its
 * own. A key goes on to its next id when the one it has is buried (its first run never wrote
 * its booking and was fenced off) or older than the window. Shaped as a UUID (version 5).
 */
export function keyedId(userId: string, key: string, next = 0): string {
  const hex = createHash('sha256').update(`${userId}|${key}|${next}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function requestHash(command: CreateBookingCommand): string {
  const asked = {
    hostId: command.hostId ?? null,
    eventTypeId: command.eventTypeId ?? null,
    startTime: command.startTime.toISOString(),
    notes: command.notes ?? null,
    // Only when given, so a member's key keeps the hash it had before guests and questions.
    ...(command.responses === undefined ? {} : { responses: command.responses }),
    ...(command.guest === undefined ? {} : { guest: command.guest }),
  };
  return createHash('sha256').update(JSON.stringify(asked)).digest('hex');
}

/**
 * The id a run works on is not (or no longer) its key's: the key goes on to its next id. A
 * DomainError, so that SlotHold gives back the time the run took under that id.
 */
class KeyMovesOn extends DomainError {
  constructor() {
    super(ErrorCode.Unavailable, 'the booking took too long to write; retry');
  }
}

/** A typed refusal: an answer to replay, unlike a failure of the platform (503). */
function isRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError && error.code !== ErrorCode.Unavailable;
}

/**
 * Books a slot: the slot's terms (from booking's copy of the host's), the booking they make
 * (pure), then one insert of the time it holds and one insert of the booking with its event.
 * The booking's id is the command's, or with an `Idempotency-Key` the key's ({@link keyedId}):
 * a command or a key run again finds its first run's time as its own and answers the booking
 * that run wrote.
 */
@Injectable()
export class CreateBookingHandler {
  constructor(
    private readonly terms: SlotTermsClient,
    private readonly hold: SlotHold,
    private readonly bookings: BookingsRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async handle(command: CreateBookingCommand, { repeated }: Delivery = { repeated: false }) {
    const { actor, idempotencyKey, commandId } = command;
    if (!idempotencyKey) return this.create(command, commandId, repeated);
    const hash = requestHash(command);
    for (let next = 0; next < KEY_IDS; next += 1) {
      try {
        return await this.keyed(command, keyedId(actor.id, idempotencyKey, next), hash, repeated);
      } catch (error) {
        if (!(error instanceof KeyMovesOn)) throw error;
      }
    }
    throw DomainError.validation('the Idempotency-Key was used too many times; use a new one', [
      { path: 'Idempotency-Key', message: 'was used too many times' },
    ]);
  }

  /**
   * A keyed create on the key's current id. A refusal is an answer too: unless the key's
   * record (a booking, or an earlier refusal) answers first, it is kept under that id, where
   * the key's next run meets it.
   */
  private async keyed(
    command: CreateBookingCommand,
    id: string,
    hash: string,
    repeated: boolean,
  ): Promise<Booking> {
    try {
      return await this.create(command, id, repeated, hash);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const first = await this.firstAnswer(id, hash);
      if (first) return first;
      const reply = error.toBusError();
      if (
        await this.bookings.refuse({ _id: id, requestHash: hash, reply, refusedAt: new Date() })
      ) {
        throw error;
      }
      // Another run of the key answered first, just now.
      const answer = await this.firstAnswer(id, hash);
      if (!answer) throw error;
      return answer;
    }
  }

  /** The answer of the record under `id` (see {@link firstRecord}): a keyed create's first. */
  private async firstAnswer(id: string, hash?: string): Promise<Booking | null> {
    const record = await this.firstRecord(id, hash);
    return record && answerOf(record);
  }

  /**
   * The booking an earlier run wrote under `id`; of a keyed create (`hash` given), a refusal
   * replayed, 422 for another request with the same key, or {@link KeyMovesOn} when the id is
   * no longer the key's. Null when the id holds nothing yet. A buried id is never a booking.
   */
  private async firstRecord(id: string, hash?: string): Promise<BookingDocument | null> {
    const record = await this.bookings.findRecord(id);
    if (!record) return null;
    if (record.status === 'abandoned') throw new KeyMovesOn();
    if (hash === undefined) return isBooking(record) ? record : null;
    const madeAt = isBooking(record) ? record.createdAt : record.refusedAt;
    if (madeAt.getTime() < Date.now() - IDEMPOTENCY_WINDOW_MS) throw new KeyMovesOn();
    if (record.requestHash !== hash) {
      throw DomainError.validation(
        'the Idempotency-Key was already used with a different request',
        [{ path: 'Idempotency-Key', message: 'was already used with a different request body' }],
      );
    }
    if (!isBooking(record)) throw DomainError.fromBusError(record.reply);
    return record;
  }

  /** Books as {@link book}; to a guest, an event type that does not exist is one they may not book (401). */
  private async create(
    command: CreateBookingCommand,
    id: string,
    repeated: boolean,
    requestHash?: string,
  ): Promise<Booking> {
    try {
      return await this.book(command, id, repeated, requestHash);
    } catch (error) {
      if (
        command.actor.role === 'GUEST' &&
        error instanceof DomainError &&
        error.code === ErrorCode.NotFound
      ) {
        throw new DomainError(
          ErrorCode.Unauthorized,
          'only a public event type can be booked without an account',
        );
      }
      throw error;
    }
  }

  private async book(
    {
      actor,
      guest,
      responses,
      hostId,
      eventTypeId,
      startTime,
      notes,
      commandId,
    }: CreateBookingCommand,
    id: string,
    repeated: boolean,
    requestHash?: string,
  ): Promise<Booking> {
    if (repeated) {
      const earlier = await this.firstAnswer(id, requestHash);
      if (earlier) return earlier;
    }
    const now = new Date();
    if (hasStarted(startTime, now)) {
      throw DomainError.validation('the slot has already started', [
        { path: 'startTime', message: 'has already started' },
      ]);
    }
    const wanted: NewBooking = {
      id,
      actor,
      guest,
      responses,
      startTime,
      notes: notes ?? null,
      commandId,
      ...(requestHash === undefined ? {} : { requestHash }),
    };
    const slot: SlotOf = eventTypeId ? { eventTypeId } : { hostId: hostId! };
    if (hostId) refuseOwn(actor, hostId, 'hostId');
    const expected = await this.terms.expected(slot, startTime);
    if (eventTypeId) refuseOwn(actor, expected.hostId, 'eventTypeId');
    try {
      const booked = await this.hold.aroundConfirmed(
        expected,
        (terms) => holdOf(newBooking(wanted, terms, now), terms.seatsPerSlot),
        () => this.terms.confirmed(slot, startTime),
        (terms, seatsHeld) => this.insert(newBooking(wanted, terms, now, seatsHeld)),
        { repeated },
      );
      return booked!;
    } catch (error) {
      if (error instanceof Answered) return error.booking;
      throw error;
    }
  }

  /**
   * Inserts the booking, or answers the one an earlier run of this command (or key) wrote. Then
   * the time this run took goes back (it is not that booking's: {@link Answered}), and the lock
   * too unless that booking holds this slot.
   */
  private async insert(booking: BookingDocument): Promise<Booking> {
    if (await this.bookings.insert(booking)) {
      this.relay.kick(snapshotOf(booking));
      return answerOf(booking);
    }
    // Refused, replayed or buried: SlotHold gives back the time this run took.
    const earlier = await this.firstRecord(booking._id, booking.requestHash);
    // Gone between the insert and the read: nothing deletes a booking; fail safe.
    if (!earlier) throw new KeyMovesOn();
    const holdsThisSlot =
      holdsSlot(earlier.status) && earlier.startTime.getTime() === booking.startTime.getTime();
    if (!holdsThisSlot) await this.hold.unlock(booking);
    throw new Answered(answerOf(earlier), holdsThisSlot);
  }
}

/**
 * An earlier run's booking answers this run, thrown through SlotHold so that the time this
 * run inserted goes back (time that booking holds was found, not inserted, so it stays). A
 * seat is the booking's whichever run took it: kept when that booking holds this slot.
 */
class Answered extends DomainError {
  constructor(
    readonly booking: Booking,
    readonly keepsSeat: boolean,
  ) {
    super(ErrorCode.Conflict, 'answered by an earlier run');
  }
}

/** What a create answers for a booking: a keyed create's first answer, kept with it. */
function answerOf(booking: BookingDocument): Booking {
  return booking.reply ?? toBooking(booking);
}

function refuseOwn(actor: BookingActor, hostId: string, path: 'hostId' | 'eventTypeId'): void {
  if (actor.role !== 'GUEST' && hostId === actor.id) {
    throw DomainError.validation('you cannot book your own availability', [
      { path, message: 'is yours' },
    ]);
  }
}
