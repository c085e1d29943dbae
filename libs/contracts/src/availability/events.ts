import { eventEnvelope } from '../common/event-envelope';
import { AvailabilityRange } from './rest';
import { EventType, Schedule } from './schedules';

export const AVAILABILITY_EXCHANGE = 'availability.events';

export const AvailabilityEvent = {
  RangeCreated: 'availability.created',
  RangeUpdated: 'availability.updated',
  RangeDeleted: 'availability.deleted',
  ScheduleCreated: 'schedule.created',
  ScheduleUpdated: 'schedule.updated',
  ScheduleDeleted: 'schedule.deleted',
  EventTypeCreated: 'event-type.created',
  EventTypeUpdated: 'event-type.updated',
  EventTypeDeleted: 'event-type.deleted',
} as const;

/** `data` is the whole range: as created, as it is after the change, as it was when deleted. */
export const AvailabilityCreated = eventEnvelope(AvailabilityEvent.RangeCreated, AvailabilityRange);
export const AvailabilityUpdated = eventEnvelope(AvailabilityEvent.RangeUpdated, AvailabilityRange);
export const AvailabilityDeleted = eventEnvelope(AvailabilityEvent.RangeDeleted, AvailabilityRange);

/** `data` is the whole schedule or event type: as created, as changed, as it was when deleted. */
export const ScheduleCreated = eventEnvelope(AvailabilityEvent.ScheduleCreated, Schedule);
export const ScheduleUpdated = eventEnvelope(AvailabilityEvent.ScheduleUpdated, Schedule);
export const ScheduleDeleted = eventEnvelope(AvailabilityEvent.ScheduleDeleted, Schedule);
export const EventTypeCreated = eventEnvelope(AvailabilityEvent.EventTypeCreated, EventType);
export const EventTypeUpdated = eventEnvelope(AvailabilityEvent.EventTypeUpdated, EventType);
export const EventTypeDeleted = eventEnvelope(AvailabilityEvent.EventTypeDeleted, EventType);
