/**
 * Slot math of one availability range, on epoch milliseconds (pure, no I/O).
 *
 * A range `[start, end)` with a slot length offers the slots `start + k·length` for every
 * `k ≥ 0` whose slot ends at or before `end`: a partial tail is not a slot. A window asks
 * for the slots whose **start** lies in `[from, to)`; a slot that starts inside the window
 * and ends after it is listed. Adjacent windows therefore tile: every slot is listed by
 * exactly one of `[a, b)` and `[b, c)`, which is also how booking's held-slot query is cut.
 */
import { MINUTE_MS } from './time-units';

/** A range of availability seen as a grid of slots. */
export interface SlotGrid {
  /** Epoch milliseconds, inclusive. */
  start: number;
  /** Epoch milliseconds, exclusive. */
  end: number;
  slotMinutes: number;
}

/** A half-open interval `[start, end)` in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

export function slotLengthMs(grid: SlotGrid): number {
  return grid.slotMinutes * MINUTE_MS;
}

/** How many whole slots the range holds. */
export function slotCount(grid: SlotGrid): number {
  const length = grid.end - grid.start;
  return length > 0 ? Math.floor(length / slotLengthMs(grid)) : 0;
}

/** True when a slot of the range starts at `start`: on the grid, and the whole slot fits. */
export function isSlotOf(grid: SlotGrid, start: number): boolean {
  const length = slotLengthMs(grid);
  const offset = start - grid.start;
  return offset >= 0 && offset % length === 0 && start + length <= grid.end;
}

/** True when `[start, end)` is exactly one slot of the range. */
export function isWholeSlotOf(grid: SlotGrid, slot: Interval): boolean {
  return isSlotOf(grid, slot.start) && slot.end - slot.start === slotLengthMs(grid);
}

/** The slots of the range whose start lies in `window`, ascending. */
export function slotsOf(grid: SlotGrid, window: Interval): Interval[] {
  const length = slotLengthMs(grid);
  const [first, last] = slotIndexes(grid, window);
  const slots: Interval[] = new Array(Math.max(0, last - first));
  for (let k = first; k < last; k += 1) {
    const start = grid.start + k * length;
    slots[k - first] = { start, end: start + length };
  }
  return slots;
}

/**
 * The indexes `[first, last)` of the slots whose start lies in the window: slot `k` starts at
 * `grid.start + k·length`, and `k < x ⇔ k < ⌈x⌉` for an integer `k`.
 */
export function slotIndexes(grid: SlotGrid, window: Interval): [number, number] {
  const length = slotLengthMs(grid);
  const first = Math.max(0, Math.ceil((window.start - grid.start) / length));
  const last = Math.min(slotCount(grid), Math.ceil((window.end - grid.start) / length));
  return last > first ? [first, last] : [0, 0];
}
