import { Inject, Injectable, Logger } from '@nestjs/common';
import { WebhookHeader, signatureHeader } from '@slotbook/contracts';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from '../config';
import { WebhookSender } from '../endpoints/webhook-sender';
import { liveSecrets } from '../subscriptions/secret-rules';
import { SubscriptionCache } from '../subscriptions/subscription-cache';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import {
  DeliveriesRepository,
  type AttemptRecord,
  type DueDelivery,
} from './deliveries.repository';
import { webhookAttemptSeconds, webhookAttemptsTotal } from './delivery-metrics';
import { RETRY_JITTER, dayOf, dueBucketOf, meaningOf, nextAttemptAt } from './delivery-rules';
import type { DeliveryDocument } from './delivery.schema';

/** Claims made at once while a poll pass works through a bucket. */
const CLAIM_BATCH = 32;
/** The least pause between two poll passes asked for by kicks. */
const MIN_PASS_GAP_MS = 50;

/**
 * Runs delivery attempts. Each attempt is its own promise: nothing waits for a receiver but
 * that attempt, and a subscription may hold at most WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION of a
 * replica's WEBHOOK_CONCURRENCY attempts, so a slow or dead receiver never holds up another.
 *
 * A new delivery is attempted at once when its subscription has room (it is inserted already
 * claimed); otherwise it is stored due now and waits in this replica's line for its
 * subscription, claimed by compare-and-set when a slot frees up. Every retry, and whatever a
 * replica left behind when it died, waits in the database, due at `nextAttemptAt`, and a poll
 * finds it by its due bucket and claims it by compare-and-set. A claim moves the next
 * attempt to the end of a lease (the attempt's timeout and a margin), so the delivery of a
 * replica that dies mid-attempt is due again then, and competing replicas never both attempt
 * one delivery in one lease.
 */
@Injectable()
export class DeliveryDispatcher {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private readonly perSubscription = new Map<string, number>();
  private readonly blocked = new Set<string>();
  /**
   * New deliveries that found no room, per subscription, oldest first: attempted here as its
   * slots free up, rather than found again by the poller (a scan of the due bucket each time).
   */
  private readonly waiting = new Map<string, DueDelivery[]>();
  private readonly waitingIds = new Set<string>();
  private inFlight = 0;
  private cursor: number | null = null;
  private timer?: NodeJS.Timeout;
  private polling = false;
  private pollAgain = false;
  private stopped = false;

  constructor(
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly cache: SubscriptionCache,
    private readonly sender: WebhookSender,
  ) {}

  get leaseMs(): number {
    return this.config.WEBHOOK_TIMEOUT_MS + 5_000;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.poll(), this.config.WEBHOOK_POLL_INTERVAL_MS);
    this.poll();
  }

  /** Stops polling and waits (up to `timeoutMs`) for the attempts in flight. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const deadline = Date.now() + timeoutMs;
    while ((this.inFlight > 0 || this.polling) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    this.sender.close();
  }

  /** Asks for a poll pass soon (a delivery was made due now). */
  kick(): void {
    if (!this.stopped) setImmediate(() => this.poll());
  }

  /**
   * Stores new deliveries (one write for all) and attempts each at once when its subscription
   * has room, else leaves it due now for the poller. A delivery that exists already (an event
   * fanned out again) is left as it is.
   */
  async deliverNew(
    fields: Array<Pick<DeliveryDocument, '_id' | 'subscriptionId' | 'eventId' | 'type' | 'body'>>,
  ): Promise<void> {
    if (fields.length === 0) return;
    const now = new Date();
    const claimed = fields.map((field) => !this.stopped && this.reserve(field.subscriptionId));
    const deliveries = fields.map((field, i): DeliveryDocument => {
      const due = claimed[i] ? new Date(now.getTime() + this.leaseMs) : now;
      return {
        ...field,
        status: 'pending',
        attempts: 0,
        version: 0,
        nextAttemptAt: due,
        dueBucket: dueBucketOf(due),
        retryUntil: new Date(now.getTime() + this.config.WEBHOOK_RETRY_WINDOW_MS),
        lastResponseStatus: null,
        lastError: null,
        lastResponseBody: null,
        createdAt: now,
        createdDay: dayOf(now),
        deliveredAt: null,
      };
    });
    let inserted: boolean[] = deliveries.map(() => false);
    try {
      inserted = await this.deliveries.insertAll(deliveries);
    } finally {
      deliveries.forEach((delivery, i) => {
        if (claimed[i] && inserted[i]) void this.attempt(delivery);
        else if (claimed[i]) this.release(delivery.subscriptionId);
        else if (inserted[i]) this.enqueue(delivery);
      });
    }
  }

  /** A new delivery due now, whose subscription has no room yet: next in its line. */
  private enqueue(delivery: DueDelivery): void {
    if (this.stopped) return;
    const line = this.waiting.get(delivery.subscriptionId) ?? [];
    line.push({
      _id: delivery._id,
      subscriptionId: delivery.subscriptionId,
      nextAttemptAt: delivery.nextAttemptAt,
      version: delivery.version,
    });
    this.waiting.set(delivery.subscriptionId, line);
    this.waitingIds.add(delivery._id);
    this.drain(delivery.subscriptionId);
  }

  /** Starts the waiting deliveries of a subscription while it has room (each claimed first). */
  private drain(subscriptionId: string): void {
    const line = this.waiting.get(subscriptionId);
    while (line && line.length > 0 && !this.stopped && this.reserve(subscriptionId)) {
      const next = line.shift() as DueDelivery;
      this.waitingIds.delete(next._id);
      void this.claimAndAttempt(next).catch((error: unknown) =>
        this.logger.warn({ err: error, deliveryId: next._id }, 'could not claim a delivery'),
      );
    }
    if (line && line.length === 0) this.waiting.delete(subscriptionId);
  }

  private reserve(subscriptionId: string): boolean {
    const held = this.perSubscription.get(subscriptionId) ?? 0;
    if (
      this.inFlight >= this.config.WEBHOOK_CONCURRENCY ||
      held >= this.config.WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION
    )
      return false;
    this.inFlight += 1;
    this.perSubscription.set(subscriptionId, held + 1);
    return true;
  }

  private release(subscriptionId: string): void {
    this.releaseSubscription(subscriptionId);
    this.inFlight -= 1;
  }

  /**
   * Gives back a subscription's slot: once its receiver has answered, not after the outcome is
   * written, so a slow database does not throttle how fast one subscription is served.
   */
  private releaseSubscription(subscriptionId: string): void {
    const held = (this.perSubscription.get(subscriptionId) ?? 1) - 1;
    if (held <= 0) this.perSubscription.delete(subscriptionId);
    else this.perSubscription.set(subscriptionId, held);
    if (this.waiting.has(subscriptionId)) this.drain(subscriptionId);
    else if (this.blocked.has(subscriptionId)) this.kick();
  }

  /** One attempt of a delivery this replica has claimed; never throws. */
  private async attempt(delivery: DeliveryDocument): Promise<void> {
    let holdsSubscriptionSlot = true;
    try {
      const subscription = await this.cache.get(delivery.subscriptionId);
      if (!subscription || !subscription.active) {
        await this.deliveries.abandon(
          delivery,
          subscription ? 'the subscription is inactive' : 'the subscription was deleted',
        );
        webhookAttemptsTotal.inc({ outcome: 'failed' });
        return;
      }
      const started = new Date();
      const timestamp = Math.floor(started.getTime() / 1000);
      const outcome = await this.sender.send(subscription.url, delivery.body, {
        [WebhookHeader.EventId]: delivery.eventId,
        [WebhookHeader.EventType]: delivery.type,
        [WebhookHeader.DeliveryId]: delivery._id,
        [WebhookHeader.Signature]: signatureHeader(
          liveSecrets(subscription.secrets, started),
          timestamp,
          delivery.body,
        ),
      });
      holdsSubscriptionSlot = false;
      this.releaseSubscription(delivery.subscriptionId);
      const finished = new Date();
      webhookAttemptSeconds.observe((finished.getTime() - started.getTime()) / 1000);
      const meaning = meaningOf(outcome.status);
      const answer = {
        lastResponseStatus: outcome.status,
        lastResponseBody: outcome.body,
        lastError:
          outcome.error ??
          (meaning === 'succeeded' ? null : `the receiver answered ${outcome.status}`),
      };
      let record: AttemptRecord;
      if (meaning === 'succeeded') {
        record = { status: 'succeeded', nextAttemptAt: null, deliveredAt: finished, ...answer };
      } else if (meaning === 'gone') {
        record = { status: 'failed', nextAttemptAt: null, ...answer };
        await this.subscriptions.deactivate(subscription._id);
        this.cache.forget(subscription._id);
        this.logger.warn(
          { subscriptionId: subscription._id },
          'receiver answered 410 Gone: subscription deactivated',
        );
      } else {
        const next = nextAttemptAt(delivery.attempts + 1, finished, delivery.retryUntil, {
          scheduleMs: this.config.WEBHOOK_RETRY_SCHEDULE_MS,
          jitter: RETRY_JITTER,
        });
        record = { status: next ? 'pending' : 'failed', nextAttemptAt: next, ...answer };
      }
      webhookAttemptsTotal.inc({
        outcome:
          record.status === 'pending' ? 'retry' : meaning === 'gone' ? 'gone' : record.status,
      });
      if (!(await this.deliveries.recordAttempt(delivery, record)))
        this.logger.warn(
          { deliveryId: delivery._id },
          'an attempt outlived its lease; its outcome is not recorded (the delivery is at least once)',
        );
    } catch (error) {
      // The database failed us: the lease runs out and the delivery is due again then.
      this.logger.error({ err: error, deliveryId: delivery._id }, 'a delivery attempt failed');
    } finally {
      if (holdsSubscriptionSlot) this.releaseSubscription(delivery.subscriptionId);
      this.inFlight -= 1;
    }
  }

  private poll(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    void (async () => {
      try {
        do {
          this.pollAgain = false;
          await this.pass();
          // Asked again meanwhile: a short pause, so releases cannot drive passes back to back.
          if (this.pollAgain) await new Promise((resolve) => setTimeout(resolve, MIN_PASS_GAP_MS));
        } while (this.pollAgain && !this.stopped);
      } catch (error) {
        this.logger.error({ err: error }, 'a delivery poll failed');
      } finally {
        this.polling = false;
      }
    })();
  }

  /**
   * Claims what is due, bucket by bucket from the earliest that may still hold some. The
   * start moves past a bucket once every delivery in it has been claimed (by this replica or
   * another); a bucket whose subscriptions had no room stays for the next pass.
   */
  private async pass(): Promise<void> {
    const now = Date.now();
    const current = dueBucketOf(new Date(now));
    if (this.cursor === null)
      this.cursor = Math.min(current, (await this.deliveries.earliestPendingBucket()) ?? current);
    this.blocked.clear();
    let drained = true;
    for (let bucket = this.cursor; bucket <= current && !this.stopped; bucket += 1) {
      const pending = await this.deliveries.inBucket(bucket);
      const due = pending
        .filter((delivery) => !this.waitingIds.has(delivery._id))
        .filter(
          (delivery) => delivery.nextAttemptAt !== null && delivery.nextAttemptAt.getTime() <= now,
        )
        .sort((a, b) => (a.nextAttemptAt as Date).getTime() - (b.nextAttemptAt as Date).getTime());
      let complete = due.length === pending.length;
      for (let i = 0; i < due.length; i += CLAIM_BATCH) {
        const batch = due.slice(i, i + CLAIM_BATCH).filter((delivery) => {
          if (this.reserve(delivery.subscriptionId)) return true;
          this.blocked.add(delivery.subscriptionId);
          complete = false;
          return false;
        });
        await Promise.all(batch.map((delivery) => this.claimAndAttempt(delivery)));
      }
      if (drained && complete && bucket < current) this.cursor = bucket + 1;
      else drained = false;
    }
  }

  private async claimAndAttempt(delivery: DueDelivery): Promise<void> {
    let claimed: DeliveryDocument | null = null;
    try {
      claimed = await this.deliveries.claim(delivery, new Date(Date.now() + this.leaseMs));
    } finally {
      if (claimed) void this.attempt(claimed);
      else this.release(delivery.subscriptionId);
    }
  }
}
