import { randomUUID } from 'node:crypto';
import type { AnyEventEnvelope } from '@slotbook/contracts';

/** A `booking.created` envelope about a booking of `hostId`, as the booking service sends it. */
export function bookingCreated(hostId: string): AnyEventEnvelope {
  return {
    id: randomUUID(),
    type: 'booking.created',
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    actorId: null,
    data: { id: randomUUID(), hostId },
  };
}
