import { MINUTE_MS, type Interval } from '@slotbook/scheduling';

/**
 * The no-overlap guarantee as keys of a unique index (SPEC §5), pure.
 *
 * A host's time is cut into cells of 5 minutes (every minute value of an event type is a
 * multiple of 5, so event-type bookings cover whole cells). A booking holds the cells its
 * occupied time touches by inserting one document per cell, with two keys `a` and `b`, each
 * under a unique index:
 *
 * - a cell covered whole holds both keys of the cell;
 * - a cell the booking *starts* inside (a range slot need not be on the 5-minute grid) holds
 *   only `b`; a cell it *ends* inside holds only `a`; the key it leaves out is a filler unique
 *   to the claim.
 *
 * So two bookings that overlap always collide on a key, unless one starts inside a cell that
 * the other ends inside: that is two range slots meeting off the grid, which the range rules
 * keep apart (a host's ranges never overlap and a booked range slot is always a whole slot), and
 * where touching must stay allowed. Two bookings that do not overlap never collide, since both
 * keys of a cell mean the whole cell and a partial cell holds one side only.
 */
export const CELL_MS = 5 * MINUTE_MS;

export interface CellClaim {
  /** `<claimId>|<cell>`: a claim inserts each of its cells once. */
  _id: string;
  claimId: string;
  a: string;
  b: string;
}

/** The cell documents that hold `occupied` for `claimId`, in time order. */
export function occupiedCells(hostId: string, claimId: string, occupied: Interval): CellClaim[] {
  if (occupied.end <= occupied.start) return [];
  const first = Math.floor(occupied.start / CELL_MS);
  const last = Math.ceil(occupied.end / CELL_MS) - 1;
  const cells: CellClaim[] = [];
  for (let cell = first; cell <= last; cell += 1) {
    const cellStart = cell * CELL_MS;
    const key = `${hostId}|${new Date(cellStart).toISOString()}`;
    const filler = `~${claimId}|${cell}`;
    const startsInside = occupied.start > cellStart;
    const endsInside = occupied.end < cellStart + CELL_MS;
    // A booking inside one cell (shorter than any slot can be) holds the whole cell: safe.
    const partial = startsInside !== endsInside;
    cells.push({
      _id: `${claimId}|${cell}`,
      claimId,
      a: partial && startsInside ? filler : key,
      b: partial && endsInside ? filler : key,
    });
  }
  return cells;
}
