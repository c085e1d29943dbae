import { hostMonth } from './booking-rules';
import type { Hold } from './booking';
import type { HeldTimeDocument } from './held-time.schema';
import { occupiedKeys } from './occupied-cells';

/** The documents that hold `hold`'s time: its keys, then its head. */
export function holdDocuments(hold: Hold, heldAt: Date): HeldTimeDocument[] {
  const keys = occupiedKeys(hold.hostId, hold.occupied).map((_id) => ({
    _id,
    bookingId: hold.bookingId,
    heldAt,
  }));
  return [
    ...keys,
    {
      _id: headId(hold),
      bookingId: hold.bookingId,
      heldAt,
      hostMonth: hostMonth(hold.hostId, hold.startTime),
      startTime: hold.startTime,
      endTime: hold.endTime,
      occupiedFrom: new Date(hold.occupied.start),
      occupiedUntil: new Date(hold.occupied.end),
      eventTypeId: hold.eventTypeId,
    },
  ];
}

/** The `_id` of a hold's head: one per booking and start, so a move's new head is its own. */
export function headId(hold: Pick<Hold, 'bookingId' | 'startTime'>): string {
  return `${hold.bookingId}@${hold.startTime.getTime()}`;
}
