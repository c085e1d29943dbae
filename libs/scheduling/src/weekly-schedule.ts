/**
 * Weekly schedules in an IANA time zone, turned into instants (pure, no I/O; SPEC §4a).
 *
 * A schedule states local wall-clock hours per weekday, with per-date overrides. Date by date,
 * with the zone's rules in force on that date, an interval becomes
 * `[instant(date, start), instant(date, end))`: a local time inside a spring-forward gap
 * resolves to the instant after the gap, a local time repeated by a fall-back to the earlier
 * instant (Temporal's `disambiguation: 'compatible'`). Zone data comes from Luxon; no offset is
 * written by hand.
 */
import { IANAZone } from 'luxon';
import { mergedRuns } from './occupied-time';
import type { Interval } from './slot-grid';
import { DAY_MS, MINUTE_MS } from './time-units';

export type Weekday = 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';

/** Local wall-clock hours `HH:MM`, 24-hour; `end` may be `24:00` (midnight of the next date). */
export interface LocalInterval {
  start: string;
  end: string;
}

export interface WeeklyInterval extends LocalInterval {
  day: Weekday;
}

export interface DateOverride {
  /** A local calendar date `YYYY-MM-DD`. */
  date: string;
  /** Replaces that date's weekly hours entirely; `[]` makes the date unavailable. */
  intervals: LocalInterval[];
}

export interface WeeklySchedule {
  /** An IANA zone name, e.g. `Europe/Berlin`. */
  timeZone: string;
  weekly: WeeklyInterval[];
  overrides: DateOverride[];
}

/** What an event type asks of a schedule, in minutes. */
export interface SlotShape {
  duration: number;
  slotInterval: number;
}

/** Bounds on a slot's start from notice and horizon: `notBefore ≤ start < notAfter`. */
export interface StartBounds {
  notBefore: number;
  notAfter: number;
}

/** Index by `Date#getUTCDay()` of a calendar date held at UTC midnight. */
const WEEKDAYS: readonly Weekday[] = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * The schedule's intervals, as instants, of every local date whose hours can touch `window`,
 * ascending. Intervals are not clipped to the window and not merged across dates: a slot must
 * fit within one interval.
 */
export function scheduleIntervals(schedule: WeeklySchedule, window: Interval): Interval[] {
  if (window.end <= window.start) return [];
  const zone = zoneOf(schedule.timeZone);
  const overrides = new Map(schedule.overrides.map((o) => [o.date, o.intervals]));
  // Calendar dates as UTC midnights: pure calendar arithmetic, a day is always 24 h here.
  // One day of margin each side covers hours that spill into the neighbouring dates.
  const first = localDateAt(zone, window.start) - DAY_MS;
  const last = localDateAt(zone, window.end) + DAY_MS;
  const intervals: Interval[] = [];
  for (let date = first; date <= last; date += DAY_MS) {
    const key = new Date(date).toISOString().slice(0, 10);
    const weekday = WEEKDAYS[new Date(date).getUTCDay()];
    const hours =
      overrides.get(key) ?? schedule.weekly.filter((interval) => interval.day === weekday);
    for (const local of hours) {
      intervals.push({
        start: instantOf(zone, date, local.start),
        end: instantOf(zone, date, local.end),
      });
    }
  }
  // A day's hours never overlap on the wall clock, but on a clocks-forward day an end inside the
  // gap moves to the gap's end (02:05 in Berlin is 03:05) and may then overlap the next hours
  // (03:00–03:05): one stretch, or its slots would come twice. Touching hours stay apart (each
  // keeps its own slot grid). Joined before the window cuts: hours ending at the window's start
  // may join hours inside it.
  return mergedRuns(intervals).filter(
    (interval) => interval.end > window.start && interval.start < window.end,
  );
}

/**
 * The slots of an event type within `intervals`: each starts at an interval's start plus a
 * whole number of `slotInterval`s (elapsed minutes) and ends within the same interval; its start
 * lies in `window` and within `bounds`. Ascending when `intervals` are ascending and disjoint.
 */
export function eventTypeSlots(
  intervals: Interval[],
  shape: SlotShape,
  window: Interval,
  bounds: StartBounds,
): Interval[] {
  const step = shape.slotInterval * MINUTE_MS;
  const length = shape.duration * MINUTE_MS;
  const from = Math.max(window.start, bounds.notBefore);
  const to = Math.min(window.end, bounds.notAfter);
  const slots: Interval[] = [];
  for (const interval of intervals) {
    const k = Math.max(0, Math.ceil((from - interval.start) / step));
    for (let start = interval.start + k * step; start < to; start += step) {
      if (start + length > interval.end) break;
      slots.push({ start, end: start + length });
    }
  }
  return slots;
}

/**
 * The slot of an event type that starts exactly at `start`, or null when there is none: the
 * same rule as {@link eventTypeSlots} (an interval's start + k·`slotInterval`, ending within
 * that interval, `notBefore ≤ start < notAfter`), decided for one instant without listing a
 * window. Only the intervals that can hold the slot are derived, so the cost is a few dates.
 */
export function eventTypeSlotAt(
  schedule: WeeklySchedule,
  shape: SlotShape,
  start: number,
  bounds: StartBounds,
): Interval | null {
  if (start < bounds.notBefore || start >= bounds.notAfter) return null;
  const step = shape.slotInterval * MINUTE_MS;
  const slot = { start, end: start + shape.duration * MINUTE_MS };
  const holds = scheduleIntervals(schedule, slot).some(
    (interval) =>
      interval.start <= slot.start &&
      slot.end <= interval.end &&
      (slot.start - interval.start) % step === 0,
  );
  return holds ? slot : null;
}

function zoneOf(timeZone: string): IANAZone {
  if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
  return IANAZone.create(timeZone);
}

/** The local calendar date of an instant in the zone, as the UTC midnight of that date. */
function localDateAt(zone: IANAZone, instant: number): number {
  const wall = instant + zone.offset(instant) * MINUTE_MS;
  return wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);
}

/**
 * The instant of local `time` on the calendar `date` (a UTC midnight), disambiguated as
 * Temporal's 'compatible'. Luxon's `DateTime.fromObject` resolves gaps forward but does not
 * reliably pick the earlier of two repeated instants (it picks the later one in Berlin and
 * New York), so the candidates are checked here against the zone's offsets.
 */
function instantOf(zone: IANAZone, date: number, time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  const wall = date + (hours * 60 + minutes) * MINUTE_MS;
  // Real zones change offset at most once within a day either side of a wall time.
  const before = zone.offset(wall - DAY_MS);
  const after = zone.offset(wall + DAY_MS);
  const candidates = [before, after]
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((instant) => instant + zone.offset(instant) * MINUTE_MS === wall);
  // Repeated: the earlier instant. In a gap: the offset before it, which lands after the gap.
  return candidates.length > 0 ? Math.min(...candidates) : wall - before * MINUTE_MS;
}
