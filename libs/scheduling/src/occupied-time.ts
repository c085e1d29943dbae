/**
 * Occupied time (SPEC §4a), pure: a booking keeps its host busy from `bufferBefore` minutes
 * before its start to `bufferAfter` minutes after its end, and a slot is free only if the time
 * it would occupy overlaps no time an active booking occupies.
 */
import { type Interval } from './slot-grid';
import { MINUTE_MS } from './time-units';

/** Minutes kept free around a booking; both 0 for a slot of a range. */
export interface Buffers {
  bufferBefore: number;
  bufferAfter: number;
}

export const NO_BUFFERS: Buffers = { bufferBefore: 0, bufferAfter: 0 };

/**
 * How far a booking's occupied time can reach from its start, either way: the longest buffer
 * before, or the longest slot plus the longest buffer after (SPEC §4, §4a), in milliseconds.
 */
export const OCCUPIED_REACH_MS = (240 + 1440 + 240) * MINUTE_MS;

/**
 * The starts of the bookings whose occupied time can overlap that of a slot starting in
 * `window`: both reach at most {@link OCCUPIED_REACH_MS} from their start.
 */
export function heldStartsAround(window: Interval): Interval {
  return { start: window.start - OCCUPIED_REACH_MS, end: window.end + OCCUPIED_REACH_MS };
}

/** The host time a booking of `slot` occupies: the slot widened by its buffers. */
export function occupiedBy(slot: Interval, { bufferBefore, bufferAfter }: Buffers): Interval {
  return {
    start: slot.start - bufferBefore * MINUTE_MS,
    end: slot.end + bufferAfter * MINUTE_MS,
  };
}

/** Half-open intervals overlap when each starts before the other ends; touching is not. */
export function intervalsOverlap(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * The slots whose occupied time (with `buffers`) overlaps none of `busy`. `slots` must be
 * ascending by start; `busy` may come in any order and overlap itself. Linear after sorting
 * `busy`: busy time is merged into disjoint runs, and both lists are walked once.
 */
export function withoutOverlaps(slots: Interval[], buffers: Buffers, busy: Interval[]): Interval[] {
  if (busy.length === 0) return slots;
  const runs = mergedRuns(busy);
  const free: Interval[] = [];
  let r = 0;
  for (const slot of slots) {
    const wanted = occupiedBy(slot, buffers);
    // A run that ends at or before this slot's occupied start does so for every later slot.
    while (r < runs.length && runs[r].end <= wanted.start) r += 1;
    if (r === runs.length || !intervalsOverlap(runs[r], wanted)) free.push(slot);
  }
  return free;
}

/** Intervals as disjoint runs, ascending: overlapping ones joined, touching ones kept apart. */
export function mergedRuns(busy: Interval[]): Interval[] {
  const sorted = busy.filter((b) => b.end > b.start).sort((a, b) => a.start - b.start);
  const runs: Interval[] = [];
  for (const interval of sorted) {
    const last = runs[runs.length - 1];
    if (last && interval.start < last.end) last.end = Math.max(last.end, interval.end);
    else runs.push({ ...interval });
  }
  return runs;
}

/** A group slot (seats) of an event type: its start, the host time it occupies, seats held. */
export interface GroupSlot {
  start: number;
  occupied: Interval;
  seats: number;
}

/** A free slot of a group event type, with the seats it has left. */
export interface SeatedFreeSlot extends Interval {
  seatsLeft: number;
}

/**
 * The slots of a group event type with `seatsPerSlot` seats that can still be booked (SPEC §5,
 * seats): its own group slot at the same start shares its time and takes its seats; any other
 * occupied time (`busy`, and `groups` at other starts: its own ones included) refuses a slot
 * it overlaps. `groups` are this event type's; other event types' group slots belong in `busy`.
 */
export function seatedFreeSlots(
  slots: Interval[],
  buffers: Buffers,
  busy: Interval[],
  groups: GroupSlot[],
  seatsPerSlot: number,
): SeatedFreeSlot[] {
  const seatsAt = new Map(groups.map((group) => [group.start, group.seats]));
  const free: SeatedFreeSlot[] = [];
  for (const slot of withoutOverlaps(slots, buffers, busy)) {
    const wanted = occupiedBy(slot, buffers);
    const clashes = groups.some(
      (group) => group.start !== slot.start && intervalsOverlap(group.occupied, wanted),
    );
    const seatsLeft = seatsPerSlot - (seatsAt.get(slot.start) ?? 0);
    if (!clashes && seatsLeft > 0) free.push({ ...slot, seatsLeft });
  }
  return free;
}
