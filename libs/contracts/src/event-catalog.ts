import { z } from 'zod';
import {
  AVAILABILITY_EXCHANGE,
  AvailabilityCreated,
  AvailabilityDeleted,
  AvailabilityUpdated,
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
