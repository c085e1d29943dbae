import { z } from 'zod';
import { Actor } from '../common/actor';
import { defineCommand } from '../common/command';
import { BOOKING_QUEUE } from './commands';
import { BookingWithEventType } from './rest';

/**
 * A host's calendar feed (SPEC §6b). The gateway makes the feed's secret token and sends only
 * its SHA-256 (hex): the token itself never crosses the bus, is never stored, never logged.
 */
export const CalendarFeedCommand = {
  /** Makes `tokenHash` the host's one feed token; the previous one is dead at once. */
  SetCalendarFeed: 'booking.set-calendar-feed',
  /** The host's bookings of the feed's window, for the feed whose token hashes to `tokenHash`. */
  ReadCalendarFeed: 'booking.read-calendar-feed',
} as const;

/** The feed lists bookings that start from this many days ago… */
export const CALENDAR_FEED_PAST_DAYS = 30;
/** …to this many days ahead. */
export const CALENDAR_FEED_FUTURE_DAYS = 365;
/** At most this many bookings, the earliest first: a year of a busy host, in one bounded read. */
export const CALENDAR_FEED_MAX_BOOKINGS = 2000;

export const CalendarFeedTokenHash = z.string().regex(/^[0-9a-f]{64}$/);

export const SetCalendarFeedCommand = z.object({ actor: Actor, tokenHash: CalendarFeedTokenHash });
export type SetCalendarFeedCommand = z.infer<typeof SetCalendarFeedCommand>;

export const ReadCalendarFeedCommand = z.object({ tokenHash: CalendarFeedTokenHash });
export type ReadCalendarFeedCommand = z.infer<typeof ReadCalendarFeedCommand>;

/**
 * The feed's host and its bookings that are not cancelled, ordered by startTime then id, each
 * with its event type as booking's copy of the host's terms has it.
 */
export const CalendarFeedBookings = z.object({
  hostId: z.string(),
  data: z.array(BookingWithEventType),
});
export type CalendarFeedBookings = z.infer<typeof CalendarFeedBookings>;

/** `POST /users/me/calendar-feed`: where the feed is read, its token in the path. */
export const CalendarFeedUrl = z.object({
  url: z.string().describe('the feed: `<gateway>/api/v1/calendar/<token>.ics`; keep it secret'),
});
export type CalendarFeedUrl = z.infer<typeof CalendarFeedUrl>;

/** Answers nothing (null). Setting one hash twice is setting it once. */
export const SetCalendarFeed = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: CalendarFeedCommand.SetCalendarFeed,
  input: SetCalendarFeedCommand,
  output: z.null(),
  retrySafe: true,
});

/** NOT_FOUND for a hash that is no host's feed (anymore). */
export const ReadCalendarFeed = defineCommand({
  queue: BOOKING_QUEUE,
  pattern: CalendarFeedCommand.ReadCalendarFeed,
  input: ReadCalendarFeedCommand,
  output: CalendarFeedBookings,
  retrySafe: true,
});

export const CALENDAR_FEED_COMMANDS = [SetCalendarFeed, ReadCalendarFeed] as const;
