import { NO_BUFFERS, withoutOverlaps } from './occupied-time';
import { slotsOf, type Interval, type SlotGrid } from './slot-grid';

export interface FreeSlotsQuery {
  /** The host's ranges; a host's ranges never overlap, but nothing here relies on it. */
  grids: SlotGrid[];
  /** Slots whose start lies in this window are considered. */
  window: Interval;
  /** Host time occupied by active bookings (or being booked): no slot may overlap it. */
  busy?: Interval[];
  /** Slots starting before this instant cannot be booked any more (e.g. now). */
  notBefore?: number;
}

/** The free slots of several ranges in a window, ascending by start, without duplicates. */
export function freeSlots({
  grids,
  window,
  busy = [],
  notBefore = Number.NEGATIVE_INFINITY,
}: FreeSlotsQuery): Interval[] {
  const clipped: Interval = { start: Math.max(window.start, notBefore), end: window.end };
  const lists = grids.map((grid) => slotsOf(grid, clipped));
  const merged = mergeSlots(lists);
  return withoutOverlaps(merged, NO_BUFFERS, busy);
}

/**
 * Merges ascending slot lists into one ascending list; a start listed twice is kept once.
 * Lists of non-overlapping ranges are concatenated in order of their first slot (the common
 * case, linear); anything else falls back to a sort.
 */
export function mergeSlots(lists: Interval[][]): Interval[] {
  const nonEmpty = lists.filter((list) => list.length > 0);
  nonEmpty.sort((a, b) => a[0].start - b[0].start);
  const merged = nonEmpty.length === 1 ? nonEmpty[0] : nonEmpty.flat();
  let ordered = true;
  for (let i = 1; i < merged.length && ordered; i += 1) {
    ordered = merged[i - 1].start < merged[i].start;
  }
  if (ordered) return merged;
  const sorted = [...merged].sort((a, b) => a.start - b.start);
  return sorted.filter((slot, i) => i === 0 || sorted[i - 1].start !== slot.start);
}
