import { z } from 'zod';
import { Instant, InstantOut } from '../common/timestamp';

/** Ranges and `/slots` windows span at most this many days (SPEC §4). */
export const MAX_WINDOW_DAYS = 31;
export const MAX_WINDOW_MS = MAX_WINDOW_DAYS * 24 * 60 * 60 * 1000;
/** An event type's slots: 32 days, so that a calendar month in any zone fits (SPEC §4a). */
export const MAX_EVENT_TYPE_WINDOW_DAYS = 32;
export const SLOT_MINUTES_MIN = 5;
export const SLOT_MINUTES_MAX = 1440;

/** Slot length in whole minutes; `"30"` and `30.5` are refused, not coerced. */
export const SlotDuration = z
  .number({ message: 'must be an integer number of minutes' })
  .int({ message: 'must be an integer number of minutes' })
  .min(SLOT_MINUTES_MIN, { message: `must be at least ${SLOT_MINUTES_MIN} minutes` })
  .max(SLOT_MINUTES_MAX, { message: `must be at most ${SLOT_MINUTES_MAX} minutes` });

const rangeFields = {
  startTime: Instant.describe('first slot starts here (ISO 8601 with an offset)'),
  endTime: Instant.describe('exclusive end; a partial tail slot is not offered'),
  slotDuration: SlotDuration.describe('minutes, 5–1440'),
};

/**
 * `POST /availability`. The shape is checked here; the rules that relate fields (end after
 * start, at least one whole slot, not in the past, at most 31 days, no overlap) are
 * availability's, checked on what it receives.
 */
export const CreateRangeBody = z.strictObject({
  ...rangeFields,
  requiresConfirmation: z.boolean().default(false),
  hostId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('ADMIN only (required for them); a HOST publishes their own availability'),
});
export type CreateRangeBody = z.infer<typeof CreateRangeBody>;

/** `PATCH /availability/:id`: any of the creation fields; the result obeys the same rules. */
export const UpdateRangeBody = z
  .strictObject({
    startTime: rangeFields.startTime.optional(),
    endTime: rangeFields.endTime.optional(),
    slotDuration: rangeFields.slotDuration.optional(),
    requiresConfirmation: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'at least one of startTime, endTime, slotDuration, requiresConfirmation must be given',
  });
export type UpdateRangeBody = z.infer<typeof UpdateRangeBody>;

/** An availability range as clients and subscribers see it. */
export const AvailabilityRange = z.object({
  id: z.string(),
  hostId: z.string(),
  startTime: InstantOut,
  endTime: InstantOut,
  slotDuration: z.number().int(),
  requiresConfirmation: z.boolean(),
  createdAt: InstantOut,
  updatedAt: InstantOut,
});
export type AvailabilityRange = z.infer<typeof AvailabilityRange>;

export const AvailabilityRangeList = z.object({ data: z.array(AvailabilityRange) });
export type AvailabilityRangeList = z.infer<typeof AvailabilityRangeList>;

/** `to` after `from`, at most `days` later; checked only once both parsed as instants. */
function windowRule(days: number) {
  return (
    window: { from?: Date; to?: Date },
    context: z.RefinementCtx<{ from?: Date; to?: Date }>,
  ): void => {
    if (!(window.from instanceof Date) || !(window.to instanceof Date)) return;
    const span = window.to.getTime() - window.from.getTime();
    if (span <= 0)
      context.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (span > days * 24 * 60 * 60 * 1000)
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be at most ${days} days after from`,
      });
  };
}

/**
 * `GET /hosts/:hostId/availability?from&to`: the ranges overlapping `[from, to)`. Without
 * `from` the window starts now; without `to` it ends 31 days after `from`.
 */
export const RangesQuery = z
  .strictObject({ from: Instant.optional(), to: Instant.optional() })
  .superRefine(windowRule(MAX_WINDOW_DAYS));
export type RangesQuery = z.infer<typeof RangesQuery>;

/** `GET /hosts/:hostId/slots?from&to`: the free slots whose start lies in `[from, to)`. */
export const SlotsQuery = z
  .strictObject({
    from: Instant.describe('required; slots starting at or after it'),
    to: Instant.describe('required; slots starting before it; at most 31 days after from'),
  })
  .superRefine(windowRule(MAX_WINDOW_DAYS));
export type SlotsQuery = z.infer<typeof SlotsQuery>;

/** `GET /event-types/:id/slots?from&to`: as SlotsQuery, with windows of up to 32 days. */
export const EventTypeSlotsQuery = z
  .strictObject({
    from: Instant.describe('required; slots starting at or after it'),
    to: Instant.describe('required; slots starting before it; at most 32 days after from'),
  })
  .superRefine(windowRule(MAX_EVENT_TYPE_WINDOW_DAYS));
export type EventTypeSlotsQuery = z.infer<typeof EventTypeSlotsQuery>;

export const Slot = z.object({
  startTime: InstantOut,
  endTime: InstantOut,
  /** Of a group event type (`seatsPerSlot` > 1): the seats the slot has left. */
  seatsLeft: z.number().int().min(1).optional(),
});
export type Slot = z.infer<typeof Slot>;
export const SlotList = z.object({ data: z.array(Slot) });
export type SlotList = z.infer<typeof SlotList>;

export const HostIdParam = z.strictObject({ hostId: z.string().min(1).max(100) });
export const RangeIdParam = z.strictObject({ id: z.string().min(1).max(100) });
