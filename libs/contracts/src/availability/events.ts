import { defineEvent } from '../common/event';
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

// `data` is the whole record: as created, as it is after the change, as it was when deleted.

export const AvailabilityCreated = defineEvent({
  exchange: AVAILABILITY_EXCHANGE,
  type: AvailabilityEvent.RangeCreated,
  summary: 'A host published a range of availability; `data` is the range.',
  data: AvailabilityRange,
});
export const AvailabilityUpdated = defineEvent({
  exchange: AVAILABILITY_EXCHANGE,
  type: AvailabilityEvent.RangeUpdated,
  summary: 'A range was changed (PATCH); `data` is the range after the change.',
  data: AvailabilityRange,
});
export const AvailabilityDeleted = defineEvent({
  exchange: AVAILABILITY_EXCHANGE,
  type: AvailabilityEvent.RangeDeleted,
  summary: 'A range was deleted; `data` is the range as it was.',
  data: AvailabilityRange,
});
export const ScheduleCreated = defineEvent({
  exchange: AVAILABILITY_EXCHANGE,
  type: AvailabilityEvent.ScheduleCreated,
  summary: 'A host stated weekly hours in a time zone; `data` is the schedule.',
  data: Schedule,
});
export const ScheduleUpdated = defineEvent({
  exchange: AVAILABILITY_EXCHANGE,
  type: AvailabilityEvent.ScheduleUpdated,
  summary:
    'A schedule was changed (hours, overrides, zone or name); `data` is the schedule after ' +
    'the change. Existing bookings stay as they are.',
  data: Schedule,
});
export const ScheduleDeleted = defineEvent({
  exchange: AVAILABILITY_EXCHANGE,
  type: AvailabilityEvent.ScheduleDeleted,
  summary: 'A schedule was deleted; `data` is the schedule as it was.',
  data: Schedule,
});
export const EventTypeCreated = defineEvent({
  exchange: AVAILABILITY_EXCHANGE,
  type: AvailabilityEvent.EventTypeCreated,
  summary: 'A host offered a kind of booking on a schedule; `data` is the event type.',
  data: EventType,
});
export const EventTypeUpdated = defineEvent({
  exchange: AVAILABILITY_EXCHANGE,
  type: AvailabilityEvent.EventTypeUpdated,
  summary:
    'An event type was changed; `data` is the event type after the change. Existing bookings ' +
    'keep their times.',
  data: EventType,
});
export const EventTypeDeleted = defineEvent({
  exchange: AVAILABILITY_EXCHANGE,
  type: AvailabilityEvent.EventTypeDeleted,
  summary: 'An event type was deleted; `data` is the event type as it was.',
  data: EventType,
});

export const AVAILABILITY_EVENTS = [
  AvailabilityCreated,
  AvailabilityUpdated,
  AvailabilityDeleted,
  ScheduleCreated,
  ScheduleUpdated,
  ScheduleDeleted,
  EventTypeCreated,
  EventTypeUpdated,
  EventTypeDeleted,
] as const;
