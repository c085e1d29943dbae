import { Injectable } from '@nestjs/common';
import {
  AVAILABILITY_QUEUE,
  AvailabilityCommand,
  BOOKING_QUEUE,
  BookableRanges,
  BookingCommand,
  DomainError,
  ErrorCode,
  type HeldSlots,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { freeSlots, slotsToJson, type SlotGrid } from '@slotbook/scheduling';

/**
 * `GET /hosts/:hostId/slots`: the host's ranges from availability and the held slots from
 * booking, asked in parallel; the free slots are derived here, so what crosses the bus stays
 * small (a handful of ranges instead of thousands of slots).
 */
@Injectable()
export class FreeSlotsFinder {
  constructor(private readonly bus: CommandBus) {}

  /** The free slots as the bytes of a `SlotList`'s JSON (see `slotsToJson`). */
  async findJson(hostId: string, from: Date, to: Date): Promise<Buffer> {
    const [ranges, held] = await Promise.all([
      this.bus.send(AVAILABILITY_QUEUE, AvailabilityCommand.ListBookableRanges, {
        hostId,
        from,
        to,
      }),
      this.bus.send<HeldSlots>(BOOKING_QUEUE, BookingCommand.ListHeldSlots, { hostId, from, to }),
    ]);
    const slots = freeSlots({
      grids: gridsOf(ranges),
      window: { start: from.getTime(), end: to.getTime() },
      // Only the starts matter (a held slot is keyed by its start), so the list is not re-parsed.
      taken: new Set(held.data.map((slot) => Date.parse(slot.startTime))),
      notBefore: Date.now(),
    });
    return slotsToJson(slots, { before: '{"data":', after: '}' });
  }
}

function gridsOf(reply: unknown): SlotGrid[] {
  const parsed = BookableRanges.safeParse(reply);
  if (!parsed.success) {
    throw new DomainError(ErrorCode.Unavailable, 'availability answered unexpectedly');
  }
  return parsed.data.data.map((range) => ({
    start: Date.parse(range.startTime),
    end: Date.parse(range.endTime),
    slotMinutes: range.slotDuration,
  }));
}
