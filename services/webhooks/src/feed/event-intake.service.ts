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
 * Every domain event, as it arrives: recorded in the feed once, then one delivery per matching
 * subscription. The feed is where a second copy of an event shows: the booking service
 * publishes at least once, so one event may come twice, even to two replicas at once.
 * - A copy recorded now: its deliveries are sent and stored (nothing can be stored before its
 *   record).
 * - A copy of an event recorded before that the broker gives out for the first time: dropped.
 *   The copy that recorded it delivers it; its message stays unacknowledged until it has, and
 *   comes back redelivered if its replica dies first.
 * - A redelivered copy of an event recorded before: completes what is missing, sending only the
 *   deliveries not stored yet.
 * The event is acknowledged only after all of it.
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
    const recordedNow = await this.feed.record(event, ownerId);
    if (!recordedNow && !redelivered) return;
    const matching = await this.subscriptions.matching(event.type, ownerId);
    await this.deliveries.fanOut(event, matching, { seenBefore: !recordedNow });
  }
}
