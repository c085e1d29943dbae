import { eventEnvelope } from '../common/event-envelope';
import { AvailabilityRange } from './rest';

export const AVAILABILITY_EXCHANGE = 'availability.events';

export const AvailabilityEvent = {
  RangeCreated: 'availability.created',
  RangeUpdated: 'availability.updated',
  RangeDeleted: 'availability.deleted',
} as const;

/** `data` is the whole range: as created, as it is after the change, as it was when deleted. */
export const AvailabilityCreated = eventEnvelope(AvailabilityEvent.RangeCreated, AvailabilityRange);
export const AvailabilityUpdated = eventEnvelope(AvailabilityEvent.RangeUpdated, AvailabilityRange);
export const AvailabilityDeleted = eventEnvelope(AvailabilityEvent.RangeDeleted, AvailabilityRange);
