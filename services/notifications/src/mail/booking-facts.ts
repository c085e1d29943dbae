import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, GetEventType, GetUsers, type User } from '@slotbook/contracts';
import { RANGE_BOOKING_TITLE } from '@slotbook/calendar';
import { CommandBus } from '@slotbook/messaging';
import { LRUCache } from 'lru-cache';
import type { BookingFacts, MailedBooking, MailPerson } from './mail-plan';

const UTC = 'UTC';

/**
 * How long a name, address and zone read for one mail serves the next: a burst of bookings of
 * one host asks identity once, not once per booking (SPEC §11). A profile changed meanwhile
 * shows in mail at most this much later. An event type is read for each event: its reminders
 * are in force for every booking changed after the PATCH answered.
 */
export const USERS_TTL_MS = 30_000;

type EventTypeFacts = { title: string; reminders: number[] } | null;

/**
 * What a booking's mails say beyond its event, asked where it is kept: names, addresses and
 * zones from identity (one GetUsers for the host and the member), the title and reminders from
 * availability. Behind the event, never on the request path. A failure throws, and the event
 * is delivered again.
 */
@Injectable()
export class BookingFactsSource {
  private readonly users = new LRUCache<string, User>({ max: 10_000, ttl: USERS_TTL_MS });

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

  /** The host and the member, from what was read lately, asking identity for the rest at once. */
  private async usersOf(booking: MailedBooking): Promise<Map<string, User>> {
    const userIds = [booking.hostId, ...(booking.userId ? [booking.userId] : [])];
    const missing = userIds.filter((id) => !this.users.has(id));
    if (missing.length > 0) {
      const { data } = await this.bus.send(GetUsers, { userIds: missing });
      for (const user of data) this.users.set(user.id, user);
    }
    return new Map(
      userIds.flatMap((id) => {
        const user = this.users.get(id);
        return user ? [[id, user] as const] : [];
      }),
    );
  }

  /** The event type, or null for a range's slot or an event type deleted since. */
  private async eventTypeOf(booking: MailedBooking): Promise<EventTypeFacts> {
    const { eventTypeId, hostId } = booking;
    if (eventTypeId === null) return null;
    try {
      // Any signed-in actor may read an event type; the host is the natural one.
      const { title, reminders } = await this.bus.send(GetEventType, {
        actor: { id: hostId, role: 'HOST' },
        eventTypeId,
      });
      return { title, reminders };
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
