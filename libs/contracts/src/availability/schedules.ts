import { z } from 'zod';
import { Actor } from '../common/actor';
import { InstantOut } from '../common/timestamp';
import { TimeZone } from '../common/time-zone';
import { BookingFieldOut, BookingFields } from './booking-fields';

/**
 * Weekly schedules and event types (SPEC §4a): REST bodies, records, commands. The rules that
 * concern one body (formats, bounds, multiples of 5, overlapping hours of one day) are checked
 * here, so the gateway answers 422 with a field path for each; the rules that need stored state
 * (whose schedule it is, whether an event type still uses it) are availability's.
 */

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export const Weekday = z.enum(WEEKDAYS, { message: `must be one of ${WEEKDAYS.join(', ')}` });
export type Weekday = z.infer<typeof Weekday>;

/** Every minute value of §4a (local times, durations, buffers, notice) is a multiple of this. */
export const MINUTE_STEP = 5;

const HH_MM = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

/** Minutes since local midnight of `HH:MM` (24:00 is 1440); NaN when not of that form. */
export function localMinutes(time: string): number {
  const match = HH_MM.exec(time);
  if (!match) return Number.NaN;
  return match[1] === undefined ? 24 * 60 : Number(match[1]) * 60 + Number(match[2]);
}

/** A local wall-clock time `HH:MM`, 24-hour, `24:00` allowed as an end, on a 5-minute step. */
export const LocalTime = z
  .string()
  .regex(HH_MM, { message: 'must be a local time HH:MM between 00:00 and 24:00' })
  // A malformed time has its one error from the pattern above, not a second one from here.
  .refine((time) => Number.isNaN(localMinutes(time)) || localMinutes(time) % MINUTE_STEP === 0, {
    message: `must be a multiple of ${MINUTE_STEP} minutes`,
  });

/** A local calendar date `YYYY-MM-DD` that exists. */
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' })
  .refine(
    (date) => {
      const probe = new Date(`${date}T00:00:00Z`);
      return !Number.isNaN(probe.getTime()) && probe.toISOString().startsWith(date);
    },
    { message: 'is not a real calendar date' },
  );

const intervalFields = { start: LocalTime, end: LocalTime };

function startBeforeEnd(
  interval: { start: string; end: string },
  context: z.RefinementCtx<{ start: string; end: string }>,
): void {
  if (localMinutes(interval.start) >= localMinutes(interval.end)) {
    context.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
  }
}

export const LocalInterval = z.strictObject(intervalFields).superRefine(startBeforeEnd);
export type LocalInterval = z.infer<typeof LocalInterval>;

export const WeeklyInterval = z
  .strictObject({ day: Weekday, ...intervalFields })
  .superRefine(startBeforeEnd);
export type WeeklyInterval = z.infer<typeof WeeklyInterval>;

export const DateOverride = z.strictObject({
  date: LocalDate,
  intervals: z
    .array(LocalInterval)
    .max(48)
    .describe("replaces the date's weekly hours; [] makes the host unavailable that date"),
});
export type DateOverride = z.infer<typeof DateOverride>;

/**
 * The hours of one day may touch but not overlap. `items` are reported by their index in the
 * body (`weekly.3`, `overrides.0.intervals.1`). Intervals that are themselves invalid (a
 * malformed time, start not before end) already have their error and are left out here.
 */
function addOverlapIssues(
  items: Array<{ start: string; end: string }>,
  group: (index: number) => string,
  path: (index: number) => Array<string | number>,
  context: z.RefinementCtx<unknown>,
): void {
  const byGroup = new Map<string, number[]>();
  items.forEach(({ start, end }, index) => {
    if (!(localMinutes(start) < localMinutes(end))) return;
    const key = group(index);
    byGroup.set(key, [...(byGroup.get(key) ?? []), index]);
  });
  for (const indexes of byGroup.values()) {
    const sorted = [...indexes].sort(
      (a, b) => localMinutes(items[a].start) - localMinutes(items[b].start),
    );
    // Against the interval reaching furthest so far, not only the one before: 09:00–17:00
    // then 10:00–11:00 then 12:00–13:00 reports both later ones.
    let furthest = items[sorted[0]];
    for (let i = 1; i < sorted.length; i += 1) {
      const current = items[sorted[i]];
      if (localMinutes(current.start) < localMinutes(furthest.end)) {
        context.addIssue({
          code: 'custom',
          path: path(sorted[i]),
          message: `overlaps ${furthest.start}–${furthest.end} of the same day`,
        });
      }
      if (localMinutes(current.end) > localMinutes(furthest.end)) furthest = current;
    }
  }
}

function weeklyRule(weekly: WeeklyInterval[] | undefined, context: z.RefinementCtx<unknown>) {
  if (!weekly) return;
  addOverlapIssues(
    weekly,
    (i) => weekly[i].day,
    (i) => ['weekly', i],
    context,
  );
}

function overridesRule(overrides: DateOverride[] | undefined, context: z.RefinementCtx<unknown>) {
  if (!overrides) return;
  const seen = new Set<string>();
  overrides.forEach((override, index) => {
    if (seen.has(override.date)) {
      context.addIssue({
        code: 'custom',
        path: ['overrides', index, 'date'],
        message: 'is overridden twice',
      });
    }
    seen.add(override.date);
    addOverlapIssues(
      override.intervals,
      () => override.date,
      (i) => ['overrides', index, 'intervals', i],
      context,
    );
  });
}

const scheduleFields = {
  name: z.string().trim().min(1).max(100),
  timeZone: TimeZone.describe('IANA time zone of the hours, e.g. Europe/Berlin'),
  weekly: z
    .array(WeeklyInterval)
    .max(7 * 48)
    .describe('local hours per weekday; several intervals a day may touch but not overlap'),
  overrides: z.array(DateOverride).max(400),
};

/** `POST /schedules`. */
export const CreateScheduleBody = z
  .strictObject({
    ...scheduleFields,
    overrides: scheduleFields.overrides.default([]),
    hostId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('ADMIN only (required for them); a HOST creates their own schedules'),
  })
  .superRefine((body, context) => {
    weeklyRule(body.weekly, context);
    overridesRule(body.overrides, context);
  });
export type CreateScheduleBody = z.infer<typeof CreateScheduleBody>;

/** `PATCH /schedules/:id`: any of the fields; a list given replaces the stored one. */
export const UpdateScheduleBody = z
  .strictObject({
    name: scheduleFields.name.optional(),
    timeZone: scheduleFields.timeZone.optional(),
    weekly: scheduleFields.weekly.optional(),
    overrides: scheduleFields.overrides.optional(),
  })
  .superRefine((body, context) => {
    weeklyRule(body.weekly, context);
    overridesRule(body.overrides, context);
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'at least one of name, timeZone, weekly, overrides must be given',
  });
export type UpdateScheduleBody = z.infer<typeof UpdateScheduleBody>;

export const Schedule = z.object({
  id: z.string(),
  hostId: z.string(),
  name: z.string(),
  timeZone: z.string(),
  weekly: z.array(z.object({ day: Weekday, start: z.string(), end: z.string() })),
  overrides: z.array(
    z.object({
      date: z.string(),
      intervals: z.array(z.object({ start: z.string(), end: z.string() })),
    }),
  ),
  createdAt: InstantOut,
  updatedAt: InstantOut,
});
export type Schedule = z.infer<typeof Schedule>;
export const ScheduleList = z.object({ data: z.array(Schedule) });
export type ScheduleList = z.infer<typeof ScheduleList>;

/** Minutes on the 5-minute step within bounds; `"30"` and `30.5` are refused, not coerced. */
function minutes(min: number, max: number) {
  return z
    .number({ message: 'must be an integer number of minutes' })
    .int({ message: 'must be an integer number of minutes' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` })
    .refine((value) => value % MINUTE_STEP === 0, {
      message: `must be a multiple of ${MINUTE_STEP} minutes`,
    });
}

export const EVENT_TYPE_DEFAULTS = {
  bufferBefore: 0,
  bufferAfter: 0,
  minimumNotice: 0,
  bookingHorizonDays: 60,
  requiresConfirmation: false,
  public: false,
  description: '',
  minimumCancelNotice: 0,
  seatsPerSlot: 1,
} as const;

const eventTypeFields = {
  scheduleId: z.string().min(1).max(100),
  title: z.string().trim().min(1).max(200),
  duration: minutes(5, 1440).describe('minutes a booking lasts, 5–1440'),
  slotInterval: minutes(5, 1440).describe('minutes between slot starts, 5–1440; default duration'),
  bufferBefore: minutes(0, 240).describe('minutes kept free before each booking, 0–240'),
  bufferAfter: minutes(0, 240).describe('minutes kept free after each booking, 0–240'),
  minimumNotice: minutes(0, 43200).describe('a slot must start at least this many minutes ahead'),
  bookingHorizonDays: z
    .number({ message: 'must be an integer number of days' })
    .int({ message: 'must be an integer number of days' })
    .min(1, { message: 'must be at least 1' })
    .max(365, { message: 'must be at most 365' })
    .describe('a slot must start less than this many days ahead, 1–365'),
  requiresConfirmation: z.boolean(),
  public: z
    .boolean()
    .describe('anyone may read it, list its slots and book it as a guest, without a token'),
  description: z.string().max(2000).describe('shown to whoever books, at most 2000 characters'),
  bookingFields: BookingFields,
  minimumCancelNotice: minutes(0, 43200).describe(
    "minutes before the start after which the booking's guest may no longer cancel or " +
      'reschedule it (its host and ADMINs may), 0–43200',
  ),
  seatsPerSlot: z
    .number({ message: 'must be an integer number of seats' })
    .int({ message: 'must be an integer number of seats' })
    .min(1, { message: 'must be at least 1' })
    .max(1000, { message: 'must be at most 1000' })
    .describe('bookings one slot holds (one seat each), 1–1000; more than 1 makes a group slot'),
};

/** `POST /event-types`; `slotInterval` defaults to `duration`. */
export const CreateEventTypeBody = z.strictObject({
  scheduleId: eventTypeFields.scheduleId,
  title: eventTypeFields.title,
  duration: eventTypeFields.duration,
  slotInterval: eventTypeFields.slotInterval.optional(),
  bufferBefore: eventTypeFields.bufferBefore.default(EVENT_TYPE_DEFAULTS.bufferBefore),
  bufferAfter: eventTypeFields.bufferAfter.default(EVENT_TYPE_DEFAULTS.bufferAfter),
  minimumNotice: eventTypeFields.minimumNotice.default(EVENT_TYPE_DEFAULTS.minimumNotice),
  bookingHorizonDays: eventTypeFields.bookingHorizonDays.default(
    EVENT_TYPE_DEFAULTS.bookingHorizonDays,
  ),
  requiresConfirmation: eventTypeFields.requiresConfirmation.default(
    EVENT_TYPE_DEFAULTS.requiresConfirmation,
  ),
  public: eventTypeFields.public.default(EVENT_TYPE_DEFAULTS.public),
  description: eventTypeFields.description.default(EVENT_TYPE_DEFAULTS.description),
  bookingFields: eventTypeFields.bookingFields.default([]),
  minimumCancelNotice: eventTypeFields.minimumCancelNotice.default(
    EVENT_TYPE_DEFAULTS.minimumCancelNotice,
  ),
  seatsPerSlot: eventTypeFields.seatsPerSlot.default(EVENT_TYPE_DEFAULTS.seatsPerSlot),
});
export type CreateEventTypeBody = z.infer<typeof CreateEventTypeBody>;

/** `PATCH /event-types/:id`: any of the fields (a schedule of the same host). */
export const UpdateEventTypeBody = z
  .strictObject({
    scheduleId: eventTypeFields.scheduleId.optional(),
    title: eventTypeFields.title.optional(),
    duration: eventTypeFields.duration.optional(),
    slotInterval: eventTypeFields.slotInterval.optional(),
    bufferBefore: eventTypeFields.bufferBefore.optional(),
    bufferAfter: eventTypeFields.bufferAfter.optional(),
    minimumNotice: eventTypeFields.minimumNotice.optional(),
    bookingHorizonDays: eventTypeFields.bookingHorizonDays.optional(),
    requiresConfirmation: eventTypeFields.requiresConfirmation.optional(),
    public: eventTypeFields.public.optional(),
    description: eventTypeFields.description.optional(),
    bookingFields: eventTypeFields.bookingFields.optional(),
    minimumCancelNotice: eventTypeFields.minimumCancelNotice.optional(),
    seatsPerSlot: eventTypeFields.seatsPerSlot.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'at least one field must be given',
  });
export type UpdateEventTypeBody = z.infer<typeof UpdateEventTypeBody>;

/** The shape of an event type's bookings: what slot math and the overlap guard need. */
export const EventTypeShape = z.object({
  duration: z.number().int(),
  slotInterval: z.number().int(),
  bufferBefore: z.number().int(),
  bufferAfter: z.number().int(),
  minimumNotice: z.number().int(),
  bookingHorizonDays: z.number().int(),
  requiresConfirmation: z.boolean(),
  /** More than 1: a group slot, held by up to this many bookings (SPEC §5, seats). */
  seatsPerSlot: z.number().int(),
});
export type EventTypeShape = z.infer<typeof EventTypeShape>;

/** What a booking page and booking's checks of a guest need beyond slot math (SPEC §4b). */
export const EventTypeTerms = z.object({
  title: z.string(),
  public: z.boolean(),
  bookingFields: z.array(BookingFieldOut),
  minimumCancelNotice: z.number().int(),
});
export type EventTypeTerms = z.infer<typeof EventTypeTerms>;

/** Whom one books; `name` is null until availability has heard the account's name. */
export const EventTypeHost = z.object({ id: z.string(), name: z.string().nullable() });
export type EventTypeHost = z.infer<typeof EventTypeHost>;

export const EventType = EventTypeShape.extend({
  ...EventTypeTerms.shape,
  id: z.string(),
  hostId: z.string(),
  host: EventTypeHost,
  scheduleId: z.string(),
  description: z.string(),
  createdAt: InstantOut,
  updatedAt: InstantOut,
});
export type EventType = z.infer<typeof EventType>;
export const EventTypeList = z.object({ data: z.array(EventType) });
export type EventTypeList = z.infer<typeof EventTypeList>;

export const ScheduleIdParam = z.strictObject({ id: z.string().min(1).max(100) });
export const EventTypeIdParam = z.strictObject({ id: z.string().min(1).max(100) });

// Commands (gateway → availability; booking → availability).

export const CreateScheduleCommand = z.object({ actor: Actor, body: CreateScheduleBody });
export type CreateScheduleCommand = z.infer<typeof CreateScheduleCommand>;
export const UpdateScheduleCommand = z.object({
  actor: Actor,
  scheduleId: z.string().min(1),
  changes: UpdateScheduleBody,
});
export type UpdateScheduleCommand = z.infer<typeof UpdateScheduleCommand>;
export const ScheduleActionCommand = z.object({ actor: Actor, scheduleId: z.string().min(1) });
export type ScheduleActionCommand = z.infer<typeof ScheduleActionCommand>;

/** The event type belongs to the host of its schedule (an ADMIN names any host's schedule). */
export const CreateEventTypeCommand = z.object({ actor: Actor, body: CreateEventTypeBody });
export type CreateEventTypeCommand = z.infer<typeof CreateEventTypeCommand>;
export const UpdateEventTypeCommand = z.object({
  actor: Actor,
  eventTypeId: z.string().min(1),
  changes: UpdateEventTypeBody,
});
export type UpdateEventTypeCommand = z.infer<typeof UpdateEventTypeCommand>;
export const EventTypeActionCommand = z.object({ actor: Actor, eventTypeId: z.string().min(1) });
export type EventTypeActionCommand = z.infer<typeof EventTypeActionCommand>;

/**
 * A read of an event type. Without `actor` (a caller without a token) only a public event type
 * is seen; any other, or none, is 401 (SPEC §4b).
 */
export const ReadEventTypeCommand = z.object({
  actor: Actor.optional(),
  eventTypeId: z.string().min(1),
});
export type ReadEventTypeCommand = z.infer<typeof ReadEventTypeCommand>;

export const ListHostRecordsCommand = z.object({ hostId: z.string().min(1) });
export type ListHostRecordsCommand = z.infer<typeof ListHostRecordsCommand>;

/** A host's event types; without `actor` (a caller without a token), its public ones only. */
export const ListEventTypesCommand = ListHostRecordsCommand.extend({ actor: Actor.optional() });
export type ListEventTypesCommand = z.infer<typeof ListEventTypesCommand>;

/** What the gateway derives an event type's slots from: small, whatever the window. */
export const GetBookableEventTypeCommand = ReadEventTypeCommand;
export type GetBookableEventTypeCommand = z.infer<typeof GetBookableEventTypeCommand>;

export const BookableEventType = EventTypeShape.extend({
  eventTypeId: z.string(),
  hostId: z.string(),
  timeZone: z.string(),
  weekly: Schedule.shape.weekly,
  overrides: Schedule.shape.overrides,
});
export type BookableEventType = z.infer<typeof BookableEventType>;
