import { Injectable } from '@nestjs/common';
import type { AnyEventEnvelope } from '@slotbook/contracts';
import type { EventDelivery } from '@slotbook/messaging';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { ownerOfEvent } from '../subscriptions/audience-rules';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { FeedRepository } from './feed.repository';

/** The queue the service takes every domain event from (all three exchanges, every type). */
export const WEBHOOKS_EVENTS_QUEUE = 'webhooks.events';

/**
 * Every domain event, as it arrives: recorded in the feed once, and one delivery per matching
 * subscription, side by side. Both are idempotent, so a redelivered event (one that arrived
 * while this replica died before both were done) completes what is missing and duplicates
 * nothing; the event is acknowledged only after both.
 */
@Injectable()
export class EventIntakeService {
  constructor(
    private readonly feed: FeedRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly deliveries: DeliveriesService,
  ) {}

  async take(event: AnyEventEnvelope, { redelivered }: EventDelivery): Promise<void> {
    const ownerId = ownerOfEvent(event);
    // Side by side: a delivery does not wait for the event's place in the feed.
    await Promise.all([
      this.feed.record(event, ownerId),
      this.subscriptions
        .matching(event.type, ownerId)
        .then((matching) => this.deliveries.fanOut(event, matching, { redelivered })),
    ]);
  }
}
