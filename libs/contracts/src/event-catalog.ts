import { z } from 'zod';
import {
  AVAILABILITY_EXCHANGE,
  AvailabilityCreated,
  AvailabilityDeleted,
  AvailabilityUpdated,
  EventTypeCreated,
  EventTypeDeleted,
  EventTypeUpdated,
  ScheduleCreated,
  ScheduleDeleted,
  ScheduleUpdated,
} from './availability/events';
import {
  BOOKING_EXCHANGE,
  BookingCancelled,
  BookingCompleted,
  BookingConfirmed,
  BookingCreated,
  BookingRescheduled,
} from './booking/events';
import { IDENTITY_EXCHANGE, UserDeactivated, UserRegistered, UserUpdated } from './identity/events';

export interface CatalogEntry {
  exchange: string;
  type: string;
  summary: string;
  schema: z.ZodType;
}

/**
 * Every domain event other systems may subscribe to. The AsyncAPI document in docs/ is
 * generated from this list (see asyncapi.ts), so the published contract cannot drift from the
 * schemas that the services validate with.
 */
export const EVENT_CATALOG: CatalogEntry[] = [
  {
    exchange: IDENTITY_EXCHANGE,
    type: 'user.registered',
    summary: 'An account was created.',
    schema: UserRegistered,
  },
  {
    exchange: IDENTITY_EXCHANGE,
    type: 'user.updated',
    summary: 'A profile, role or active flag changed.',
    schema: UserUpdated,
  },
  {
    exchange: IDENTITY_EXCHANGE,
    type: 'user.deactivated',
    summary: 'An admin deactivated an account.',
    schema: UserDeactivated,
  },
  {
    exchange: AVAILABILITY_EXCHANGE,
    type: 'availability.created',
    summary: 'A host published a range of availability; `data` is the range.',
    schema: AvailabilityCreated,
  },
  {
    exchange: AVAILABILITY_EXCHANGE,
    type: 'availability.updated',
    summary: 'A range was changed (PATCH); `data` is the range after the change.',
    schema: AvailabilityUpdated,
  },
  {
    exchange: AVAILABILITY_EXCHANGE,
    type: 'availability.deleted',
    summary: 'A range was deleted; `data` is the range as it was.',
    schema: AvailabilityDeleted,
  },
  {
    exchange: AVAILABILITY_EXCHANGE,
    type: 'schedule.created',
    summary: 'A host stated weekly hours in a time zone; `data` is the schedule.',
    schema: ScheduleCreated,
  },
  {
    exchange: AVAILABILITY_EXCHANGE,
    type: 'schedule.updated',
    summary:
      'A schedule was changed (hours, overrides, zone or name); `data` is the schedule after ' +
      'the change. Existing bookings stay as they are.',
    schema: ScheduleUpdated,
  },
  {
    exchange: AVAILABILITY_EXCHANGE,
    type: 'schedule.deleted',
    summary: 'A schedule was deleted; `data` is the schedule as it was.',
    schema: ScheduleDeleted,
  },
  {
    exchange: AVAILABILITY_EXCHANGE,
    type: 'event-type.created',
    summary: 'A host offered a kind of booking on a schedule; `data` is the event type.',
    schema: EventTypeCreated,
  },
  {
    exchange: AVAILABILITY_EXCHANGE,
    type: 'event-type.updated',
    summary:
      'An event type was changed; `data` is the event type after the change. Existing bookings ' +
      'keep their times.',
    schema: EventTypeUpdated,
  },
  {
    exchange: AVAILABILITY_EXCHANGE,
    type: 'event-type.deleted',
    summary: 'An event type was deleted; `data` is the event type as it was.',
    schema: EventTypeDeleted,
  },
  {
    exchange: BOOKING_EXCHANGE,
    type: 'booking.created',
    summary: 'A slot was booked (pending or confirmed).',
    schema: BookingCreated,
  },
  {
    exchange: BOOKING_EXCHANGE,
    type: 'booking.confirmed',
    summary: 'The host confirmed a pending booking.',
    schema: BookingConfirmed,
  },
  {
    exchange: BOOKING_EXCHANGE,
    type: 'booking.cancelled',
    summary: 'A booking was cancelled; its slot is free again. `data.reason` says why, if given.',
    schema: BookingCancelled,
  },
  {
    exchange: BOOKING_EXCHANGE,
    type: 'booking.completed',
    summary: 'A confirmed booking was completed after its slot.',
    schema: BookingCompleted,
  },
  {
    exchange: BOOKING_EXCHANGE,
    type: 'booking.rescheduled',
    summary:
      'A booking moved to another slot; `data.previousStartTime` is where it was. It takes the ' +
      'status the new slot gives (`pending` when its range requires confirmation, else ' +
      '`confirmed`); `data.previousStatus` is the status it had.',
    schema: BookingRescheduled,
  },
];
