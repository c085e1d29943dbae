import { EventTypeCreated, EventTypeDeleted, EventTypeUpdated } from './availability/events';
import {
  BookingCancelled,
  BookingConfirmed,
  BookingCreated,
  BookingRescheduled,
} from './booking/events';
import { defineSubscription } from './common/subscription';
import { EVENT_CATALOG } from './event-catalog';
import { IDENTITY_EVENTS } from './identity/events';

/*
 * Every subscription a service holds to other contexts' events, each once: its queue and the
 * events it binds. The services declare their subscribers with these, never with queue names
 * or routing keys of their own.
 */

/** Identity's audit log: every event, once each, kept as published. */
export const AuditSubscription = defineSubscription({
  queue: 'identity.audit',
  events: EVENT_CATALOG,
  asPublished: true,
});

/** Availability learns which accounts can be booked, and their names. */
export const HostAccountsSubscription = defineSubscription({
  queue: 'availability.host-accounts',
  events: IDENTITY_EVENTS,
});

/** Webhooks' feed and deliveries: every event, passed on as published. */
export const WebhooksFeedSubscription = defineSubscription({
  queue: 'webhooks.events',
  events: EVENT_CATALOG,
  asPublished: true,
});

/** The booking events notifications mails about. */
export const MailedEventsSubscription = defineSubscription({
  queue: 'notifications.booking-events',
  events: [BookingCreated, BookingRescheduled, BookingConfirmed, BookingCancelled],
});

/** Each notifications replica's copy of accounts and event types (names, zones, reminders). */
export const MailFactsSubscription = defineSubscription({
  queue: 'notifications.mail-facts',
  scope: 'replica',
  events: [...IDENTITY_EVENTS, EventTypeCreated, EventTypeUpdated, EventTypeDeleted],
});
