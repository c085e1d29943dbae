import { z } from 'zod';
import { EventTypeShape, EventTypeTerms, Schedule } from './schedules';

/*
 * Booking decides a slot by its copy of the host's terms, never by asking on the create path
 * (SPEC §11). Every write of a host's document is announced to booking (AnnounceHostTerms:
 * the version it writes, before the write and again before it is answered), and booking keeps
 * the newest version announced per host in its Redis. Booking holds a slot's time first and
 * reads that version second: a copy at least that new decides; an older copy, or no version
 * (Redis down or emptied), is fetched again with GetHostTerms. A range change stops new bookings
 * (its lease, a write) before it looks for held time, so either the booking's read sees the
 * lease's version, or the change sees the booking's time.
 */

/** By host (a range slot), or by event type (whose host booking may not know yet). */
export const GetHostTermsCommand = z.union([
  z.object({ hostId: z.string().min(1) }),
  z.object({ eventTypeId: z.string().min(1) }),
]);
export type GetHostTermsCommand = z.infer<typeof GetHostTermsCommand>;

/** A range as booking decides its slots: instants in epoch milliseconds. */
export const TermsRange = z.object({
  id: z.string(),
  start: z.number(),
  end: z.number(),
  slotDuration: z.number().int(),
  requiresConfirmation: z.boolean(),
  /** While a change of the range is under way (and a little after), its slots are closed. */
  closedUntil: z.number().nullable(),
});
export type TermsRange = z.infer<typeof TermsRange>;

export const TermsSchedule = Schedule.pick({
  id: true,
  timeZone: true,
  weekly: true,
  overrides: true,
});
export type TermsSchedule = z.infer<typeof TermsSchedule>;

/**
 * An event type as booking decides its bookings: slot math, and what it checks of a guest's
 * create (public, the answers to its questions) and of a guest's cancel (minimumCancelNotice).
 */
export const TermsEventType = EventTypeShape.extend({
  ...EventTypeTerms.shape,
  id: z.string(),
  scheduleId: z.string(),
});
export type TermsEventType = z.infer<typeof TermsEventType>;

/** Everything a host's slots depend on, at one version of the host's document (0: none yet). */
export const HostTerms = z.object({
  hostId: z.string(),
  version: z.number().int().min(0),
  /** Only an active HOST can be booked. */
  bookable: z.boolean(),
  ranges: z.array(TermsRange),
  schedules: z.array(TermsSchedule),
  eventTypes: z.array(TermsEventType),
});
export type HostTerms = z.infer<typeof HostTerms>;
