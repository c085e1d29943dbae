import { createHash } from 'node:crypto';
import {
  BookingEvent,
  MailedEventsSubscription,
  type Booking,
  type MailKind,
  type MailRecipientRole,
} from '@slotbook/contracts';
import { MINUTE_MS } from '@slotbook/scheduling';

/*
 * Which mails a booking event makes (SPEC §6c), as pure functions: to whom, about what, when,
 * under which id. One id per event and recipient is what keeps a mail to one send whatever the
 * redeliveries and replicas: the mail's record is inserted under it, and only the insert that
 * made it sends.
 */

/** The booking events that mail someone: those notifications subscribes to. */
export type MailedEvent = (typeof MailedEventsSubscription.events)[number];
export type MailedEventType = MailedEvent['type'];

/** Someone a mail is for, or names: a host, a member or a guest. */
export interface MailPerson {
  name: string;
  email: string;
  /** An IANA zone: the guest's, or the member's or host's profile zone; UTC when unknown. */
  timeZone: string;
}

/** A booking event's booking: the record, and on a move or cancel what changed. */
export type MailedBooking = Booking & { previousStartTime?: string; reason?: string | null };

/** What a booking event's mails need beyond the event: names, zones, the title, reminders. */
export interface BookingFacts {
  /** The event type's title, or "Booking" for a range's slot (or a deleted event type). */
  title: string;
  /** Minutes before the start (the event type's `reminders`; none for a range's slot). */
  reminders: number[];
  host: MailPerson | null;
  /** The guest, or the member who booked; null when identity no longer knows them. */
  guest: MailPerson | null;
}

/** Everything one mail says, kept with its record so a retry or a reminder renders it alone. */
export interface Letter {
  kind: MailKind;
  role: MailRecipientRole;
  recipient: MailPerson;
  booking: MailedBooking;
  title: string;
  host: MailPerson | null;
  guest: MailPerson | null;
  /** For a reminder: how many minutes before the start it is sent. */
  reminderMinutes: number | null;
  /** A guest's (not a member's) created mail carries the manage link, made at send time. */
  withManageLink: boolean;
}

export interface PlannedMail {
  /** `<eventId>:<guest|host|reminder-N>`: one per event and recipient. */
  id: string;
  eventId: string;
  bookingId: string;
  /** The booking's calendar sequence at the event: a later event's mail outranks it. */
  sequence: number;
  letter: Letter;
  /** When it is sent: now, or for a reminder its moment before the start. */
  dueAt: Date;
}

const GUEST_KIND: Record<MailedEventType, MailKind> = {
  [BookingEvent.BookingCreated]: 'created',
  [BookingEvent.BookingRescheduled]: 'rescheduled',
  [BookingEvent.BookingConfirmed]: 'confirmed',
  [BookingEvent.BookingCancelled]: 'cancelled',
};

/** The host hears of new, moved and cancelled bookings, not of their own confirmations. */
const HOST_MAILED: ReadonlySet<MailedEventType> = new Set([
  BookingEvent.BookingCreated,
  BookingEvent.BookingRescheduled,
  BookingEvent.BookingCancelled,
]);

/** Events after which the booking's reminders are planned afresh (its time or status changed). */
const PLANS_REMINDERS: ReadonlySet<MailedEventType> = new Set([
  BookingEvent.BookingCreated,
  BookingEvent.BookingRescheduled,
  BookingEvent.BookingConfirmed,
]);

/**
 * The mails of one booking event: the guest's, the host's, and the reminders it plans. A
 * reminder whose moment has passed already (a booking made or moved inside it) is not planned:
 * it is never sent late.
 */
export function mailsOf(
  event: { id: string; type: MailedEventType },
  booking: MailedBooking,
  facts: BookingFacts,
  now: Date,
  minuteMs = MINUTE_MS,
): PlannedMail[] {
  const base = { eventId: event.id, bookingId: booking.id, sequence: booking.sequence };
  const letter = (kind: MailKind, role: MailRecipientRole, recipient: MailPerson): Letter => ({
    kind,
    role,
    recipient,
    booking,
    title: facts.title,
    host: facts.host,
    guest: facts.guest,
    reminderMinutes: null,
    withManageLink:
      kind === 'created' && role === 'guest' && booking.userId === null && booking.guest !== null,
  });
  const mails: PlannedMail[] = [];
  if (facts.guest) {
    mails.push({
      ...base,
      id: `${event.id}:guest`,
      letter: letter(GUEST_KIND[event.type], 'guest', facts.guest),
      dueAt: now,
    });
  }
  if (facts.host && HOST_MAILED.has(event.type)) {
    mails.push({
      ...base,
      id: `${event.id}:host`,
      letter: letter(GUEST_KIND[event.type], 'host', facts.host),
      dueAt: now,
    });
  }
  const active = booking.status === 'pending' || booking.status === 'confirmed';
  if (facts.guest && active && PLANS_REMINDERS.has(event.type)) {
    const start = Date.parse(booking.startTime);
    for (const minutes of facts.reminders) {
      const dueAt = new Date(start - minutes * minuteMs);
      if (dueAt.getTime() <= now.getTime()) continue;
      mails.push({
        ...base,
        id: `${event.id}:reminder-${minutes}`,
        letter: { ...letter('reminder', 'guest', facts.guest), reminderMinutes: minutes },
        dueAt,
      });
    }
  }
  return mails;
}

/**
 * The `Message-ID` of a mail, the same at every attempt: from the event (and, for a reminder,
 * its minutes) and the recipient's address, so mail clients fold a copy sent twice.
 */
export function messageIdOf(mailId: string, to: string): string {
  const recipient = createHash('sha256').update(to.trim().toLowerCase()).digest('hex');
  const local = mailId.replace(/[^A-Za-z0-9-]+/g, '.');
  return `<${local}.${recipient.slice(0, 16)}@slotbook>`;
}

/** Mails are looked for by the minute they fall due in: an equality the database serves. */
export const DUE_BUCKET_MS = MINUTE_MS;

export function dueBucketOf(when: Date): number {
  return Math.floor(when.getTime() / DUE_BUCKET_MS);
}

/**
 * When a refused send is tried again: the schedule's wait for this attempt (its last repeats),
 * jittered by ±20 %; null once that would fall past the retry window.
 */
export function nextAttemptAt(
  attempts: number,
  schedule: readonly number[],
  retryUntil: Date,
  now: Date,
  random: () => number = Math.random,
): Date | null {
  const wait = schedule[Math.min(Math.max(attempts - 1, 0), schedule.length - 1)] ?? 60_000;
  const jittered = wait * (0.8 + 0.4 * random());
  const at = new Date(now.getTime() + jittered);
  return at.getTime() > retryUntil.getTime() ? null : at;
}
