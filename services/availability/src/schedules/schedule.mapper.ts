import type {
  BookableEventType,
  BookingField,
  EventType,
  EventTypeHost,
  Schedule,
  TermsEventType,
} from '@slotbook/contracts';
import type { EventTypeEntry, ScheduleEntry } from './schedule-rules';

/** Only the contract's fields, so nothing a stored subdocument carries beside them leaks. */
function hoursOf(schedule: ScheduleEntry): Pick<Schedule, 'weekly' | 'overrides'> {
  return {
    weekly: schedule.weekly.map(({ day, start, end }) => ({ day, start, end })),
    overrides: schedule.overrides.map(({ date, intervals }) => ({
      date,
      intervals: intervals.map(({ start, end }) => ({ start, end })),
    })),
  };
}

export function toSchedule(hostId: string, entry: ScheduleEntry): Schedule {
  return {
    id: entry.id,
    hostId,
    name: entry.name,
    timeZone: entry.timeZone,
    ...hoursOf(entry),
    createdAt: entry.createdAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
  };
}

function bookingFieldsOf(entry: EventTypeEntry): BookingField[] {
  return entry.bookingFields.map(({ slug, label, type, required, options }) => ({
    slug,
    label,
    type,
    required,
    ...(options ? { options: [...options] } : {}),
  }));
}

/** What booking decides an event type's bookings by (host-terms.ts in the contracts). */
export function toTermsEventType(entry: EventTypeEntry): TermsEventType {
  return {
    id: entry.id,
    scheduleId: entry.scheduleId,
    title: entry.title,
    duration: entry.duration,
    slotInterval: entry.slotInterval,
    bufferBefore: entry.bufferBefore,
    bufferAfter: entry.bufferAfter,
    minimumNotice: entry.minimumNotice,
    bookingHorizonDays: entry.bookingHorizonDays,
    requiresConfirmation: entry.requiresConfirmation,
    seatsPerSlot: entry.seatsPerSlot,
    public: entry.public,
    bookingFields: bookingFieldsOf(entry),
    minimumCancelNotice: entry.minimumCancelNotice,
  };
}

export function toEventType(host: EventTypeHost, entry: EventTypeEntry): EventType {
  return {
    ...toTermsEventType(entry),
    hostId: host.id,
    host: { id: host.id, name: host.name },
    description: entry.description,
    createdAt: entry.createdAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
  };
}

export function toBookableEventType(
  hostId: string,
  eventType: EventTypeEntry,
  schedule: ScheduleEntry,
): BookableEventType {
  return {
    eventTypeId: eventType.id,
    hostId,
    duration: eventType.duration,
    slotInterval: eventType.slotInterval,
    bufferBefore: eventType.bufferBefore,
    bufferAfter: eventType.bufferAfter,
    minimumNotice: eventType.minimumNotice,
    bookingHorizonDays: eventType.bookingHorizonDays,
    requiresConfirmation: eventType.requiresConfirmation,
    seatsPerSlot: eventType.seatsPerSlot,
    timeZone: schedule.timeZone,
    ...hoursOf(schedule),
  };
}
