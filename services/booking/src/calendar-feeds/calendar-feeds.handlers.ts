import { Controller } from '@nestjs/common';
import {
  CALENDAR_FEED_FUTURE_DAYS,
  CALENDAR_FEED_MAX_BOOKINGS,
  CALENDAR_FEED_PAST_DAYS,
  DomainError,
  ErrorCode,
  ReadCalendarFeed,
  SetCalendarFeed,
} from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { BookingsService } from '../bookings/bookings.service';
import { CalendarFeedsRepository } from './calendar-feeds.repository';
import { DAY_MS } from '@slotbook/scheduling';

/** Hosts' calendar feeds (SPEC §6b). Commands carry the token's hash, never the token. */
@Controller()
export class CalendarFeedsHandlers {
  constructor(
    private readonly feeds: CalendarFeedsRepository,
    private readonly bookings: BookingsService,
  ) {}

  @Handles(SetCalendarFeed)
  async set(command: CommandOf<typeof SetCalendarFeed>) {
    // Services re-check roles: the bus is not trusted to carry only what the gateway allowed.
    if (command.actor.role !== 'HOST') {
      throw new DomainError(ErrorCode.Forbidden, 'only a host has a calendar feed');
    }
    await this.feeds.set(command.actor.id, command.tokenHash, new Date());
    return null;
  }

  @Handles(ReadCalendarFeed)
  async read(command: CommandOf<typeof ReadCalendarFeed>) {
    const hostId = await this.feeds.hostOf(command.tokenHash);
    if (hostId === null) throw DomainError.notFound('calendar feed');
    const now = Date.now();
    const data = await this.feeds.bookingsOf(
      hostId,
      new Date(now - CALENDAR_FEED_PAST_DAYS * DAY_MS),
      new Date(now + CALENDAR_FEED_FUTURE_DAYS * DAY_MS),
      CALENDAR_FEED_MAX_BOOKINGS,
    );
    return { hostId, data: await this.bookings.withEventTypes(hostId, data) };
  }
}
