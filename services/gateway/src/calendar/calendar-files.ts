import { Injectable } from '@nestjs/common';
import {
  DomainError,
  GetBookingWithEventType,
  GetUsers,
  ReadCalendarFeed,
  SetCalendarFeed,
  type Actor,
  type Booking,
  type BookingActor,
  type User,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { bookingCalendarFile, calendarEntryOf, feedCalendarFile } from '@slotbook/calendar';
import { feedTokenHash, isFeedTokenShaped, newFeedToken } from './feed-token';

/**
 * Calendar files (SPEC §6b): a booking's, for whoever may see it (`GET /bookings/:id/ics`, and
 * `GET /manage/:token/ics` with the link's guest as actor), and a host's feed.
 */
@Injectable()
export class CalendarFiles {
  constructor(private readonly bus: CommandBus) {}

  /** The booking's file; NOT_FOUND for a booking `actor` may not see, as GET /bookings/:id. */
  async calendarFileOf(actor: BookingActor, bookingId: string): Promise<string> {
    const booking = await this.bus.send(GetBookingWithEventType, { actor, bookingId });
    const people = await this.peopleOf(booking.hostId, [booking]);
    return bookingCalendarFile(calendarEntryOf(booking, people));
  }

  /** A new feed token for the host; the previous one is dead once this answers. */
  async rotateFeed(host: Actor): Promise<string> {
    const token = newFeedToken();
    await this.bus.send(SetCalendarFeed, { actor: host, tokenHash: feedTokenHash(token) });
    return token;
  }

  /** The feed of the token; NOT_FOUND for a token that is no host's (anymore). */
  async feedOf(token: string): Promise<string> {
    if (!isFeedTokenShaped(token)) throw DomainError.notFound('calendar feed');
    const feed = await this.bus.send(ReadCalendarFeed, { tokenHash: feedTokenHash(token) });
    const people = await this.peopleOf(feed.hostId, feed.data);
    // A deactivated host's feed goes dark with their account, as their tokens do.
    if (!people.get(feed.hostId)?.active) throw DomainError.notFound('calendar feed');
    return feedCalendarFile(feed.data.map((booking) => calendarEntryOf(booking, people)));
  }

  /** The host and the members who booked, by id: one message to identity for them all. */
  private async peopleOf(hostId: string, bookings: Booking[]): Promise<Map<string, User>> {
    const members = bookings.flatMap((booking) => (booking.userId ? [booking.userId] : []));
    const users = await this.bus.send(GetUsers, { userIds: [...new Set([hostId, ...members])] });
    return new Map(users.data.map((user) => [user.id, user]));
  }
}
