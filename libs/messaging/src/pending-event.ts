import { randomUUID } from 'node:crypto';
import type { PendingEvent } from '@slotbook/contracts';
import { RequestContext } from '@slotbook/runtime';

/** A new event for a record's outbox, correlated with the request in progress. */
export function newEvent(
  exchange: string,
  type: string,
  data: Record<string, unknown>,
  actorId: string | null,
  occurredAt: Date = new Date(),
): PendingEvent {
  const id = randomUUID();
  return {
    id,
    exchange,
    type,
    occurredAt,
    correlationId: RequestContext.requestId() ?? id,
    actorId,
    data,
  };
}
