import { Injectable } from '@nestjs/common';
import { ListHeldSlots } from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
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
}
