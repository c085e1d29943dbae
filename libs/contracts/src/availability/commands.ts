import { z } from 'zod';
import { Actor } from '../common/actor';
import { Instant, InstantOut } from '../common/timestamp';
import { CreateRangeBody, RangesQuery, SlotDuration, UpdateRangeBody } from './rest';

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
