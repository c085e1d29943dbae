import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AnyEventEnvelope } from '@slotbook/contracts';
import { BatchCollector } from '@slotbook/messaging';
import { RequestContext } from '@slotbook/runtime';
import { AuditRepository } from './audit.repository';
import type { AuditDocument } from './audit.schema';

/**
 * How events are gathered into one write: a burst of events costs one insert, and an event
 * waits at most this long for others. The audit queue's prefetch is larger than a batch.
 */
export const AUDIT_BATCH = { maxItems: 100, maxWaitMs: 50 };

/** Feeds the audit trail: directly for actions without a public event, from events otherwise. */
@Injectable()
export class AuditService {
  private readonly events = new BatchCollector<AuditDocument>(AUDIT_BATCH, async (entries) => {
    await this.repository.record(entries);
    return [];
  });

  constructor(readonly repository: AuditRepository) {}

  /** An action that publishes no event (logins, logouts, token refreshes). */
  recordAction(
    action: string,
    actorId: string | null,
    entityId: string | null,
    details?: Record<string, unknown>,
  ): Promise<void> {
    return this.repository.record([
      {
        _id: randomUUID(),
        action,
        actorId,
        entityType: action.split('.')[0] ?? 'unknown',
        entityId,
        requestId: RequestContext.requestId() ?? null,
        occurredAt: new Date(),
        ...(details ? { details } : {}),
      },
    ]);
  }

  /**
   * Any domain event of any service, keyed by the event id so redelivery is harmless; settles
   * once the batch that holds it is written (its message is acknowledged only then).
   */
  recordEvent(event: AnyEventEnvelope): Promise<void> {
    const entityId = typeof event.data.id === 'string' ? event.data.id : null;
    return this.events.add({
      _id: event.id,
      action: event.type,
      actorId: event.actorId ?? null,
      entityType: event.type.split('.')[0] ?? 'unknown',
      entityId,
      requestId: event.correlationId,
      occurredAt: new Date(event.occurredAt),
    });
  }
}
