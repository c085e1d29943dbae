import { Injectable } from '@nestjs/common';
import type { AnyEventEnvelope } from '@slotbook/contracts';
import { BatchCollector, type EventDelivery } from '@slotbook/messaging';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { ownerOfEvent } from '../subscriptions/audience-rules';
import { LocalSubscriptions } from '../subscriptions/local-subscriptions';
import { FeedRepository } from './feed.repository';
import { FeedService } from './feed.service';

/**
 * How events are gathered: those arriving together are recorded in one write, and an event
 * waits at most this long for others. The queue's prefetch is larger than a batch.
 */
export const INTAKE_BATCH = { maxItems: 100, maxWaitMs: 50 };

interface Arrival {
  event: AnyEventEnvelope;
  redelivered: boolean;
}

/**
 * Every domain event, as it arrives, in batches: recorded in the feed once (one write for the
 * batch's positions, one insert), then one delivery per matching subscription. The feed is
 * where a second copy of an event shows: the booking service publishes at least once, so one
 * event may come twice, even to two replicas at once.
 * - A copy recorded now: its deliveries are sent and stored (nothing can be stored before its
 *   record).
 * - A copy of an event recorded before that the broker gives out for the first time: dropped.
 *   The copy that recorded it delivers it; its message stays unacknowledged until it has, and
 *   comes back redelivered if its replica dies first.
 * - A redelivered copy of an event recorded before: completes what is missing, sending only the
 *   deliveries not stored yet.
 * Each event is acknowledged only after its batch is recorded and its deliveries stored.
 */
@Injectable()
export class EventIntakeService {
  /** Batches are recorded one at a time; a batch's fan-out runs beside the next recording. */
  private readonly arrivals = new BatchCollector<Arrival, { fannedOut: Promise<void> }>(
    INTAKE_BATCH,
    (batch) => this.recordAll(batch),
  );

  constructor(
    private readonly feed: FeedRepository,
    private readonly feedService: FeedService,
    private readonly subscriptions: LocalSubscriptions,
    private readonly deliveries: DeliveriesService,
  ) {}

  async take(event: AnyEventEnvelope, { redelivered }: EventDelivery): Promise<void> {
    const { fannedOut } = await this.arrivals.add({ event, redelivered });
    await fannedOut;
  }

  private async recordAll(batch: Arrival[]): Promise<Array<{ fannedOut: Promise<void> }>> {
    const owners = batch.map(({ event }) => ownerOfEvent(event));
    const { recordedNow, written } = await this.feed.record(
      batch.map(({ event }, i) => ({ event, ownerId: owners[i] ?? null })),
    );
    await this.feedService.written(written);
    const fannedOut = this.fanOut(batch, owners, recordedNow);
    fannedOut.catch(() => undefined); // each event's handler sees the failure
    return batch.map(() => ({ fannedOut }));
  }

  private async fanOut(
    batch: Arrival[],
    owners: Array<string | null>,
    recordedNow: boolean[],
  ): Promise<void> {
    const fanOuts = await Promise.all(
      batch.map(async ({ event, redelivered }, i) => {
        if (!recordedNow[i] && !redelivered) return null;
        const matching = await this.subscriptions.matching(event.type, owners[i] ?? null);
        return { event, matching, seenBefore: !recordedNow[i] };
      }),
    );
    await this.deliveries.fanOutAll(fanOuts.filter((fanOut) => fanOut !== null));
  }
}
