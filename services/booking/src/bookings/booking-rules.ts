import type { Actor, BookingStatus } from '@slotbook/contracts';

/**
 * The booking lifecycle as pure rules. Only these moves exist; anything else is an illegal
 * transition (409):
 *
 *   pending ──confirm──▶ confirmed ──complete──▶ completed
 *      └──────cancel──────┴──cancel──▶ cancelled
 */
export type BookingAction = 'confirm' | 'cancel' | 'complete' | 'reschedule';

const TRANSITIONS: Record<BookingAction, Partial<Record<BookingStatus, BookingStatus>>> = {
  confirm: { pending: 'confirmed' },
  cancel: { pending: 'cancelled', confirmed: 'cancelled' },
  complete: { confirmed: 'completed' },
  reschedule: { pending: 'pending', confirmed: 'confirmed' },
};

/** The status after `action`, or null when the action is not allowed from `status`. */
export function nextStatus(status: BookingStatus, action: BookingAction): BookingStatus | null {
  return TRANSITIONS[action][status] ?? null;
}

/** Pending and confirmed bookings hold their slot; the others have let it go. */
export function holdsSlot(status: BookingStatus): boolean {
  return status === 'pending' || status === 'confirmed';
}

export function initialStatus(requiresConfirmation: boolean): BookingStatus {
  return requiresConfirmation ? 'pending' : 'confirmed';
}

/** A booking can be completed only once its slot has ended. */
export function canCompleteAt(endTime: Date, now: Date): boolean {
  return endTime.getTime() <= now.getTime();
}

export interface BookingParties {
  hostId: string;
  userId: string;
}

/** Who may see a booking at all: its guest, its host, an admin. Anyone else gets 404. */
export function canSee(actor: Actor, booking: BookingParties): boolean {
  return actor.role === 'ADMIN' || actor.id === booking.userId || actor.id === booking.hostId;
}

/** Who may take an action on a booking they can see (otherwise 403). */
export function mayAct(actor: Actor, booking: BookingParties, action: BookingAction): boolean {
  if (actor.role === 'ADMIN') return true;
  const isHost = actor.id === booking.hostId;
  const isGuest = actor.id === booking.userId;
  switch (action) {
    case 'confirm':
    case 'complete':
      return isHost;
    case 'cancel':
    case 'reschedule':
      return isHost || isGuest;
  }
}

/** The key of a slot in the unique index that guarantees one active booking per slot. */
export function slotKey(hostId: string, startTime: Date): string {
  return `${hostId}|${startTime.toISOString()}`;
}
