import { Injectable } from '@nestjs/common';
import {
  AvailabilityEvent,
  DomainError,
  ErrorCode,
  EventType,
  GetEventType,
  GetUsers,
  type MailFactsSubscription,
  type SubscribedEvent,
  type User,
} from '@slotbook/contracts';
import { RANGE_BOOKING_TITLE } from '@slotbook/calendar';
import { CommandBus } from '@slotbook/messaging';
import type { BookingFacts, MailedBooking, MailPerson } from './mail-plan';
import { ReplicaCopy, type Versioned } from './replica-copy';

const UTC = 'UTC';

/** What a booking's mails take from its event type. */
type EventTypeFacts = Pick<EventType, 'title' | 'reminders'>;

/**
 * What a booking's mails say beyond its event: the names, addresses and zones of its host and
 * member (identity's), the title and reminders of its event type (availability's). Both come
 * from this replica's copies, kept by identity's and availability's events (MailFactsSubscription):
 * a change is in force here as soon as its event arrives, milliseconds after it was answered,
 * and a burst of bookings asks nobody. What is missing is asked for, behind the event, never
 * on the request path; a failure throws, and the event is delivered again.
 */
@Injectable()
export class BookingFactsSource {
  private readonly users = new ReplicaCopy<User>();
  private readonly eventTypes = new ReplicaCopy<EventTypeFacts>();

  constructor(private readonly bus: CommandBus) {}

  async of(booking: MailedBooking): Promise<BookingFacts> {
    const { hostId, userId, eventTypeId } = booking;
    const [users, eventTypes] = await whileUnavailable(() =>
      Promise.all([
        this.users.get(userId === null ? [hostId] : [hostId, userId], (missing) =>
          this.readUsers(missing),
        ),
        this.eventTypes.get(eventTypeId === null ? [] : [eventTypeId], ([id]) =>
          this.readEventType(id, hostId),
        ),
      ]),
    );
    const host = users.get(hostId);
    const member = userId === null ? null : users.get(userId);
    const eventType = eventTypeId === null ? null : eventTypes.get(eventTypeId);
    const guest: MailPerson | null = booking.guest
      ? {
          name: booking.guest.name,
          email: booking.guest.email,
          timeZone: booking.guest.timeZone ?? UTC,
        }
      : member
        ? personOf(member)
        : null;
    return {
      title: eventType?.title ?? RANGE_BOOKING_TITLE,
      reminders: eventType?.reminders ?? [],
      host: host ? personOf(host) : null,
      guest,
    };
  }

  /** An account's or an event type's event (MailFactsSubscription). */
  hear(event: SubscribedEvent<typeof MailFactsSubscription>): void {
    switch (event.type) {
      case AvailabilityEvent.EventTypeDeleted:
        this.eventTypes.learn({ id: event.data.id, value: null, version: Infinity });
        return;
      case AvailabilityEvent.EventTypeCreated:
      case AvailabilityEvent.EventTypeUpdated:
        this.eventTypes.learn(eventTypeFacts(event.data));
        return;
      default: {
        const { version, ...value } = event.data;
        this.users.learn({ id: value.id, value, version });
      }
    }
  }

  private async readUsers(userIds: string[]): Promise<Array<Versioned<User>>> {
    const { data } = await this.bus.send(GetUsers, { userIds });
    // A read has no version: any event of the account replaces it.
    return data.map((user) => ({ id: user.id, value: user, version: 0 }));
  }

  private async readEventType(
    eventTypeId: string,
    hostId: string,
  ): Promise<Array<Versioned<EventTypeFacts>>> {
    try {
      // Any signed-in actor may read an event type; its host is the natural one.
      const eventType = await this.bus.send(GetEventType, {
        actor: { id: hostId, role: 'HOST' },
        eventTypeId,
      });
      return [eventTypeFacts(eventType)];
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) return [];
      throw error;
    }
  }

  /** The subscription was (re)established: changes may have been missed meanwhile. */
  forget(): void {
    this.users.forget();
    this.eventTypes.forget();
  }
}

function eventTypeFacts(eventType: EventType): Versioned<EventTypeFacts> {
  const { id, title, reminders, updatedAt } = eventType;
  return { id, value: { title, reminders }, version: Date.parse(updatedAt) };
}

/**
 * Waits out a short outage of identity or availability (a restart, a deploy) before the event
 * is given back: it is redelivered a bounded number of times, then dead-lettered, and its mail
 * would be lost.
 */
async function whileUnavailable<T>(ask: () => Promise<T>): Promise<T> {
  for (const waitMs of UNAVAILABLE_WAITS_MS) {
    try {
      return await ask();
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== ErrorCode.Unavailable) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
  return ask();
}

/** About half a minute of waiting (and each ask's own timeout) per delivery of the event. */
const UNAVAILABLE_WAITS_MS = [1_000, 2_000, 4_000, 8_000, 15_000];

function personOf(user: User): MailPerson {
  return { name: user.name, email: user.email, timeZone: user.timezone || UTC };
}
