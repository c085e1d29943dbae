import { AVAILABILITY_QUEUE, AvailabilityCommand, DeleteRange } from './availability/commands';
import {
  AnnounceHostTerms,
  BOOKING_QUEUE,
  BookingCommand,
  GetBooking,
  ListBookings,
  ListBusyTime,
} from './booking/commands';
import { CalendarFeedCommand } from './booking/calendar';
import { COMMAND_CATALOG } from './command-catalog';
import { GetUser, IDENTITY_QUEUE, IdentityCommand, LogIn } from './identity/commands';
import { RETRY_SAFE_COMMANDS } from './retry-safe-commands';
import { ReadFeed, WEBHOOKS_QUEUE, WebhooksCommand } from './webhooks/commands';

const CONTEXTS = [
  { queue: IDENTITY_QUEUE, patterns: Object.values(IdentityCommand) },
  { queue: AVAILABILITY_QUEUE, patterns: Object.values(AvailabilityCommand) },
  { queue: BOOKING_QUEUE, patterns: Object.values(BookingCommand) },
  { queue: BOOKING_QUEUE, patterns: Object.values(CalendarFeedCommand) },
  { queue: WEBHOOKS_QUEUE, patterns: Object.values(WebhooksCommand) },
];

/** A reply as it reaches the sender: written as JSON by the handling service. */
function overTheWire(value: unknown): unknown {
  return JSON.parse(JSON.stringify({ data: value })).data;
}

describe('the command catalog', () => {
  it("defines every command once, on its bounded context's queue", () => {
    for (const { queue, patterns } of CONTEXTS) {
      for (const pattern of patterns) {
        const definitions = COMMAND_CATALOG.filter((command) => command.pattern === pattern);
        expect(definitions).toHaveLength(1);
        expect(definitions[0].queue).toBe(queue);
      }
    }
    expect(COMMAND_CATALOG).toHaveLength(CONTEXTS.flatMap(({ patterns }) => patterns).length);
  });

  it("sends again only the reads and booking's writes, whose commandId makes a second run answer the first", () => {
    expect([...RETRY_SAFE_COMMANDS].sort()).toEqual(
      [
        IdentityCommand.GetUser,
        IdentityCommand.GetUsers,
        IdentityCommand.ListUsers,
        IdentityCommand.ListAudit,
        AvailabilityCommand.ListRanges,
        AvailabilityCommand.ListBookableRanges,
        AvailabilityCommand.GetHostTerms,
        AvailabilityCommand.GetSchedule,
        AvailabilityCommand.ListSchedules,
        AvailabilityCommand.GetEventType,
        AvailabilityCommand.ListEventTypes,
        AvailabilityCommand.GetBookableEventType,
        BookingCommand.ListBookings,
        BookingCommand.GetBooking,
        BookingCommand.ListAttendees,
        BookingCommand.ListHeldSlots,
        BookingCommand.ListBusyTime,
        BookingCommand.AnnounceHostTerms,
        BookingCommand.CreateBooking,
        BookingCommand.ConfirmBooking,
        BookingCommand.CancelBooking,
        BookingCommand.CompleteBooking,
        BookingCommand.RescheduleBooking,
        BookingCommand.MarkNoShow,
        BookingCommand.GetBookingWithEventType,
        CalendarFeedCommand.SetCalendarFeed,
        CalendarFeedCommand.ReadCalendarFeed,
        WebhooksCommand.ListWebhooks,
        WebhooksCommand.GetWebhook,
        WebhooksCommand.ListDeliveries,
        WebhooksCommand.ReadFeed,
      ].sort(),
    );
  });
});

describe("a command's output", () => {
  const booking = {
    id: 'b1',
    hostId: 'h1',
    userId: 'u1',
    guest: null,
    responses: {},
    eventTypeId: null,
    startTime: new Date('2030-01-01T10:00:00Z'),
    endTime: new Date('2030-01-01T10:30:00Z'),
    status: 'confirmed',
    notes: null,
    cancellationReason: null,
    sequence: 0,
    createdAt: new Date('2029-12-01T08:00:00Z'),
    updatedAt: new Date('2029-12-01T08:00:00Z'),
  };

  it('reads instants as the ISO strings they travel as, and keeps every field', () => {
    const reply = overTheWire(booking);
    expect(GetBooking.output.parse(reply)).toEqual(reply);
    expect(ListBookings.output.parse(overTheWire({ data: [booking], nextCursor: null }))).toEqual({
      data: [reply],
      nextCursor: null,
    });
  });

  it('reads a user, a token pair, busy time and a feed page as their handlers answer them', () => {
    const user = overTheWire({
      id: 'u1',
      email: 'a@b.c',
      name: 'A',
      role: 'HOST',
      active: true,
      timezone: 'UTC',
      createdAt: new Date('2029-12-01T08:00:00Z'),
      updatedAt: new Date('2029-12-01T08:00:00Z'),
    });
    expect(GetUser.output.parse(user)).toEqual(user);
    const tokens = { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', expiresIn: 900 };
    expect(LogIn.output.parse(overTheWire(tokens))).toEqual(tokens);
    const busy = { busy: [1_893_492_000_000, 1_893_493_800_000] };
    expect(ListBusyTime.output.parse(overTheWire(busy))).toEqual(busy);
    const page = overTheWire({
      data: [
        {
          id: 'e1',
          type: 'booking.created',
          version: 1,
          occurredAt: new Date('2030-01-01T10:00:00Z'),
          correlationId: 'r1',
          actorId: null,
          data: { id: 'b1' },
        },
      ],
      nextCursor: 'p1',
    });
    expect(ReadFeed.output.parse(page)).toEqual(page);
  });

  it('is null for a command that answers nothing', () => {
    expect(DeleteRange.output.parse(overTheWire(null))).toBeNull();
    expect(AnnounceHostTerms.output.parse(overTheWire(null))).toBeNull();
  });

  it('refuses a reply that is not the output, such as a date where a number belongs', () => {
    expect(ListBusyTime.output.safeParse(overTheWire({ busy: [new Date()] })).success).toBe(false);
    expect(GetBooking.output.safeParse(overTheWire({ ...booking, status: 'lost' })).success).toBe(
      false,
    );
  });
});
