import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, GetEventType, GetUsers, type User } from '@slotbook/contracts';
import { RANGE_BOOKING_TITLE } from '@slotbook/calendar';
import { CommandBus } from '@slotbook/messaging';
import type { BookingFacts, MailedBooking, MailPerson } from './mail-plan';

const UTC = 'UTC';

/**
 * What a booking's mails say beyond its event, asked where it is kept: names, addresses and
 * zones from identity (one GetUsers for the host and the member), the title and reminders from
 * availability. Behind the event, never on the request path. A failure throws, and the event
 * is delivered again.
 */
@Injectable()
export class BookingFactsSource {
  constructor(private readonly bus: CommandBus) {}

  async of(booking: MailedBooking): Promise<BookingFacts> {
    const [users, eventType] = await whileUnavailable(() =>
      Promise.all([this.usersOf(booking), this.eventTypeOf(booking)]),
    );
    const host = users.get(booking.hostId);
    const member = booking.userId === null ? undefined : users.get(booking.userId);
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

  private async usersOf(booking: MailedBooking): Promise<Map<string, User>> {
    const userIds = [booking.hostId, ...(booking.userId ? [booking.userId] : [])];
    const { data } = await this.bus.send(GetUsers, { userIds });
    return new Map(data.map((user) => [user.id, user]));
  }

  /** The event type, or null for a range's slot or an event type deleted since. */
  private async eventTypeOf(
    booking: MailedBooking,
  ): Promise<{ title: string; reminders: number[] } | null> {
    if (booking.eventTypeId === null) return null;
    try {
      // Any signed-in actor may read an event type; the host is the natural one.
      return await this.bus.send(GetEventType, {
        actor: { id: booking.hostId, role: 'HOST' },
        eventTypeId: booking.eventTypeId,
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) return null;
      throw error;
    }
  }
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
