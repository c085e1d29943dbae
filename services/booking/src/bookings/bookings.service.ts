import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  BOOKING_EXCHANGE,
  BookingEvent,
  DomainError,
  ErrorCode,
  type Actor,
  type Booking,
  type BookingActionCommand,
  type CancelBookingCommand,
  type CreateBookingCommand,
  type HeldSlot,
  type ListBookingsCommand,
  type BusyTime,
  type ListBusyTimeCommand,
  type ListHeldSlotsCommand,
  type Page,
  type RescheduleBookingCommand,
} from '@slotbook/contracts';
import { OutboxRelay, newEvent, type Delivery } from '@slotbook/messaging';
import { LOST_RACE, RecordChanges, initialOutbox } from '@slotbook/persistence';
import { NO_BUFFERS, occupiedBy, type Buffers, type Interval } from '@slotbook/scheduling';
import { IdempotencyService, requestHash } from '../idempotency/idempotency.service';
import {
  canCompleteAt,
  canSee,
  hasStarted,
  isAllowed,
  mayAct,
  nextStatus,
  slotKey,
  statusOnSlot,
  type BookingAction,
  type StatusAction,
} from './booking-rules';
import { toBooking, type BookingFields } from './booking.mapper';
import type { BookingDocument } from './booking.schema';
import { BookingsRepository, type BookingChanges } from './bookings.repository';
import { ScheduleClient } from './schedule.client';
import { SLOT_TAKEN, SlotClaimRepository } from './slot-claim.repository';
import { SlotLock, type SlotLockResult } from './slot-lock';

@Injectable()
export class BookingsService {
  private readonly logger = new Logger(BookingsService.name);

  constructor(
    private readonly bookings: BookingsRepository,
    private readonly claims: SlotClaimRepository,
    private readonly schedule: ScheduleClient,
    private readonly idempotency: IdempotencyService,
    @Inject(SlotLock) private readonly lock: SlotLock,
    private readonly relay: OutboxRelay,
    private readonly changes: RecordChanges,
  ) {}

  create(
    command: CreateBookingCommand,
    delivery: Delivery = { repeated: false },
  ): Promise<Booking> {
    const { actor, idempotencyKey } = command;
    if (!idempotencyKey) return this.createOnce(command, delivery);
    const hash = requestHash({
      hostId: command.hostId ?? null,
      eventTypeId: command.eventTypeId ?? null,
      startTime: command.startTime.toISOString(),
      notes: command.notes ?? null,
    });
    return this.idempotency.run(actor.id, idempotencyKey, hash, () =>
      this.createOnce(command, delivery),
    );
  }

  /**
   * Check-and-write under the slot lock; the claim and its cells are the guarantee. For a
   * range, order matters: the claim is in place *before* availability confirms the slot, so a
   * range change that looks for held slots after that confirmation always sees this booking
   * (and refuses). An event type's slot is confirmed first (that names its host), since
   * schedule changes never touch bookings (SPEC §4a).
   *
   * The booking's id is the command's: the same command run again (redelivered after a replica
   * died, sent again by the gateway after a broker drop) finds the claim its first run holds and
   * carries on with it, and answers the first run's booking once that is written.
   */
  private async createOnce(
    { actor, hostId: rangeHostId, eventTypeId, startTime, notes, commandId }: CreateBookingCommand,
    { repeated }: Delivery,
  ): Promise<Booking> {
    const now = new Date();
    assertNotStarted(startTime, now);
    const known = eventTypeId ? await this.eventTypeSlot(eventTypeId, startTime) : null;
    const hostId = known?.hostId ?? rangeHostId!;
    if (hostId === actor.id) {
      const path = eventTypeId ? 'eventTypeId' : 'hostId';
      throw DomainError.validation('you cannot book your own availability', [
        { path, message: 'is yours' },
      ]);
    }
    const bookingId = commandId;
    let earlier: BookingDocument | null = null;
    let inserted = false;
    const booking = await this.withSlot(
      hostId,
      startTime,
      bookingId,
      known?.terms ?? null,
      async (slot, claimId) => {
        const fields: BookingFields = {
          _id: bookingId,
          hostId,
          userId: actor.id,
          startTime,
          endTime: slot.endTime,
          status: statusOnSlot(slot.requiresConfirmation),
          notes: notes ?? null,
          cancellationReason: null,
          claimId,
          rangeId: slot.rangeId,
          eventTypeId: slot.eventTypeId,
          ...slot.buffers,
          createdAt: now,
          updatedAt: now,
        };
        const doc: BookingDocument = {
          ...fields,
          ...initialOutbox([
            newEvent(
              BOOKING_EXCHANGE,
              BookingEvent.BookingCreated,
              toBooking(fields),
              actor.id,
              now,
            ),
          ]),
        };
        if (await this.bookings.insert(doc)) {
          inserted = true;
          return doc;
        }
        // Another run of this command wrote the booking first; or the sweeper buried its id.
        const existing = await this.bookings.findById(bookingId);
        if (!existing) {
          throw new DomainError(ErrorCode.Unavailable, 'the booking took too long to write; retry');
        }
        if (existing.claimId === claimId) return existing;
        // Written long ago, on a claim since let go of: the claim this run made is not needed.
        earlier = existing;
        return LOST_RACE;
      },
      { ownClaims: true, repeated },
    );
    if (booking === LOST_RACE) return toBooking(earlier!);
    // What an earlier run wrote is that run's (or the timed pass's) to relay.
    if (inserted) {
      this.relay.kick({ recordId: booking._id, version: booking.version, events: booking.outbox });
    }
    return toBooking(booking);
  }

  async list({ actor, query }: ListBookingsCommand): Promise<Page<Booking>> {
    return this.bookings.list(actor, query);
  }

  async get({ actor, bookingId }: BookingActionCommand): Promise<Booking> {
    return toBooking(await this.visible(actor, bookingId));
  }

  confirm(command: BookingActionCommand): Promise<Booking> {
    return this.transition(command, 'confirm', BookingEvent.BookingConfirmed);
  }

  async complete(command: BookingActionCommand): Promise<Booking> {
    return this.transition(command, 'complete', BookingEvent.BookingCompleted, (current) => {
      if (!canCompleteAt(current.endTime, new Date())) {
        throw new DomainError(
          ErrorCode.InvalidTransition,
          'a booking can be completed only after its slot has ended',
        );
      }
    });
  }

  async cancel(command: CancelBookingCommand): Promise<Booking> {
    const reason = command.reason ?? null;
    const updated = await this.transition(
      command,
      'cancel',
      BookingEvent.BookingCancelled,
      undefined,
      { cancellationReason: reason },
      { reason },
    );
    return updated;
  }

  reschedule(command: RescheduleBookingCommand): Promise<Booking> {
    return this.changes.of(() => this.move(command));
  }

  /**
   * Holds the new slot first, then moves the booking onto it by compare-and-set, then frees the
   * old one: either both happen or neither. The old claim is marked for the sweeper before the
   * booking lets go of it; see ClaimSweeper for why this needs no lock. The booking takes the
   * status the new slot gives (a range that requires confirmation makes it pending again).
   */
  private async move({
    actor,
    bookingId,
    startTime,
  }: RescheduleBookingCommand): Promise<Booking | typeof LOST_RACE> {
    const current = await this.actionable(actor, bookingId, 'reschedule');
    const now = new Date();
    if (hasStarted(current.startTime, now)) {
      throw new DomainError(
        ErrorCode.InvalidTransition,
        'a booking that has started cannot be rescheduled',
      );
    }
    assertNotStarted(startTime, now);
    if (startTime.getTime() === current.startTime.getTime()) {
      throw DomainError.validation('the booking is already at this time', [
        { path: 'startTime', message: 'is the current start' },
      ]);
    }
    const known = current.eventTypeId
      ? await this.eventTypeSlot(current.eventTypeId, startTime, { moving: true })
      : null;
    const updated = await this.withSlot(
      current.hostId,
      startTime,
      current._id,
      known?.terms ?? null,
      async (slot, claimId) => {
        await this.claims.markForCheck(current.claimId);
        const changes: BookingChanges = {
          startTime,
          endTime: slot.endTime,
          status: statusOnSlot(slot.requiresConfirmation),
          claimId,
          rangeId: slot.rangeId,
          ...slot.buffers,
        };
        const doc = await this.bookings.change(
          current,
          changes,
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
        return doc ?? LOST_RACE;
      },
    );
    if (updated === LOST_RACE) return LOST_RACE;
    await this.letGo(current.claimId, current.hostId);
    return toBooking(updated);
  }

  async heldSlots({ hostId, from, to }: ListHeldSlotsCommand): Promise<{ data: HeldSlot[] }> {
    return { data: await this.claims.held(hostId, from, to) };
  }

  async busyTime({ hostId, from, to }: ListBusyTimeCommand): Promise<BusyTime> {
    return { busy: await this.claims.busy(hostId, from, to) };
  }

  /**
   * Runs `write` while holding the slot: lock (best effort), claim, confirm with availability
   * (for a range; an event type's slot comes `known`), hold the cells of its occupied time (the
   * guarantee), write the booking. If anything after the claim fails, or the write lost its
   * compare-and-set (nothing was written), the claim is given back; once the booking holds the
   * claim, the claim is settled (with the slot's end and occupied time) so the sweeper need not
   * look at it.
   *
   * With `ownClaims` (create only), a slot already claimed for `bookingId` is an earlier run of
   * the same command: this run carries on with that claim. A `repeated` command (one that may
   * have run before) takes no lock, so that its own first run's lock cannot refuse it; a first
   * run still loses a hot race without touching the database. A claim carried on with is never
   * given back, not even when this run's write lost (it may be a stalled reschedule's claim of
   * the same booking): the run that made it may still be writing, and the sweeper judges it if
   * need be. A reschedule never carries on with a claim: the sweeper relies on a claim reaching
   * a booking only through the attempt that inserted it.
   */
  private async withSlot<T>(
    hostId: string,
    startTime: Date,
    bookingId: string,
    known: SlotTerms | null,
    write: (slot: SlotTerms, claimId: string) => Promise<T>,
    { ownClaims = false, repeated = false } = {},
  ): Promise<T> {
    // A command that may have run before goes straight to the index: the lock may be held by
    // its own first run (alive, or dead until the lock expires).
    const lock: SlotLockResult = repeated
      ? { kind: 'unavailable' }
      : await this.lock.acquire(slotKey(hostId, startTime));
    if (lock.kind === 'contended') {
      // Someone is booking this very slot right now; the index would refuse us anyway.
      throw new DomainError(ErrorCode.SlotTaken, SLOT_TAKEN);
    }
    let claimId: string;
    let adopted = false;
    let slot: SlotTerms;
    let written: T;
    try {
      // Claim first, confirm second: see createOnce for why the order matters.
      try {
        claimId = await this.claims.claim(hostId, startTime, bookingId, {
          eventTypeId: known?.eventTypeId ?? null,
          occupied: known ? occupiedTime(startTime, known) : null,
        });
      } catch (error) {
        const own = ownClaims && isSlotTaken(error);
        const earlier = own ? await this.claims.heldBy(hostId, startTime, bookingId) : null;
        if (!earlier) throw error;
        claimId = earlier;
        adopted = true;
      }
      try {
        slot = known ?? (await this.rangeSlot(hostId, startTime));
        await this.claims.occupy(claimId, hostId, occupiedTime(startTime, slot));
        written = await write(slot, claimId);
      } catch (error) {
        if (!adopted) await this.giveBack(claimId, hostId, bookingId, error);
        throw error;
      }
      if (written === LOST_RACE) {
        if (!adopted) await this.claims.release(claimId, hostId);
        return written;
      }
    } finally {
      if (lock.kind === 'held') await lock.release();
    }
    await this.settle(claimId, hostId, slot.endTime, occupiedTime(startTime, slot));
    return written;
  }

  /**
   * Frees the claim a written change let go of, right away. The claim was marked before the
   * write, so if this delete is lost the sweeper frees it shortly after: the change stands.
   */
  private async letGo(claimId: string, hostId: string): Promise<void> {
    try {
      await this.claims.release(claimId, hostId);
    } catch (error) {
      this.logger.warn(
        { err: error, claimId },
        'could not free a claim let go of; the sweeper will',
      );
    }
  }

  /** A claim inserted pending and never marked since: its booking holds it now. */
  private async settle(
    claimId: string,
    hostId: string,
    endTime: Date,
    occupied: Interval,
  ): Promise<void> {
    try {
      await this.claims.settle(claimId, hostId, 0, endTime, occupied);
    } catch (error) {
      this.logger.warn({ err: error, claimId }, 'could not settle a held claim; the sweeper will');
    }
  }

  /**
   * Frees a claim after a failure, unless the failure may have come after the booking was
   * written: a write that succeeded but reported an error must keep its slot. A typed refusal
   * means nothing was written; otherwise the booking is read back, and when even that fails
   * the claim is left to the sweeper, which decides from what is in the database.
   */
  private async giveBack(
    claimId: string,
    hostId: string,
    bookingId: string,
    cause: unknown,
  ): Promise<void> {
    try {
      if (!(cause instanceof DomainError)) {
        const booking = await this.bookings.findById(bookingId);
        if (booking?.claimId === claimId) return;
      }
      await this.claims.release(claimId, hostId);
    } catch (error) {
      this.logger.error(
        { err: error, claimId },
        'could not settle a claim after a failure; the sweeper will',
      );
    }
  }

  /** The range slot at `startTime`, as availability confirms it (422, or 404 for no such host). */
  private async rangeSlot(hostId: string, startTime: Date): Promise<SlotTerms> {
    try {
      const slot = await this.schedule.verifySlot(hostId, startTime);
      return {
        endTime: new Date(slot.endTime),
        requiresConfirmation: slot.requiresConfirmation,
        rangeId: slot.rangeId,
        eventTypeId: null,
        buffers: NO_BUFFERS,
      };
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.ValidationFailed) {
        // Not a slot: say 404 if the host itself does not exist.
        await this.schedule.requireHost(hostId);
      }
      throw error;
    }
  }

  /**
   * The event type's slot at `startTime` and its host. Moving a booking of an event type that
   * has since been deleted is an illegal transition (409), not an unknown record.
   */
  private async eventTypeSlot(
    eventTypeId: string,
    startTime: Date,
    { moving = false } = {},
  ): Promise<{ hostId: string; terms: SlotTerms }> {
    try {
      const slot = await this.schedule.verifyEventTypeSlot(eventTypeId, startTime);
      return {
        hostId: slot.hostId,
        terms: {
          endTime: new Date(slot.endTime),
          requiresConfirmation: slot.requiresConfirmation,
          rangeId: null,
          eventTypeId,
          buffers: { bufferBefore: slot.bufferBefore, bufferAfter: slot.bufferAfter },
        },
      };
    } catch (error) {
      if (moving && error instanceof DomainError && error.code === ErrorCode.NotFound) {
        throw new DomainError(
          ErrorCode.InvalidTransition,
          "the booking's event type no longer exists or cannot be booked",
        );
      }
      throw error;
    }
  }

  private transition(
    command: BookingActionCommand,
    action: StatusAction,
    eventType: string,
    precondition?: (current: BookingDocument) => void,
    extraChanges: BookingChanges = {},
    eventExtras: Record<string, unknown> = {},
  ): Promise<Booking> {
    return this.changes.of(() =>
      this.applyTransition(command, action, eventType, precondition, extraChanges, eventExtras),
    );
  }

  private async applyTransition(
    { actor, bookingId }: BookingActionCommand,
    action: StatusAction,
    eventType: string,
    precondition?: (current: BookingDocument) => void,
    extraChanges: BookingChanges = {},
    eventExtras: Record<string, unknown> = {},
  ): Promise<Booking | typeof LOST_RACE> {
    const current = await this.actionable(actor, bookingId, action);
    precondition?.(current);
    // Marked before the booking lets go of it, so a crash right after the write leaves a
    // claim the sweeper frees.
    if (action === 'cancel') await this.claims.markForCheck(current.claimId);
    const status = nextStatus(current.status, action)!;
    const updated = await this.bookings.change(
      current,
      { status, ...extraChanges },
      (record) => newEvent(BOOKING_EXCHANGE, eventType, { ...record, ...eventExtras }, actor.id),
      new Date(),
    );
    if (!updated) return LOST_RACE;
    if (action === 'cancel') await this.letGo(current.claimId, current.hostId);
    return toBooking(updated);
  }

  private async visible(actor: Actor, bookingId: string): Promise<BookingDocument> {
    const booking = await this.bookings.findById(bookingId);
    if (!booking || !canSee(actor, booking)) throw DomainError.notFound('booking');
    return booking;
  }

  private async actionable(
    actor: Actor,
    bookingId: string,
    action: BookingAction,
  ): Promise<BookingDocument> {
    const booking = await this.visible(actor, bookingId);
    if (!mayAct(actor, booking, action)) {
      throw new DomainError(
        ErrorCode.Forbidden,
        `only the booking's ${action === 'confirm' || action === 'complete' ? 'host' : 'guest or host'} may ${action} it`,
      );
    }
    if (!isAllowed(booking.status, action)) {
      throw new DomainError(
        ErrorCode.InvalidTransition,
        `a ${booking.status} booking cannot be ${pastTense(action)}`,
      );
    }
    return booking;
  }
}

/** What availability says of a slot: where it ends, the status it gives, what it occupies. */
interface SlotTerms {
  endTime: Date;
  requiresConfirmation: boolean;
  rangeId: string | null;
  eventTypeId: string | null;
  buffers: Buffers;
}

function occupiedTime(startTime: Date, slot: Pick<SlotTerms, 'endTime' | 'buffers'>): Interval {
  return occupiedBy({ start: startTime.getTime(), end: slot.endTime.getTime() }, slot.buffers);
}

function isSlotTaken(error: unknown): boolean {
  return error instanceof DomainError && error.code === ErrorCode.SlotTaken;
}

/** 422 for a slot that has started: it can be neither booked nor moved onto. */
function assertNotStarted(startTime: Date, now: Date): void {
  if (hasStarted(startTime, now)) {
    throw DomainError.validation('the slot has already started', [
      { path: 'startTime', message: 'has already started' },
    ]);
  }
}

function pastTense(action: BookingAction): string {
  return {
    confirm: 'confirmed',
    cancel: 'cancelled',
    complete: 'completed',
    reschedule: 'rescheduled',
  }[action];
}
