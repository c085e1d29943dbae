import { Injectable } from '@nestjs/common';
import {
  BOOKING_EXCHANGE,
  BookingEvent,
  DomainError,
  ErrorCode,
  type Booking,
  type BookingActor,
  type BookingWithEventType,
  type TermsEventType,
  type BusyTime,
  type CancelBookingCommand,
  type ChangeBookingCommand,
  type BookingActionCommand,
  type HeldSlot,
  type ListBookingsCommand,
  type ListBusyTimeCommand,
  type ListHeldSlotsCommand,
  type Page,
  type SeatedSlot,
  type AttendeeList,
  type ListAttendeesCommand,
} from '@slotbook/contracts';
import { newEvent } from '@slotbook/messaging';
import { LOST_RACE, RecordChanges } from '@slotbook/persistence';
import {
  canCompleteAt,
  canMarkNoShowAt,
  canSee,
  hostMonthsTouched,
  insideCancelNotice,
  isAllowed,
  isGuestOf,
  headHoldsTime,
  keepsTime,
  mayAct,
  nextStatus,
  sequenceAfter,
  type BookingAction,
  type StatusAction,
} from './booking-rules';
import { madeBy, occupiedTime, remembering } from './booking';
import { toBooking } from './booking.mapper';
import type { BookingDocument } from './booking.schema';
import { BookingsRepository, type BookingChanges } from './bookings.repository';
import { isGroup } from './seat-hold';
import { SlotHold } from './slot-hold';
import { HOLD_GRACE_MS } from './slot-hold.timing';
import { SlotTermsClient } from './slot-terms.client';

/**
 * Reads, and the changes of a booking's status: each is one compare-and-set of the booking
 * with its event (a cancel then lets go of the booking's time). A change carries its command's
 * id into the booking, so the same command run again answers the booking instead of refusing
 * what it already did.
 */
@Injectable()
export class BookingsService {
  constructor(
    private readonly bookings: BookingsRepository,
    private readonly hold: SlotHold,
    private readonly changes: RecordChanges,
    private readonly terms: SlotTermsClient,
  ) {}

  list({ actor, query }: ListBookingsCommand): Promise<Page<Booking>> {
    return this.bookings.list(actor, query);
  }

  async get({ actor, bookingId }: BookingActionCommand): Promise<Booking> {
    return toBooking(await this.visible(actor, bookingId));
  }

  /** The booking with its event type as it is now (null for a range slot, or once deleted). */
  async getWithEventType({
    actor,
    bookingId,
  }: BookingActionCommand): Promise<BookingWithEventType> {
    const booking = await this.visible(actor, bookingId);
    const [withEventType] = await this.withEventTypes(booking.hostId, [toBooking(booking)]);
    return withEventType!;
  }

  /** Bookings of one host, each with its event type as it is now (one read of the terms). */
  async withEventTypes(hostId: string, bookings: Booking[]): Promise<BookingWithEventType[]> {
    const eventTypes = bookings.some((booking) => booking.eventTypeId !== null)
      ? await this.terms.eventTypesOf(hostId)
      : new Map<string, TermsEventType>();
    return bookings.map((booking) => {
      const eventType = booking.eventTypeId ? eventTypes.get(booking.eventTypeId) : undefined;
      return {
        ...booking,
        eventType: eventType
          ? {
              id: eventType.id,
              title: eventType.title,
              duration: eventType.duration,
              minimumCancelNotice: eventType.minimumCancelNotice,
            }
          : null,
      };
    });
  }

  /**
   * 422 when `actor` is the booking's guest (a member or not) and it starts inside its event
   * type's cancel notice, as the host's terms have it now. Its host and ADMINs are never held.
   */
  async assertCancelNotice(actor: BookingActor, booking: BookingDocument): Promise<void> {
    if (!isGuestOf(actor, booking) || booking.eventTypeId === null) return;
    const eventTypes = await this.terms.eventTypesOf(booking.hostId);
    const notice = eventTypes.get(booking.eventTypeId)?.minimumCancelNotice ?? 0;
    if (insideCancelNotice(booking.startTime, notice, new Date())) {
      throw DomainError.validation(
        `the booking starts in less than its cancel notice of ${notice} minutes; ask the host`,
      );
    }
  }

  confirm(command: ChangeBookingCommand): Promise<Booking> {
    return this.transition(command, 'confirm', BookingEvent.BookingConfirmed);
  }

  complete(command: ChangeBookingCommand): Promise<Booking> {
    return this.transition(command, 'complete', BookingEvent.BookingCompleted, {
      precondition: (current) => {
        if (!canCompleteAt(current.endTime, new Date())) {
          throw new DomainError(
            ErrorCode.InvalidTransition,
            'a booking can be completed only after its slot has ended',
          );
        }
      },
    });
  }

  /** The guest did not come: the booking's time stays taken (it has started). */
  markNoShow(command: ChangeBookingCommand): Promise<Booking> {
    return this.transition(command, 'no-show', BookingEvent.BookingNoShow, {
      precondition: (current) => {
        if (!canMarkNoShowAt(current.startTime, new Date())) {
          throw new DomainError(
            ErrorCode.InvalidTransition,
            'a booking can be marked as a no-show only once its slot has started',
          );
        }
      },
    });
  }

  async cancel(command: CancelBookingCommand): Promise<Booking> {
    const reason = command.reason ?? null;
    const eventExtras: Record<string, unknown> = { reason };
    let before: BookingDocument | null = null;
    const cancelled = await this.transition(command, 'cancel', BookingEvent.BookingCancelled, {
      precondition: async (current) => {
        before = current;
        await this.assertCancelNotice(command.actor, current);
        if (current.seated) eventExtras.seatsLeft = await this.seatsLeftWithout(current);
      },
      changes: { cancellationReason: reason },
      eventExtras,
    });
    // A run again of a cancel that is done finds no precondition to ask: read what it let go.
    const released = before ?? (await this.bookings.findById(cancelled.id));
    await Promise.all([
      released && this.hold.release(released),
      this.hold.unlock({ hostId: cancelled.hostId, startTime: new Date(cancelled.startTime) }),
    ]);
    return cancelled;
  }

  /** The seats a group slot will have left once `booking` lets go of its seat. */
  private async seatsLeftWithout(booking: BookingDocument): Promise<number> {
    const [eventTypes, held] = await Promise.all([
      this.terms.eventTypesOf(booking.hostId),
      this.hold.seatsHeld(booking),
    ]);
    const seats = eventTypes.get(booking.eventTypeId ?? '')?.seatsPerSlot ?? 1;
    return Math.max(0, seats - Math.max(0, held - 1));
  }

  /**
   * Slots held in `[from, to)` by an active booking, or by one being made or moved right now
   * (its time held, its record not written there yet): a range change must see both. Time held
   * longer than the grace by no booking standing on it is a leftover, which holds nothing.
   */
  async heldSlots({ hostId, from, to }: ListHeldSlotsCommand): Promise<{ data: HeldSlot[] }> {
    const now = Date.now();
    const months = await Promise.all(
      hostMonthsTouched(hostId, from, to).map(async (month) => {
        const [heads, bookings] = await Promise.all([
          this.hold.headsIn(month),
          this.bookings.inMonth(month),
        ]);
        const byId = new Map(bookings.map((booking) => [booking._id, booking]));
        return heads.filter((head) => {
          // A group slot holds its time while any seat is held or being taken.
          if (isGroup(head.bookingId)) return (head.seats ?? 0) > 0;
          return headHoldsTime(head, byId.get(head.bookingId), now, HOLD_GRACE_MS);
        });
      }),
    );
    return {
      data: months
        .flat()
        .filter((head) => head.startTime >= from && head.startTime < to)
        .sort((a, b) => a.startTime.getTime() - b.startTime.getTime())
        .map((head) => ({
          startTime: head.startTime.toISOString(),
          endTime: head.endTime.toISOString(),
          occupiedFrom: head.occupiedFrom.toISOString(),
          occupiedUntil: head.occupiedUntil.toISOString(),
          eventTypeId: head.eventTypeId ?? null,
          ...(isGroup(head.bookingId) ? { seats: head.seats ?? 0 } : {}),
        })),
    };
  }

  /**
   * The occupied time of active bookings starting in `[from, to)`, one lookup per month; the
   * bookings holding seats of group slots as one entry per slot, with its seats held.
   */
  async busyTime({ hostId, from, to }: ListBusyTimeCommand): Promise<BusyTime> {
    const months = await Promise.all(
      hostMonthsTouched(hostId, from, to).map((month) => this.bookings.inMonth(month)),
    );
    const active = months
      .flat()
      .filter((b) => keepsTime(b.status) && b.startTime >= from && b.startTime < to)
      .sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const busy: number[] = [];
    const groups = new Map<string, SeatedSlot>();
    for (const booking of active) {
      const { start, end } = occupiedTime(booking);
      if (!booking.seated) {
        busy.push(start, end);
        continue;
      }
      const key = `${booking.eventTypeId}|${booking.startTime.getTime()}`;
      const group = groups.get(key);
      if (group) group.seats += 1;
      else {
        groups.set(key, {
          eventTypeId: booking.eventTypeId!,
          start: booking.startTime.getTime(),
          from: start,
          until: end,
          seats: 1,
        });
      }
    }
    return groups.size === 0 ? { busy } : { busy, seated: [...groups.values()] };
  }

  /** Who holds the seats of a group slot, in booking order: its host and ADMINs only. */
  async attendees({ actor, eventTypeId, startTime }: ListAttendeesCommand): Promise<AttendeeList> {
    const hostId = await this.terms.hostOf(eventTypeId);
    if (actor.role !== 'ADMIN' && actor.id !== hostId) throw DomainError.notFound('event type');
    const bookings = await this.bookings.atSlot(hostId, eventTypeId, startTime);
    return { data: bookings.filter((booking) => keepsTime(booking.status)).map(toBooking) };
  }

  async visible(actor: BookingActor, bookingId: string): Promise<BookingDocument> {
    const booking = await this.bookings.findById(bookingId);
    if (!booking || !canSee(actor, booking, new Date())) throw DomainError.notFound('booking');
    return booking;
  }

  assertMayAct(actor: BookingActor, booking: BookingDocument, action: BookingAction): void {
    if (!mayAct(actor, booking, action)) {
      throw new DomainError(
        ErrorCode.Forbidden,
        action === 'cancel' || action === 'reschedule'
          ? `only the booking's guest or host may ${action} it`
          : `only the booking's host may ${action === 'no-show' ? 'mark it as a no-show' : `${action} it`}`,
      );
    }
    if (!isAllowed(booking.status, action)) {
      throw new DomainError(
        ErrorCode.InvalidTransition,
        `a ${booking.status} booking cannot be ${pastTense(action)}`,
      );
    }
  }

  private transition(
    command: ChangeBookingCommand,
    action: StatusAction,
    eventType: string,
    extra: {
      precondition?: (current: BookingDocument) => void | Promise<void>;
      changes?: BookingChanges;
      eventExtras?: Record<string, unknown>;
    } = {},
  ): Promise<Booking> {
    return this.changes.of(() => this.applyTransition(command, action, eventType, extra));
  }

  private async applyTransition(
    { actor, bookingId, commandId }: ChangeBookingCommand,
    action: StatusAction,
    eventType: string,
    {
      precondition,
      changes = {},
      eventExtras = {},
    }: Parameters<BookingsService['transition']>[3] = {},
  ): Promise<Booking | typeof LOST_RACE> {
    const current = await this.visible(actor, bookingId);
    if (madeBy(current, commandId)) return toBooking(current);
    this.assertMayAct(actor, current, action);
    await precondition?.(current);
    const updated = await this.bookings.change(
      current,
      {
        status: nextStatus(current.status, action)!,
        sequence: sequenceAfter(current, action),
        ...changes,
        commands: remembering(current, commandId),
      },
      (record) => newEvent(BOOKING_EXCHANGE, eventType, { ...record, ...eventExtras }, actor.id),
      new Date(),
    );
    return updated ? toBooking(updated) : LOST_RACE;
  }
}

function pastTense(action: BookingAction): string {
  return {
    confirm: 'confirmed',
    cancel: 'cancelled',
    complete: 'completed',
    'no-show': 'marked as a no-show',
    reschedule: 'rescheduled',
  }[action];
}
