import { z } from 'zod';
import { Actor } from '../common/actor';
import { defineCommand } from '../common/command';
import { Instant, InstantOut } from '../common/timestamp';
import { GetHostTermsCommand, HostTerms } from './host-terms';
import {
  AvailabilityRange,
  AvailabilityRangeList,
  CreateRangeBody,
  RangesQuery,
  SlotDuration,
  UpdateRangeBody,
} from './rest';
import {
  BookableEventType,
  CreateEventTypeCommand,
  CreateScheduleCommand,
  EventType,
  EventTypeActionCommand,
  EventTypeList,
  GetBookableEventTypeCommand,
  ListEventTypesCommand,
  ListHostRecordsCommand,
  ReadEventTypeCommand,
  Schedule,
  ScheduleActionCommand,
  ScheduleList,
  UpdateEventTypeCommand,
  UpdateScheduleCommand,
} from './schedules';

export const AVAILABILITY_QUEUE = 'availability.commands';

/** Message patterns of availability's commands (imperative names). */
export const AvailabilityCommand = {
  CreateRange: 'availability.create-range',
  ListRanges: 'availability.list-ranges',
  UpdateRange: 'availability.update-range',
  DeleteRange: 'availability.delete-range',
  /** The compact grid the gateway derives free slots from (ranges open for booking). */
  ListBookableRanges: 'availability.list-bookable-ranges',
  /**
   * What booking decides a host's slots by (its ranges, schedules, event types, whether it can
   * be booked), by host or by event type: asked only when booking's copy is older than the
   * version availability announced for the host (see host-terms.ts).
   */
  GetHostTerms: 'availability.get-host-terms',
  CreateSchedule: 'availability.create-schedule',
  GetSchedule: 'availability.get-schedule',
  UpdateSchedule: 'availability.update-schedule',
  DeleteSchedule: 'availability.delete-schedule',
  ListSchedules: 'availability.list-schedules',
  CreateEventType: 'availability.create-event-type',
  GetEventType: 'availability.get-event-type',
  UpdateEventType: 'availability.update-event-type',
  DeleteEventType: 'availability.delete-event-type',
  ListEventTypes: 'availability.list-event-types',
  /** The event type with its schedule, for slot math (404 unless its host can be booked). */
  GetBookableEventType: 'availability.get-bookable-event-type',
} as const;

export const CreateRangeCommand = CreateRangeBody.extend({ actor: Actor });
export type CreateRangeCommand = z.infer<typeof CreateRangeCommand>;

export const ListRangesCommand = z.object({
  hostId: z.string().min(1),
  query: RangesQuery,
});
export type ListRangesCommand = z.infer<typeof ListRangesCommand>;

export const UpdateRangeCommand = z.object({
  actor: Actor,
  rangeId: z.string().min(1),
  changes: UpdateRangeBody,
});
export type UpdateRangeCommand = z.infer<typeof UpdateRangeCommand>;

export const DeleteRangeCommand = z.object({ actor: Actor, rangeId: z.string().min(1) });
export type DeleteRangeCommand = z.infer<typeof DeleteRangeCommand>;

export const ListBookableRangesCommand = z.object({
  hostId: z.string().min(1),
  from: Instant,
  to: Instant,
});
export type ListBookableRangesCommand = z.infer<typeof ListBookableRangesCommand>;

/**
 * A range overlapping the window, reduced to what slot math needs. Ranges whose change is in
 * progress are left out: booking refuses their slots until the change is over.
 */
export const BookableRange = z.object({
  startTime: InstantOut,
  endTime: InstantOut,
  slotDuration: SlotDuration,
});
export type BookableRange = z.infer<typeof BookableRange>;
export const BookableRanges = z.object({ data: z.array(BookableRange) });
export type BookableRanges = z.infer<typeof BookableRanges>;

// What each command carries and answers; the reads are retry-safe.

export const CreateRange = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.CreateRange,
  input: CreateRangeCommand,
  output: AvailabilityRange,
  retrySafe: false,
});

export const ListRanges = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.ListRanges,
  input: ListRangesCommand,
  output: AvailabilityRangeList,
  retrySafe: true,
});

export const UpdateRange = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.UpdateRange,
  input: UpdateRangeCommand,
  output: AvailabilityRange,
  retrySafe: false,
});

/** Answers nothing (null): the range is gone. */
export const DeleteRange = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.DeleteRange,
  input: DeleteRangeCommand,
  output: z.null(),
  retrySafe: false,
});

export const ListBookableRanges = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.ListBookableRanges,
  input: ListBookableRangesCommand,
  output: BookableRanges,
  retrySafe: true,
});

export const GetHostTerms = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.GetHostTerms,
  input: GetHostTermsCommand,
  output: HostTerms,
  retrySafe: true,
});

export const CreateSchedule = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.CreateSchedule,
  input: CreateScheduleCommand,
  output: Schedule,
  retrySafe: false,
});

export const GetSchedule = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.GetSchedule,
  input: ScheduleActionCommand,
  output: Schedule,
  retrySafe: true,
});

export const UpdateSchedule = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.UpdateSchedule,
  input: UpdateScheduleCommand,
  output: Schedule,
  retrySafe: false,
});

/** Answers nothing (null): the schedule is gone. */
export const DeleteSchedule = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.DeleteSchedule,
  input: ScheduleActionCommand,
  output: z.null(),
  retrySafe: false,
});

export const ListSchedules = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.ListSchedules,
  input: ListHostRecordsCommand,
  output: ScheduleList,
  retrySafe: true,
});

export const CreateEventType = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.CreateEventType,
  input: CreateEventTypeCommand,
  output: EventType,
  retrySafe: false,
});

export const GetEventType = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.GetEventType,
  input: ReadEventTypeCommand,
  output: EventType,
  retrySafe: true,
});

export const UpdateEventType = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.UpdateEventType,
  input: UpdateEventTypeCommand,
  output: EventType,
  retrySafe: false,
});

/** Answers nothing (null): the event type is gone. */
export const DeleteEventType = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.DeleteEventType,
  input: EventTypeActionCommand,
  output: z.null(),
  retrySafe: false,
});

export const ListEventTypes = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.ListEventTypes,
  input: ListEventTypesCommand,
  output: EventTypeList,
  retrySafe: true,
});

export const GetBookableEventType = defineCommand({
  queue: AVAILABILITY_QUEUE,
  pattern: AvailabilityCommand.GetBookableEventType,
  input: GetBookableEventTypeCommand,
  output: BookableEventType,
  retrySafe: true,
});

export const AVAILABILITY_COMMANDS = [
  CreateRange,
  ListRanges,
  UpdateRange,
  DeleteRange,
  ListBookableRanges,
  GetHostTerms,
  CreateSchedule,
  GetSchedule,
  UpdateSchedule,
  DeleteSchedule,
  ListSchedules,
  CreateEventType,
  GetEventType,
  UpdateEventType,
  DeleteEventType,
  ListEventTypes,
  GetBookableEventType,
] as const;
