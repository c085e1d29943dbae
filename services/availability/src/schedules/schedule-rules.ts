import {
  DomainError,
  EVENT_TYPE_DEFAULTS,
  ErrorCode,
  type Actor,
  type BookingField,
  type CreateEventTypeBody,
  type CreateScheduleBody,
  type DateOverride,
  type EventTypeShape,
  type UpdateEventTypeBody,
  type UpdateScheduleBody,
  type WeeklyInterval,
} from '@slotbook/contracts';

/**
 * The rules of schedules and event types (SPEC §4a) that need stored state, as pure functions:
 * no Nest, no I/O, `now` passed in. The rules of one body (formats, bounds, overlapping hours of
 * a day) are the contract's; the service reads the host's document, decides with these, and
 * writes the result with one compare-and-set.
 */

/** A schedule as the host's document stores it; its host is the document's. */
export interface ScheduleEntry {
  id: string;
  name: string;
  timeZone: string;
  weekly: WeeklyInterval[];
  overrides: DateOverride[];
  createdAt: Date;
  updatedAt: Date;
}

/** An event type as the host's document stores it; its host is the document's. */
export interface EventTypeEntry extends EventTypeShape {
  id: string;
  scheduleId: string;
  title: string;
  public: boolean;
  description: string;
  bookingFields: BookingField[];
  minimumCancelNotice: number;
  createdAt: Date;
  updatedAt: Date;
}

type FieldsOf4b =
  'public' | 'description' | 'bookingFields' | 'minimumCancelNotice' | 'seatsPerSlot';

/**
 * An event type as read from the host's document: one stored before SPEC §4b lacks its
 * fields, and reads as their defaults.
 */
export function storedEventType(
  entry: Omit<EventTypeEntry, FieldsOf4b> & Partial<Pick<EventTypeEntry, FieldsOf4b>>,
): EventTypeEntry {
  return {
    public: EVENT_TYPE_DEFAULTS.public,
    description: EVENT_TYPE_DEFAULTS.description,
    bookingFields: [],
    minimumCancelNotice: EVENT_TYPE_DEFAULTS.minimumCancelNotice,
    seatsPerSlot: EVENT_TYPE_DEFAULTS.seatsPerSlot,
    ...entry,
  };
}

/**
 * Who may read an event type: anyone signed in, and anyone at all when it is public (SPEC
 * §4b). `actor` is undefined for a caller without a token.
 */
export function mayRead(actor: Actor | undefined, eventType: EventTypeEntry): boolean {
  return actor !== undefined || eventType.public;
}

/**
 * The refusal of an event type the caller does not see: without a token 401, for one that is
 * not public and for one that does not exist alike (SPEC §4b); with one, 404.
 */
export function unseenEventType(actor: Actor | undefined): DomainError {
  return actor === undefined
    ? new DomainError(
        ErrorCode.Unauthorized,
        'an access token is required (Authorization: Bearer …)',
      )
    : DomainError.notFound('event type');
}

/** What one host's document holds of schedules and event types. */
export interface HostSchedules {
  schedules: ScheduleEntry[];
  eventTypes: EventTypeEntry[];
}

/**
 * At most this many per host: they all live in the host's one document, which every booking
 * check of the host reads, so it stays small (each schedule body is at most 100 KiB).
 */
export const MAX_SCHEDULES_PER_HOST = 50;
export const MAX_EVENT_TYPES_PER_HOST = 100;

/** Services re-check roles: the bus is not trusted to carry only what the gateway allowed. */
export function assertMayWrite(actor: Actor): void {
  if (actor.role !== 'HOST' && actor.role !== 'ADMIN') {
    throw new DomainError(
      ErrorCode.Forbidden,
      'only a host or an admin may change schedules and event types',
    );
  }
}

/** The host's own records, or any host's for an ADMIN. */
export function mayChange(actor: Actor, hostId: string): boolean {
  return actor.role === 'ADMIN' || (actor.role === 'HOST' && actor.id === hostId);
}

/**
 * Whose schedule a POST creates: a HOST's own (naming another `hostId` is 403); an ADMIN must
 * name the host (422 on `hostId`). Whether an ADMIN's choice is an active HOST is identity's to
 * say, asked by the service.
 */
export function scheduleCreator(actor: Actor, hostId: string | undefined): string {
  assertMayWrite(actor);
  if (actor.role === 'HOST') {
    if (hostId !== undefined && hostId !== actor.id) {
      throw new DomainError(ErrorCode.Forbidden, 'a host may create only their own schedules');
    }
    return actor.id;
  }
  if (hostId === undefined) {
    throw DomainError.validation('the host is missing', [
      { path: 'hostId', message: 'is required when an admin creates a schedule' },
    ]);
  }
  return hostId;
}

export function scheduleIn(schedules: ScheduleEntry[], scheduleId: string): ScheduleEntry {
  const schedule = schedules.find((candidate) => candidate.id === scheduleId);
  if (!schedule) throw DomainError.notFound('schedule');
  return schedule;
}

export function eventTypeIn(eventTypes: EventTypeEntry[], eventTypeId: string): EventTypeEntry {
  const eventType = eventTypes.find((candidate) => candidate.id === eventTypeId);
  if (!eventType) throw DomainError.notFound('event type');
  return eventType;
}

/** 409 while the host already has the most schedules or event types a document keeps. */
export function assertRoomFor(kind: 'schedules' | 'eventTypes', stored: HostSchedules): void {
  const [count, max, what] =
    kind === 'schedules'
      ? [stored.schedules.length, MAX_SCHEDULES_PER_HOST, 'schedules']
      : [stored.eventTypes.length, MAX_EVENT_TYPES_PER_HOST, 'event types'];
  if (count >= max) {
    throw new DomainError(ErrorCode.Conflict, `a host has at most ${max} ${what}`);
  }
}

/** A schedule is deleted only while no event type uses it (409, naming those that do). */
export function assertScheduleUnused(eventTypes: EventTypeEntry[], scheduleId: string): void {
  const users = eventTypes.filter((eventType) => eventType.scheduleId === scheduleId);
  if (users.length > 0) {
    throw new DomainError(
      ErrorCode.Conflict,
      `the schedule is used by ${users.length} event type(s); delete or move them first`,
      { eventTypeIds: users.map((eventType) => eventType.id) },
    );
  }
}

export function newSchedule(
  id: string,
  body: Pick<CreateScheduleBody, 'name' | 'timeZone' | 'weekly' | 'overrides'>,
  now: Date,
): ScheduleEntry {
  return {
    id,
    name: body.name,
    timeZone: body.timeZone,
    weekly: body.weekly,
    overrides: body.overrides,
    createdAt: now,
    updatedAt: now,
  };
}

/** A PATCH of a schedule: the fields given replace the stored ones (a list replaces a list). */
export function patchedSchedule(
  schedule: ScheduleEntry,
  changes: UpdateScheduleBody,
  now: Date,
): ScheduleEntry {
  return {
    ...schedule,
    name: changes.name ?? schedule.name,
    timeZone: changes.timeZone ?? schedule.timeZone,
    weekly: changes.weekly ?? schedule.weekly,
    overrides: changes.overrides ?? schedule.overrides,
    updatedAt: now,
  };
}

/** A new event type; `slotInterval` defaults to `duration` (SPEC §4a). */
export function newEventType(id: string, body: CreateEventTypeBody, now: Date): EventTypeEntry {
  return {
    id,
    scheduleId: body.scheduleId,
    title: body.title,
    duration: body.duration,
    slotInterval: body.slotInterval ?? body.duration,
    bufferBefore: body.bufferBefore,
    bufferAfter: body.bufferAfter,
    minimumNotice: body.minimumNotice,
    bookingHorizonDays: body.bookingHorizonDays,
    requiresConfirmation: body.requiresConfirmation,
    public: body.public,
    description: body.description,
    bookingFields: body.bookingFields,
    minimumCancelNotice: body.minimumCancelNotice,
    seatsPerSlot: body.seatsPerSlot,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A PATCH of an event type: the fields given replace the stored ones. A new `scheduleId` must
 * name another schedule of the same host (422 on `scheduleId` otherwise).
 */
export function patchedEventType(
  eventType: EventTypeEntry,
  changes: UpdateEventTypeBody,
  schedules: ScheduleEntry[],
  now: Date,
): EventTypeEntry {
  if (
    changes.scheduleId !== undefined &&
    !schedules.some((schedule) => schedule.id === changes.scheduleId)
  ) {
    throw DomainError.validation('the schedule is not one of the host', [
      { path: 'scheduleId', message: "is not a schedule of the event type's host" },
    ]);
  }
  const given = Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined),
  ) as Partial<EventTypeEntry>;
  return { ...eventType, ...given, updatedAt: now };
}
