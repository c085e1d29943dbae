import { Injectable } from '@nestjs/common';
import { ListHeldSlots } from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { DAY_MS } from '@slotbook/scheduling';
import type { HeldSlotSpan } from './range-rules';

/** Asks booking which range slots of a host its active bookings hold (or are being booked). */
@Injectable()
export class HeldSlotsClient {
  constructor(private readonly bus: CommandBus) {}

  /**
   * Held range slots starting in `[from, to)`; UNAVAILABLE (503) when booking does not answer.
   * Event types' bookings are left out: they belong to no range, so no range change can leave
   * them outside one.
   */
  async list(hostId: string, from: Date, to: Date): Promise<HeldSlotSpan[]> {
    const reply = await this.bus.send(ListHeldSlots, { hostId, from, to });
    return reply.data
      .filter((slot) => slot.eventTypeId === null)
      .map((slot) => ({
        startTime: new Date(slot.startTime),
        endTime: new Date(slot.endTime),
      }));
  }

  /**
   * The first slot of `eventTypeId` from now on whose seats taken (or being taken) exceed
   * `seats`, if any: what a lower `seatsPerSlot` may not leave behind (SPEC §5, seats).
   */
  async firstOverfull(
    hostId: string,
    eventTypeId: string,
    seats: number,
  ): Promise<Date | undefined> {
    const from = new Date();
    const to = new Date(from.getTime() + 366 * DAY_MS);
    const reply = await this.bus.send(ListHeldSlots, { hostId, from, to });
    const slot = reply.data.find(
      (held) => held.eventTypeId === eventTypeId && (held.seats ?? 1) > seats,
    );
    return slot && new Date(slot.startTime);
  }
}
