import { AvailabilityCommand } from './availability/commands';
import { BookingCommand } from './booking/commands';
import { IdentityCommand } from './identity/commands';
import { WebhooksCommand } from './webhooks/commands';

/**
 * Commands the gateway may send again when the first attempt's answer was lost (a broker
 * drop): sending one twice has the effect of sending it once. The reads, and booking's
 * writes, whose `commandId` makes a second run find the first one's write and answer it. Any
 * other write joins this list once its handler is idempotent under redelivery, and not before.
 */
export const RETRY_SAFE_COMMANDS: ReadonlySet<string> = new Set<string>([
  IdentityCommand.GetUser,
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
  BookingCommand.ListHeldSlots,
  BookingCommand.ListBusyTime,
  BookingCommand.AnnounceHostTerms,
  BookingCommand.CreateBooking,
  BookingCommand.ConfirmBooking,
  BookingCommand.CancelBooking,
  BookingCommand.CompleteBooking,
  BookingCommand.RescheduleBooking,
  WebhooksCommand.ListWebhooks,
  WebhooksCommand.GetWebhook,
  WebhooksCommand.ListDeliveries,
  WebhooksCommand.ReadFeed,
]);

export function isRetrySafe(pattern: string): boolean {
  return RETRY_SAFE_COMMANDS.has(pattern);
}
