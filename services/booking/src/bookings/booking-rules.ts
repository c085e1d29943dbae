import { DAY_MS, MINUTE_MS } from '@slotbook/scheduling';
import {
  guestOfBooking,
  type Actor,
  type BookingActor,
  type BookingStatus,
} from '@slotbook/contracts';

/**
 * The booking lifecycle as pure rules. Only these moves exist; anything else is an illegal
 * transition (409):
 *
 *   pending ──confirm──▶ confirmed ──complete──▶ completed
 *      │                    └──no-show──▶ no_show
 *      └──────cancel──────┴──cancel──▶ cancelled
 *
 * A reschedule moves a pending or confirmed booking to another slot, where it takes the status
 * that slot gives a new booking ({@link statusOnSlot}), whatever its status was before.
 */
export type BookingAction = 'confirm' | 'cancel' | 'complete' | 'no-show' | 'reschedule';

/** The actions whose result is a fixed status; a reschedule's comes from its new slot. */
export type StatusAction = Exclude<BookingAction, 'reschedule'>;

const TRANSITIONS: Record<StatusAction, Partial<Record<BookingStatus, BookingStatus>>> = {
  confirm: { pending: 'confirmed' },
  cancel: { pending: 'cancelled', confirmed: 'cancelled' },
  complete: { confirmed: 'completed' },
  'no-show': { confirmed: 'no_show' },
};

/** The status after `action`, or null when the action is not allowed from `status`. */
export function nextStatus(status: BookingStatus, action: StatusAction): BookingStatus | null {
  return TRANSITIONS[action][status] ?? null;
}

/** Whether the lifecycle allows `action` from `status` (otherwise 409). */
export function isAllowed(status: BookingStatus, action: BookingAction): boolean {
  return action === 'reschedule' ? holdsSlot(status) : nextStatus(status, action) !== null;
}

/** Pending and confirmed bookings hold their slot; the others have let it go. */
export function holdsSlot(status: BookingStatus): boolean {
  return status === 'pending' || status === 'confirmed';
}

/**
 * Whether a booking's host time stays taken: an active booking's, and a no-show's (it has
 * started; marking it frees nothing). Time of any other booking may be taken again.
 */
export function keepsTime(status: BookingStatus): boolean {
  return holdsSlot(status) || status === 'no_show';
}

/**
 * Whether a hold's head holds its time for a range change to see: a booking that stands on
 * it holds it while it keeps time; a create or a move under way (no booking yet, or a booking
 * still at another start) holds it while it is younger than the grace; older, it is a leftover.
 */
export function headHoldsTime(
  head: { startTime: Date; heldAt: Date },
  booking: { status: BookingStatus; startTime: Date } | undefined,
  now: number,
  graceMs: number,
): boolean {
  if (booking && booking.startTime.getTime() === head.startTime.getTime()) {
    return keepsTime(booking.status);
  }
  const underWay = !booking || keepsTime(booking.status);
  return underWay && head.heldAt.getTime() > now - graceMs;
}

/**
 * The status of a booking on a slot, made there or moved there: pending when the slot's range
 * requires the host's confirmation, confirmed otherwise. So a reschedule can neither skip a
 * confirmation the new slot asks for nor keep one the new slot does not.
 */
export function statusOnSlot(requiresConfirmation: boolean): BookingStatus {
  return requiresConfirmation ? 'pending' : 'confirmed';
}

/**
 * A slot has started once its start is past. A started slot can no longer be booked or moved
 * onto, and a started booking can no longer be moved (it is under way, or over): create and
 * reschedule both decide by this. Cancelling is not bound by it (SPEC §5 allows any pending or
 * confirmed booking to be cancelled). A slot starting this very millisecond has not started,
 * as the free-slot listing (starts at or after now) offers it.
 */
export function hasStarted(startTime: Date, now: Date): boolean {
  return startTime.getTime() < now.getTime();
}

/** A guest can be marked as not having come only once the slot has started. */
export function canMarkNoShowAt(startTime: Date, now: Date): boolean {
  return startTime.getTime() <= now.getTime();
}

/**
 * Whether a booking starting at `startTime` is inside its event type's cancel notice: its
 * guest may then no longer cancel or move it (its host and ADMINs may, SPEC §4b).
 */
export function insideCancelNotice(startTime: Date, noticeMinutes: number, now: Date): boolean {
  return startTime.getTime() - now.getTime() < noticeMinutes * MINUTE_MS;
}

/** How long after its booking's end a manage link still works (SPEC §5b). */
export const MANAGE_LINK_DAYS = 30;

/** A booking's calendar SEQUENCE grows with these changes (SPEC §6b). */
export const SEQUENCED: ReadonlySet<BookingAction> = new Set(['confirm', 'cancel', 'reschedule']);

/** A booking's calendar SEQUENCE after `action` (RFC 5546 §2.1.4). */
export function sequenceAfter(current: { sequence?: number }, action: BookingAction): number {
  const sequence = current.sequence ?? 0;
  return SEQUENCED.has(action) ? sequence + 1 : sequence;
}

/** A booking can be completed only once its slot has ended. */
export function canCompleteAt(endTime: Date, now: Date): boolean {
  return endTime.getTime() <= now.getTime();
}

export interface BookingParties {
  _id: string;
  hostId: string;
  /** The member who booked, or null for a guest's booking. */
  userId: string | null;
  /** Who booked without an account; absent (or null) for a member's booking. */
  guest?: unknown;
  endTime: Date;
}

/**
 * Who may see a booking at all: its guest (the member who booked it, or the holder of a guest
 * booking's manage link until {@link MANAGE_LINK_DAYS} after its end), its host, an admin.
 * Anyone else gets 404.
 */
export function canSee(actor: BookingActor, booking: BookingParties, now: Date): boolean {
  if (actor.role === 'GUEST') {
    return (
      isGuestOf(actor, booking) &&
      now.getTime() < booking.endTime.getTime() + MANAGE_LINK_DAYS * DAY_MS
    );
  }
  return actor.role === 'ADMIN' || actor.id === booking.userId || actor.id === booking.hostId;
}

/** Whether `actor` is the booking's guest: the member who booked it, or its link's holder. */
export function isGuestOf(actor: BookingActor, booking: BookingParties): boolean {
  return actor.role === 'GUEST'
    ? Boolean(booking.guest) && actor.id === guestOfBooking(booking._id).id
    : actor.id === booking.userId;
}

/** Who may take an action on a booking they can see (otherwise 403). */
export function mayAct(
  actor: BookingActor,
  booking: BookingParties,
  action: BookingAction,
): boolean {
  if (actor.role === 'ADMIN') return true;
  const isHost = actor.role !== 'GUEST' && actor.id === booking.hostId;
  switch (action) {
    case 'confirm':
    case 'complete':
    case 'no-show':
      return isHost;
    case 'cancel':
    case 'reschedule':
      return isHost || isGuestOf(actor, booking);
  }
}

/** The key of a slot in the unique index that guarantees one active booking per slot. */
export function slotKey(hostId: string, startTime: Date): string {
  return `${hostId}|${startTime.toISOString()}`;
}

/**
 * The month bucket a held slot is filed under (`<hostId>|YYYY-MM` of its start, UTC): a host's
 * held slots in a window are then a few equality lookups, one per month the window touches.
 */
export function hostMonth(hostId: string, startTime: Date): string {
  return `${hostId}|${monthOf(startTime)}`;
}

/** The month buckets of a host that `[from, to)` touches (see {@link hostMonth}). */
export function hostMonthsTouched(hostId: string, from: Date, to: Date): string[] {
  return monthsTouched(from, to).map((month) => `${hostId}|${month}`);
}

/** The months (`YYYY-MM`, UTC) that `[from, to)` touches, in order; none for an empty window. */
export function monthsTouched(from: Date, to: Date): string[] {
  if (to.getTime() <= from.getTime()) return [];
  const last = new Date(to.getTime() - 1);
  const months: string[] = [];
  let year = from.getUTCFullYear();
  let month = from.getUTCMonth();
  while (
    year < last.getUTCFullYear() ||
    (year === last.getUTCFullYear() && month <= last.getUTCMonth())
  ) {
    months.push(`${year}-${String(month + 1).padStart(2, '0')}`);
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
  }
  return months;
}

function monthOf(instant: Date): string {
  return instant.toISOString().slice(0, 7);
}

/** Equality filters on a booking's parties: `{userId}`, `{hostId}`, both or neither. */
export interface PartyScope {
  userId?: string;
  hostId?: string;
}

/**
 * What a list may show, as equality scopes whose union is the answer: a user their own
 * bookings, a host those it is guest or host of (two scopes), an admin all, each narrowed by the
 * query's own party filters. A scope the filters contradict is dropped, and so is one that only
 * narrows another, so every scope is one query that no other scope already covers.
 */
export function listScopes(actor: Actor, filters: PartyScope): PartyScope[] {
  const own: PartyScope[] =
    actor.role === 'ADMIN'
      ? [{}]
      : actor.role === 'USER'
        ? [{ userId: actor.id }]
        : [{ userId: actor.id }, { hostId: actor.id }];
  const scopes = own
    .map((scope) => narrow(scope, filters))
    .filter((scope): scope is PartyScope => scope !== null);
  return scopes.filter(
    (scope, index) =>
      !scopes.some(
        (other, otherIndex) => otherIndex !== index && covers(other, scope, otherIndex < index),
      ),
  );
}

function narrow(scope: PartyScope, filters: PartyScope): PartyScope | null {
  const result: PartyScope = { ...scope };
  for (const key of ['userId', 'hostId'] as const) {
    const wanted = filters[key];
    if (wanted === undefined) continue;
    if (result[key] !== undefined && result[key] !== wanted) return null;
    result[key] = wanted;
  }
  return result;
}

/** True when every booking `scope` matches is matched by `other` (ties: the earlier one stays). */
function covers(other: PartyScope, scope: PartyScope, otherIsEarlier: boolean): boolean {
  const keys = (['userId', 'hostId'] as const).filter((key) => other[key] !== undefined);
  if (!keys.every((key) => scope[key] === other[key])) return false;
  const same = (['userId', 'hostId'] as const).every((key) => scope[key] === other[key]);
  return !same || otherIsEarlier;
}
