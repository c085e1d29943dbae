import { Inject, Injectable } from '@nestjs/common';
import {
  BookingEvent,
  type MailedEventsSubscription,
  type SubscribedEvent,
} from '@slotbook/contracts';
import { BatchCollector } from '@slotbook/messaging';
import { toStoredJson } from '@slotbook/persistence';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config';
import { BookingFactsSource } from './booking-facts';
import { MailDispatcher } from './mail-dispatcher';
import {
  dueBucketOf,
  mailsOf,
  messageIdOf,
  type MailedBooking,
  type PlannedMail,
} from './mail-plan';
import { MailRepository } from './mail.repository';
import type { MailDocument } from './mail.schema';

/**
 * Turns a booking event into mail records, then hands them to the dispatcher. The records are
 * inserted under one id per event and recipient: a redelivery, or a replica racing this one
 * with the same event, inserts nothing and sends nothing. A move, confirm or cancel first drops
 * the reminders earlier events planned. Mail off: the event is taken and nothing is written.
 */
@Injectable()
export class BookingMailIntake {
  /** The mails of the events in flight, inserted together: one write for a burst of events. */
  private readonly inserts: BatchCollector<MailDocument[], boolean[]>;

  constructor(
    private readonly facts: BookingFactsSource,
    private readonly mails: MailRepository,
    private readonly dispatcher: MailDispatcher,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {
    this.inserts = new BatchCollector({ maxItems: 64, maxWaitMs: 10 }, async (batches) => {
      const inserted = await this.mails.insertNew(batches.flat());
      let at = 0;
      return batches.map((docs) => {
        at += docs.length;
        return inserted.slice(at - docs.length, at);
      });
    });
  }

  async take(event: SubscribedEvent<typeof MailedEventsSubscription>): Promise<void> {
    if (!this.dispatcher.mailOn) return;
    const booking: MailedBooking = event.data;
    const facts = await this.facts.of(booking);
    if (event.type !== BookingEvent.BookingCreated) {
      await this.mails.dropRemindersBefore(booking.id, booking.sequence);
    }
    const now = new Date();
    const planned = mailsOf(
      { id: event.id, type: event.type },
      booking,
      facts,
      now,
      this.config.MAIL_REMINDER_MINUTE_MS,
    );
    const docs = planned.map((mail) => this.recordOf(mail, now));
    const inserted = await this.inserts.add(docs);
    this.dispatcher.accept(docs.filter((_, i) => inserted[i]));
  }

  /**
   * A mail due now is recorded already claimed by this replica (its lease running, one
   * attempt counted): the dispatcher sends it without claiming it again. A reminder waits.
   */
  private recordOf(mail: PlannedMail, now: Date): MailDocument {
    const dueNow = mail.dueAt.getTime() <= now.getTime();
    const dueAt = dueNow ? new Date(now.getTime() + this.config.MAIL_LEASE_MS) : mail.dueAt;
    const window = mail.dueAt.getTime() + this.config.MAIL_RETRY_WINDOW_MS;
    // A reminder is worth nothing once the booking has started.
    const retryUntil =
      mail.letter.kind === 'reminder'
        ? Math.min(window, Date.parse(mail.letter.booking.startTime))
        : window;
    return {
      _id: mail.id,
      eventId: mail.eventId,
      bookingId: mail.bookingId,
      sequence: mail.sequence,
      kind: mail.letter.kind,
      role: mail.letter.role,
      to: mail.letter.recipient.email,
      messageId: messageIdOf(mail.id, mail.letter.recipient.email),
      letter: toStoredJson(mail.letter),
      status: 'pending',
      attempts: dueNow ? 1 : 0,
      lastError: null,
      dueAt,
      dueBucket: dueBucketOf(dueAt),
      retryUntil: new Date(retryUntil),
      createdAt: now,
      sentAt: null,
    };
  }
}
