import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  AVAILABILITY_EXCHANGE,
  AvailabilityEvent,
  DomainError,
  ErrorCode,
  type Actor,
  type BookableEventType,
  type CreateEventTypeCommand,
  type CreateScheduleCommand,
  type EventType,
  type EventTypeActionCommand,
  type EventTypeHost,
  type EventTypeList,
  type GetBookableEventTypeCommand,
  type ListEventTypesCommand,
  type ListHostRecordsCommand,
  type PendingEvent,
  type ReadEventTypeCommand,
  type Schedule,
  type ScheduleActionCommand,
  type ScheduleList,
  type UpdateEventTypeCommand,
  type UpdateScheduleCommand,
} from '@slotbook/contracts';
import { newEvent } from '@slotbook/messaging';
import { LOST_RACE, RecordChanges } from '@slotbook/persistence';
import { isBookable } from '../host-accounts/host-account-rules';
import { HeldSlotsClient } from '../ranges/held-slots.client';
import { HostDirectory } from '../ranges/host-directory.client';
import { HostAvailabilityRepository } from '../ranges/host-availability.repository';
import { HostWriteQueue } from '../ranges/host-write-queue';
import { HostSchedulesRepository, type StoredSchedules } from './host-schedules.repository';
import {
  assertMayWrite,
  assertRoomFor,
  assertScheduleUnused,
  eventTypeIn,
  mayChange,
  mayRead,
  newEventType,
  newSchedule,
  patchedEventType,
  patchedSchedule,
  scheduleCreator,
  scheduleIn,
  unseenEventType,
  type EventTypeEntry,
  type HostSchedules,
} from './schedule-rules';
import { toBookableEventType, toEventType, toSchedule } from './schedule.mapper';
import { WRITE_WAIT_MS } from '../ranges/range-change.timing';

const HOST_BUSY = "the host's schedules are being changed by another request; retry";

/** What a write decided: the lists it replaces, its events, its answer. */
interface Decision<T> {
  changes: Partial<HostSchedules>;
  events: PendingEvent[];
  result: T;
}

/**
 * Schedules and event types (SPEC §4a), stored as intent in the host's document. Each change is
 * one read-decide-write of that document; slots are derived from it when asked for.
 */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly stored: HostSchedulesRepository,
    private readonly recordHosts: HostAvailabilityRepository,
    private readonly changes: RecordChanges,
    private readonly writeQueue: HostWriteQueue,
    private readonly hosts: HostDirectory,
    private readonly heldSlots: HeldSlotsClient,
  ) {}

  async createSchedule({ actor, body }: CreateScheduleCommand): Promise<Schedule> {
    const hostId = scheduleCreator(actor, body.hostId);
    if (actor.role === 'ADMIN') await this.hosts.requireHost(hostId);
    const id = randomUUID();
    await this.recordHosts.recordHost(id, hostId);
    return this.write(hostId, (stored, now) => {
      assertRoomFor('schedules', stored);
      const entry = newSchedule(id, body, now);
      const record = toSchedule(hostId, entry);
      return {
        changes: { schedules: [...stored.schedules, entry] },
        events: [this.event(AvailabilityEvent.ScheduleCreated, record, actor, now)],
        result: record,
      };
    });
  }

  async getSchedule({ scheduleId }: { scheduleId: string }): Promise<Schedule> {
    const { hostId, stored } = await this.readOf(scheduleId, 'schedule');
    return toSchedule(hostId, scheduleIn(stored.schedules, scheduleId));
  }

  async listSchedules({ hostId }: ListHostRecordsCommand): Promise<ScheduleList> {
    const stored = await this.stored.find(hostId);
    return { data: (stored?.schedules ?? []).map((entry) => toSchedule(hostId, entry)) };
  }

  async updateSchedule({ actor, scheduleId, changes }: UpdateScheduleCommand): Promise<Schedule> {
    const hostId = await this.writableHostOf(actor, scheduleId, 'schedule');
    return this.write(hostId, (stored, now) => {
      const entry = patchedSchedule(scheduleIn(stored.schedules, scheduleId), changes, now);
      const record = toSchedule(hostId, entry);
      return {
        changes: {
          schedules: stored.schedules.map((schedule) =>
            schedule.id === scheduleId ? entry : schedule,
          ),
        },
        events: [this.event(AvailabilityEvent.ScheduleUpdated, record, actor, now)],
        result: record,
      };
    });
  }

  /** 409 while an event type uses the schedule: decided on the same record it is written to. */
  async deleteSchedule({ actor, scheduleId }: ScheduleActionCommand): Promise<void> {
    const hostId = await this.writableHostOf(actor, scheduleId, 'schedule');
    await this.write(hostId, (stored, now) => {
      const entry = scheduleIn(stored.schedules, scheduleId);
      assertScheduleUnused(stored.eventTypes, scheduleId);
      return {
        changes: { schedules: stored.schedules.filter((schedule) => schedule.id !== scheduleId) },
        events: [
          this.event(AvailabilityEvent.ScheduleDeleted, toSchedule(hostId, entry), actor, now),
        ],
        result: undefined,
      };
    });
  }

  /** The event type's host is its schedule's; a schedule that is not the actor's is 404. */
  async createEventType({ actor, body }: CreateEventTypeCommand): Promise<EventType> {
    const hostId = await this.writableHostOf(actor, body.scheduleId, 'schedule');
    const id = randomUUID();
    await this.recordHosts.recordHost(id, hostId);
    return this.write(hostId, (stored, now, host) => {
      scheduleIn(stored.schedules, body.scheduleId);
      assertRoomFor('eventTypes', stored);
      const entry = newEventType(id, body, now);
      const record = toEventType(host, entry);
      return {
        changes: { eventTypes: [...stored.eventTypes, entry] },
        events: [this.event(AvailabilityEvent.EventTypeCreated, record, actor, now)],
        result: record,
      };
    });
  }

  async getEventType({ actor, eventTypeId }: ReadEventTypeCommand): Promise<EventType> {
    const { stored, eventType } = await this.readEventType(actor, eventTypeId);
    return toEventType(hostOf(stored.hostId, stored), eventType);
  }

  /** In creation order; without a token, only the public ones (SPEC §4b). */
  async listEventTypes({ actor, hostId }: ListEventTypesCommand): Promise<EventTypeList> {
    const stored = await this.stored.find(hostId);
    const host = hostOf(hostId, stored);
    return {
      data: (stored?.eventTypes ?? [])
        .filter((entry) => mayRead(actor, entry))
        .map((entry) => toEventType(host, entry)),
    };
  }

  async updateEventType({
    actor,
    eventTypeId,
    changes,
  }: UpdateEventTypeCommand): Promise<EventType> {
    const hostId = await this.writableHostOf(actor, eventTypeId, 'event type');
    const seats = changes.seatsPerSlot;
    const overfull =
      seats === undefined
        ? undefined
        : await this.heldSlots.firstOverfull(hostId, eventTypeId, seats);
    return this.write(hostId, (stored, now, host) => {
      const before = eventTypeIn(stored.eventTypes, eventTypeId);
      if (overfull && seats! < before.seatsPerSlot) {
        throw new DomainError(
          ErrorCode.Conflict,
          `the slot at ${overfull.toISOString()} already holds more than ${seats} seats`,
        );
      }
      const entry = patchedEventType(before, changes, stored.schedules, now);
      const record = toEventType(host, entry);
      return {
        changes: {
          eventTypes: stored.eventTypes.map((eventType) =>
            eventType.id === eventTypeId ? entry : eventType,
          ),
        },
        events: [this.event(AvailabilityEvent.EventTypeUpdated, record, actor, now)],
        result: record,
      };
    });
  }

  async deleteEventType({ actor, eventTypeId }: EventTypeActionCommand): Promise<void> {
    const hostId = await this.writableHostOf(actor, eventTypeId, 'event type');
    await this.write(hostId, (stored, now, host) => {
      const entry = eventTypeIn(stored.eventTypes, eventTypeId);
      return {
        changes: {
          eventTypes: stored.eventTypes.filter((eventType) => eventType.id !== eventTypeId),
        },
        events: [
          this.event(AvailabilityEvent.EventTypeDeleted, toEventType(host, entry), actor, now),
        ],
        result: undefined,
      };
    });
  }

  /**
   * What slot math needs; 404 for a host that cannot be booked, as for an unknown event type
   * (without a token, 401 for an event type that is not public or does not exist).
   */
  async getBookable({
    actor,
    eventTypeId,
  }: GetBookableEventTypeCommand): Promise<BookableEventType> {
    const { stored, eventType } = await this.readEventType(actor, eventTypeId);
    if (!isBookable(stored.account)) throw DomainError.notFound('event type');
    const schedule = scheduleIn(stored.schedules, eventType.scheduleId);
    return toBookableEventType(stored.hostId, eventType, schedule);
  }

  /** The event type and its host's document, if the caller may see it (see unseenEventType). */
  private async readEventType(
    actor: Actor | undefined,
    eventTypeId: string,
  ): Promise<{ stored: StoredSchedules; eventType: EventTypeEntry }> {
    const hostId = await this.recordHosts.hostOf(eventTypeId);
    const stored = hostId ? await this.stored.find(hostId) : null;
    const eventType = stored?.eventTypes.find((candidate) => candidate.id === eventTypeId);
    if (!stored || !eventType || !mayRead(actor, eventType)) throw unseenEventType(actor);
    return { stored, eventType };
  }

  /** The host's document of a schedule or event type, by two `_id` lookups; 404 if unknown. */
  private async readOf(
    recordId: string,
    what: string,
  ): Promise<{ hostId: string; stored: StoredSchedules }> {
    const hostId = await this.recordHosts.hostOf(recordId);
    const stored = hostId ? await this.stored.find(hostId) : null;
    if (!hostId || !stored) throw DomainError.notFound(what);
    return { hostId, stored };
  }

  /** The host of a record the actor may change; 404 for anyone else's (never revealed). */
  private async writableHostOf(actor: Actor, recordId: string, what: string): Promise<string> {
    assertMayWrite(actor);
    const hostId = await this.recordHosts.hostOf(recordId);
    if (!hostId || !mayChange(actor, hostId)) throw DomainError.notFound(what);
    return hostId;
  }

  private event(type: string, record: Schedule | EventType, actor: Actor, now: Date) {
    return newEvent(AVAILABILITY_EXCHANGE, type, record, actor.id, now);
  }

  /**
   * One read-decide-write of the host's document, by compare-and-set on the version read; a
   * writer that lost to another decides again on the newer lists. `decide` throws to refuse.
   */
  private async write<T>(
    hostId: string,
    decide: (stored: HostSchedules, now: Date, host: EventTypeHost) => Decision<T>,
  ): Promise<T> {
    const decision = await this.writeQueue.around(hostId, () =>
      this.changes.of(
        async () => {
          const read = await this.stored.find(hostId);
          const decided = decide(
            read ?? { schedules: [], eventTypes: [] },
            new Date(),
            hostOf(hostId, read),
          );
          const written = await this.stored.write(hostId, read, decided.changes, decided.events);
          return written ? decided : LOST_RACE;
        },
        { budgetMs: WRITE_WAIT_MS, busy: HOST_BUSY },
      ),
    );
    return decision.result;
  }
}

/** Whom an event type's bookings are with; the name is null until identity's events told it. */
function hostOf(hostId: string, stored: StoredSchedules | null): EventTypeHost {
  return { id: hostId, name: stored?.account?.name ?? null };
}
