import { DomainError, ErrorCode, type Actor } from '@slotbook/contracts';

/**
 * Who may subscribe to, receive and read which events (SPEC §6a). A HOST's records are its own
 * account (`user.*` about it), its ranges, schedules and event types (`data.hostId`) and the
 * bookings it hosts (`data.hostId`), as Calendly scopes a user's webhooks to the events it
 * hosts; a booking it made as someone else's guest is that host's record, not its own. An ADMIN
 * sees every event; a USER has no webhooks and no feed.
 */

/** The audience of an ADMIN's subscription: every event. */
export const EVERY_EVENT = '*';

/** The account an event is about, or null when it is about nobody's records in particular. */
export function ownerOfEvent(event: {
  type: string;
  data: Record<string, unknown>;
}): string | null {
  if (event.type.startsWith('user.'))
    return typeof event.data.id === 'string' ? event.data.id : null;
  return typeof event.data.hostId === 'string' ? event.data.hostId : null;
}

/** The events a new subscription of `actor` may receive: all of them, or those about it. */
export function audienceOf(actor: Actor): string {
  requireSubscriber(actor);
  return actor.role === 'ADMIN' ? EVERY_EVENT : actor.id;
}

/** Whether a subscription with `audience` receives an event about `ownerId`. */
export function reaches(audience: string, ownerId: string | null): boolean {
  return audience === EVERY_EVENT || (ownerId !== null && audience === ownerId);
}

/** Whether `actor` may read an event about `ownerId` in the feed. */
export function mayRead(actor: Actor, ownerId: string | null): boolean {
  if (actor.role === 'ADMIN') return true;
  return actor.role === 'HOST' && ownerId === actor.id;
}

/** Webhooks and the feed are for HOSTs and ADMINs. */
export function requireSubscriber(actor: Actor): void {
  if (actor.role === 'USER')
    throw new DomainError(
      ErrorCode.Forbidden,
      'only hosts and admins have webhooks and the event feed',
    );
}

/** Whether `actor` may see and change a subscription created by `ownerId` (else it is a 404). */
export function mayManage(actor: Actor, ownerId: string): boolean {
  return actor.role === 'ADMIN' || (actor.role === 'HOST' && actor.id === ownerId);
}
