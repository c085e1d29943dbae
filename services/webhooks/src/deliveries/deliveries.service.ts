import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  PING_EVENT_TYPE,
  type Actor,
  type AnyEventEnvelope,
  type DeliveryAccepted,
  type ListDeliveriesQuery,
  type Page,
  type WebhookDelivery,
} from '@slotbook/contracts';
import { RequestContext, backoff } from '@slotbook/runtime';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from '../config';
import type { SubscriptionDocument } from '../subscriptions/subscription.schema';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryDispatcher } from './delivery-dispatcher';
import type { NewDelivery } from './delivery-rules';
import type { DeliveryDocument } from './delivery.schema';

function toWebhookDelivery(doc: DeliveryDocument): WebhookDelivery {
  return {
    id: doc._id,
    eventId: doc.eventId,
    type: doc.type,
    status: doc.status,
    attempts: doc.attempts,
    lastResponseStatus: doc.lastResponseStatus,
    lastError: doc.lastError,
    lastResponseBody: doc.lastResponseBody,
    nextAttemptAt:
      doc.status === 'pending' && doc.nextAttemptAt ? doc.nextAttemptAt.toISOString() : null,
    createdAt: doc.createdAt.toISOString(),
    deliveredAt: doc.deliveredAt ? doc.deliveredAt.toISOString() : null,
  };
}

/** Ping and redeliver send now: an inactive subscription is refused, not logged as failed. */
function requireActive(subscription: SubscriptionDocument): void {
  if (!subscription.active)
    throw new DomainError(ErrorCode.Conflict, 'the webhook is inactive; activate it first');
}

/** The id of an event's delivery to one subscription: the same however often it is fanned out. */
export function deliveryIdOf(subscriptionId: string, eventId: string): string {
  return `${subscriptionId}:${eventId}`;
}

@Injectable()
export class DeliveriesService {
  constructor(
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    private readonly repository: DeliveriesRepository,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  /**
   * One delivery of each event per subscription it matches, stored in one write per kind; an
   * event fanned out before (`seenBefore`) adds and sends none that was stored then.
   */
  async fanOutAll(
    fanOuts: Array<{
      event: AnyEventEnvelope;
      matching: SubscriptionDocument[];
      seenBefore: boolean;
    }>,
  ): Promise<void> {
    const deliveriesOf = (seenBefore: boolean): NewDelivery[] =>
      fanOuts
        .filter((fanOut) => fanOut.seenBefore === seenBefore)
        .flatMap(({ event, matching }) => {
          const body = JSON.stringify(event);
          return matching.map((subscription) => ({
            _id: deliveryIdOf(subscription._id, event.id),
            subscriptionId: subscription._id,
            eventId: event.id,
            type: event.type,
            body,
          }));
        });
    await Promise.all([
      this.dispatcher.deliverNew(deliveriesOf(false)),
      this.dispatcher.deliverNew(deliveriesOf(true), { seenBefore: true }),
    ]);
  }

  async list(
    actor: Actor,
    webhookId: string,
    query: ListDeliveriesQuery,
  ): Promise<Page<WebhookDelivery>> {
    await this.subscriptions.load(actor, webhookId);
    const page = await this.repository.list(webhookId, query.status, query.limit, query.cursor);
    return { data: page.data.map(toWebhookDelivery), nextCursor: page.nextCursor };
  }

  /** A new round of attempts, the first one soon; its log entry shows how it goes. */
  async redeliver(actor: Actor, webhookId: string, deliveryId: string): Promise<DeliveryAccepted> {
    requireActive(await this.subscriptions.load(actor, webhookId));
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const delivery = await this.repository.findById(deliveryId);
      if (!delivery || delivery.subscriptionId !== webhookId)
        throw DomainError.notFound('delivery');
      const now = new Date();
      const until = new Date(now.getTime() + this.config.WEBHOOK_RETRY_WINDOW_MS);
      if (await this.repository.makeDueAgain(delivery, now, until)) {
        this.dispatcher.kick();
        return { deliveryId };
      }
      await backoff(attempt);
    }
    throw new DomainError(ErrorCode.Conflict, 'the delivery is being changed; retry');
  }

  /** Delivers a `ping` event to the subscription, whatever events it names. */
  async ping(actor: Actor, webhookId: string): Promise<DeliveryAccepted> {
    requireActive(await this.subscriptions.load(actor, webhookId));
    const event = {
      id: randomUUID(),
      type: PING_EVENT_TYPE,
      version: 1,
      occurredAt: new Date().toISOString(),
      correlationId: RequestContext.requestId() ?? randomUUID(),
      actorId: actor.id,
      data: { webhookId },
    };
    const deliveryId = deliveryIdOf(webhookId, event.id);
    await this.dispatcher.deliverNew([
      {
        _id: deliveryId,
        subscriptionId: webhookId,
        eventId: event.id,
        type: event.type,
        body: JSON.stringify(event),
      },
    ]);
    return { deliveryId };
  }

  /** Deletes finished deliveries made on one day. */
  pruneDay(day: number): Promise<number> {
    return this.repository.deleteFinishedOfDay(day);
  }
}
