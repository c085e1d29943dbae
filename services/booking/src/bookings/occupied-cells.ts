import { MINUTE_MS, type Interval } from '@slotbook/scheduling';

/**
 * The no-overlap guarantee as `_id`s, pure (SPEC §5).
 *
 * A host's time is cut into cells of 5 minutes (every minute value of an event type is a
 * multiple of 5, so event-type bookings cover whole cells). Each cell has two keys, `a` and `b`.
 * A booking holds a key by inserting a document whose `_id` is the key, so the `_id` index
 * refuses a second holder:
 *
 * - a cell covered whole: both keys;
 * - the cell a booking *starts* inside (a range slot need not be on the 5-minute grid): only
 *   `b`; the cell it *ends* inside: only `a`.
 *
 * So two bookings that overlap always want a key in common, unless one starts inside a cell
 * that the other ends inside: that is two range slots meeting off the grid, which the range
 * rules keep apart (a host's ranges never overlap and a booked range slot is always a whole
 * slot), and where touching must stay allowed. Two bookings that do not overlap never share a
 * key, since both keys of a cell mean the whole cell and a partial cell holds one side only.
 */
export const CELL_MS = 5 * MINUTE_MS;

/** The keys that hold `occupied` for a host, in time order. */
export function occupiedKeys(hostId: string, occupied: Interval): string[] {
  if (occupied.end <= occupied.start) return [];
  const first = Math.floor(occupied.start / CELL_MS);
  const last = Math.ceil(occupied.end / CELL_MS) - 1;
  const keys: string[] = [];
  for (let cell = first; cell <= last; cell += 1) {
    const cellStart = cell * CELL_MS;
    const at = `${hostId}|${new Date(cellStart).toISOString()}`;
    const startsInside = occupied.start > cellStart;
    const endsInside = occupied.end < cellStart + CELL_MS;
    // A booking inside one cell (shorter than any slot can be) holds the whole cell: safe.
    const partial = startsInside !== endsInside;
    if (!(partial && startsInside)) keys.push(`${at}|a`);
    if (!(partial && endsInside)) keys.push(`${at}|b`);
  }
  return keys;
}
