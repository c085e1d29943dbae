import { Inject, Injectable, Logger } from '@nestjs/common';
import { WebhookHeader, signatureHeader } from '@slotbook/contracts';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from '../config';
import { WebhookSender, type SendOutcome } from '../endpoints/webhook-sender';
import { liveSecrets } from '../subscriptions/secret-rules';
import { LocalSubscriptions } from '../subscriptions/local-subscriptions';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import {
  DeliveriesRepository,
  type AttemptRecord,
  type DueDelivery,
} from './deliveries.repository';
import { webhookAttemptSeconds, webhookAttemptsTotal } from './delivery-metrics';
import {
  RETRY_JITTER,
  dueBucketOf,
  meaningOf,
  newDelivery,
  nextAttemptAt,
  type NewDelivery,
} from './delivery-rules';
import type { DeliveryDocument } from './delivery.schema';
import {
  FIRST_ANSWER_WAIT_MS,
  MIN_PASS_GAP_MS,
  RETRY_CLAIM_AFTER_MS,
  SLOT_WAIT_MS,
  deliveryLeaseMs,
} from './delivery.timing';
import { WakeSchedule } from './wake-schedule';

/** Claims made at once while a poll pass works through a bucket. */
const CLAIM_BATCH = 32;

/**
 * How one attempt went: the receiver's answer, why none was asked for, or that the attempt
 * could not be made (the database failed us: nothing is recorded, the lease runs out and the
 * delivery is due again then).
 */
type Attempted =
  | { kind: 'answered'; outcome: SendOutcome; started: Date; finished: Date }
  | { kind: 'abandoned'; reason: string }
  | { kind: 'unknown' };

/**
 * Runs delivery attempts. Each attempt is its own promise: nothing waits for a receiver but
 * that attempt, and a subscription may hold at most WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION of a
 * replica's WEBHOOK_CONCURRENCY attempts, so a slow or dead receiver never holds up another.
 *
 * A new delivery is attempted at once when its subscription has room, before it is stored: an
 * event's deliveries are inserted in one write once their first answers are in (or after
 * FIRST_ANSWER_WAIT_MS, leased, for those still waiting), and the event is acknowledged only
 * then, so one that is lost before is fanned out again and none that was stored is sent twice
 * (see EventIntakeService).
 * A delivery whose subscription has no room is stored due now and waits in this replica's
 * line for its subscription, claimed by compare-and-set when a slot frees up. Every retry, and
 * whatever a replica left behind when it died, waits in the database, due at `nextAttemptAt`,
 * and a pass finds it by its due bucket and claims it by compare-and-set: a pass runs when a
 * delivery this replica stored falls due, and as a recovery scan every WEBHOOK_POLL_INTERVAL_MS
 * for what another replica left behind (nothing polls faster when idle). A claim moves the next
 * attempt to the end of a lease (delivery.timing.ts), so the delivery of a
 * replica that dies mid-attempt is due again then, and competing replicas never both attempt
 * one delivery in one lease.
 */
@Injectable()
export class DeliveryDispatcher {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private readonly perSubscription = new Map<string, number>();
  /**
   * Stored due deliveries that found no room, per subscription, oldest first (new ones, and
   * those a poll pass found): attempted here as its slots free up, rather than found again by
   * every poll pass.
   */
  private readonly waiting = new Map<string, DueDelivery[]>();
  private readonly waitingIds = new Set<string>();
  /** When each subscription's receiver last answered an attempt of this replica. */
  private readonly lastAnsweredAt = new Map<string, number>();
  /** New deliveries waiting in memory for a slot of their subscription (see slotWithin). */
  private readonly slotWaiters = new Map<string, Array<() => void>>();
  /** Requests open to receivers (each holds a place of WEBHOOK_CONCURRENCY). */
  private inFlight = 0;
  /** Outcomes being written. */
  private recording = 0;
  private cursor: number | null = null;
  /** The earliest bucket of a delivery dropped from a line (its claim failed): read it again. */
  private rewindTo: number | null = null;
  private timer?: NodeJS.Timeout;
  /** When this replica's own stored deliveries fall due: a pass then, rather than a poll. */
  private readonly dueTimes = new WakeSchedule(() => this.poll());
  private polling = false;
  private pollAgain = false;
  private stopped = false;

  constructor(
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly local: LocalSubscriptions,
    private readonly sender: WebhookSender,
  ) {}

  get leaseMs(): number {
    return deliveryLeaseMs(this.config);
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.poll(), this.config.WEBHOOK_POLL_INTERVAL_MS);
    this.poll();
  }

  /** Stops polling and waits (up to `timeoutMs`) for the attempts in flight and their records. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.dueTimes.stop();
    const deadline = Date.now() + timeoutMs;
    while ((this.inFlight > 0 || this.recording > 0 || this.polling) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    this.sender.close();
  }

  /** Asks for a poll pass soon (a delivery was made due now). */
  kick(): void {
    if (!this.stopped) setImmediate(() => this.poll());
  }

  /**
   * Attempts new deliveries at once where their subscriptions have room, then stores them all
   * in one write with the answers that came within FIRST_ANSWER_WAIT_MS; a delivery still
   * waiting for its answer is stored leased and its outcome written when the answer comes, one
   * without room is stored due now for this replica's line. An event fanned out before
   * (`seenBefore`) sends only the deliveries not stored yet.
   */
  async deliverNew(fields: NewDelivery[], { seenBefore = false } = {}): Promise<void> {
    const fresh = seenBefore ? await this.notStored(fields) : fields;
    if (fresh.length === 0) return;
    const now = new Date();
    const deliveries = fresh.map((field) =>
      newDelivery(field, now, this.config.WEBHOOK_RETRY_WINDOW_MS),
    );
    const slots = deliveries.map((delivery) => this.slotWithin(delivery.subscriptionId));
    const sends = deliveries.map((delivery, i) =>
      slots[i].then((slot) => (slot ? this.send(delivery) : null)),
    );
    const answers = await answeredWithin(sends, FIRST_ANSWER_WAIT_MS);
    const slotted = await Promise.all(slots); // every wait for a slot is over by now
    const records = await Promise.all(
      deliveries.map((delivery, i) => {
        const answer = answers[i];
        // a record that cannot be made now is made when the attempt is finished below
        return answer ? this.recordOf(delivery, answer).catch(() => null) : null;
      }),
    );
    const leaseEnd = new Date(Date.now() + this.leaseMs);
    const stored = deliveries.map((delivery, i): DeliveryDocument => {
      const record = records[i];
      if (record) return withRecord(delivery, record);
      if (slotted[i])
        return { ...delivery, nextAttemptAt: leaseEnd, dueBucket: dueBucketOf(leaseEnd) };
      return delivery;
    });
    let inserted: boolean[] = stored.map(() => false);
    try {
      inserted = await this.deliveries.insertAll(stored);
    } finally {
      stored.forEach((delivery, i) => {
        if (!slotted[i]) {
          if (inserted[i]) this.enqueue(delivery);
        } else if (records[i]) {
          if (inserted[i] && delivery.status === 'pending' && delivery.nextAttemptAt)
            this.dueTimes.at(delivery.nextAttemptAt);
        } else {
          const attempted = sends[i].then((answer) => answer ?? { kind: 'unknown' as const });
          void this.finishAttempt(delivery, attempted, inserted[i]);
        }
      });
    }
  }

  /**
   * A slot for one attempt for the subscription: at once when it has room, else the first one
   * to free up within SLOT_WAIT_MS (new deliveries come in bursts of an event per message the
   * broker hands over, and waiting a moment is cheaper than storing one to claim it later);
   * false when none did, or at once when its receiver has not answered within SLOT_WAIT_MS.
   */
  private slotWithin(subscriptionId: string): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    if (this.reserve(subscriptionId)) return Promise.resolve(true);
    // A receiver that has not answered for a while frees no slot soon: no use waiting.
    const answered = this.lastAnsweredAt.get(subscriptionId);
    if (answered === undefined || Date.now() - answered > SLOT_WAIT_MS)
      return Promise.resolve(false);
    return new Promise((resolve) => {
      const line = this.slotWaiters.get(subscriptionId) ?? [];
      this.slotWaiters.set(subscriptionId, line);
      const waiter = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const at = line.indexOf(waiter);
        if (at >= 0) line.splice(at, 1);
        if (line.length === 0 && this.slotWaiters.get(subscriptionId) === line)
          this.slotWaiters.delete(subscriptionId);
        resolve(false);
      }, SLOT_WAIT_MS);
      line.push(waiter);
    });
  }

  /** Hands free slots of a subscription to the new deliveries waiting for one, oldest first. */
  private wakeSlotWaiters(subscriptionId: string): void {
    const line = this.slotWaiters.get(subscriptionId);
    while (line && line.length > 0 && this.reserve(subscriptionId)) (line.shift() as () => void)();
    if (line && line.length === 0) this.slotWaiters.delete(subscriptionId);
  }

  /** The deliveries not stored yet (one indexed lookup by id each). */
  private async notStored(fields: NewDelivery[]): Promise<NewDelivery[]> {
    const stored = await Promise.all(fields.map((field) => this.deliveries.exists(field._id)));
    return fields.filter((_, i) => !stored[i]);
  }

  /** A new delivery due now, whose subscription has no room yet: next in its line. */
  private enqueue(delivery: DueDelivery): void {
    if (this.stopped) return;
    this.lineUp(delivery);
    this.drain(delivery.subscriptionId);
  }

  /** Puts a due delivery in its subscription's line, to be claimed when a slot frees up. */
  private lineUp(delivery: DueDelivery): void {
    const line = this.waiting.get(delivery.subscriptionId) ?? [];
    line.push({
      _id: delivery._id,
      subscriptionId: delivery.subscriptionId,
      nextAttemptAt: delivery.nextAttemptAt,
      version: delivery.version,
    });
    this.waiting.set(delivery.subscriptionId, line);
    this.waitingIds.add(delivery._id);
  }

  /** Starts the waiting deliveries of a subscription while it has room (each claimed first). */
  private drain(subscriptionId: string): void {
    const line = this.waiting.get(subscriptionId);
    while (line && line.length > 0 && !this.stopped && this.reserve(subscriptionId)) {
      const next = line.shift() as DueDelivery;
      this.waitingIds.delete(next._id);
      void this.claimAndAttempt(next).catch((error: unknown) => {
        this.logger.warn({ err: error, deliveryId: next._id }, 'could not claim a delivery');
        // Out of the line, still pending where it was stored: the next pass reads its bucket.
        if (next.nextAttemptAt) {
          const bucket = dueBucketOf(next.nextAttemptAt);
          this.rewindTo = Math.min(this.rewindTo ?? bucket, bucket);
          this.dueTimes.at(Date.now() + RETRY_CLAIM_AFTER_MS);
        }
      });
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

  /**
   * A request is over (answered, or never sent): its places, the subscription's and
   * WEBHOOK_CONCURRENCY's, go to what waits for them: this subscription's line and new
   * deliveries, and when every place was taken, any other subscription's.
   */
  private release(subscriptionId: string): void {
    const held = (this.perSubscription.get(subscriptionId) ?? 1) - 1;
    if (held <= 0) this.perSubscription.delete(subscriptionId);
    else this.perSubscription.set(subscriptionId, held);
    const wasFull = this.inFlight >= this.config.WEBHOOK_CONCURRENCY;
    this.inFlight -= 1;
    const waiting = wasFull
      ? new Set([subscriptionId, ...this.waiting.keys(), ...this.slotWaiters.keys()])
      : [subscriptionId];
    for (const waitingId of waiting) {
      if (this.inFlight >= this.config.WEBHOOK_CONCURRENCY) return;
      this.drain(waitingId);
      this.wakeSlotWaiters(waitingId);
    }
  }

  /** One attempt of a stored delivery this replica has claimed; never throws. */
  private async attempt(delivery: DeliveryDocument): Promise<void> {
    await this.finishAttempt(delivery, this.send(delivery), true);
  }

  /**
   * Writes the outcome of an attempt once it is known, by compare-and-set on the version the
   * delivery was claimed (or stored) with; `stored` false: it was never stored, nothing to
   * write. Never throws.
   */
  private async finishAttempt(
    delivery: DeliveryDocument,
    send: Promise<Attempted>,
    stored: boolean,
  ): Promise<void> {
    this.recording += 1;
    try {
      const attempted = await send;
      if (!stored) return;
      const record = await this.recordOf(delivery, attempted);
      if (record && !(await this.deliveries.recordAttempt(delivery, record)))
        this.logger.warn(
          { deliveryId: delivery._id },
          'an attempt outlived its lease; its outcome is not recorded (the delivery is at least once)',
        );
      else if (record?.nextAttemptAt) this.dueTimes.at(record.nextAttemptAt);
    } catch (error) {
      // The database failed us: the lease runs out and the delivery is due again then.
      this.logger.error({ err: error, deliveryId: delivery._id }, 'could not record an attempt');
      if (delivery.nextAttemptAt) this.dueTimes.at(delivery.nextAttemptAt);
    } finally {
      this.recording -= 1;
    }
  }

  /**
   * Sends one attempt to the subscription's receiver, signed with its live secrets, and gives
   * its places back (the subscription's and WEBHOOK_CONCURRENCY's) once answered, not after
   * the outcome is written, so a slow database does not throttle how fast receivers are served.
   * Never throws.
   */
  private async send(delivery: DeliveryDocument): Promise<Attempted> {
    try {
      const subscription = await this.local.get(delivery.subscriptionId);
      if (!subscription || !subscription.active)
        return {
          kind: 'abandoned',
          reason: subscription ? 'the subscription is inactive' : 'the subscription was deleted',
        };
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
      const finished = new Date();
      // a timeout or a refused connection is no sign of a receiver that frees its slots soon
      if (outcome.status !== null)
        this.lastAnsweredAt.set(delivery.subscriptionId, finished.getTime());
      return { kind: 'answered', outcome, started, finished };
    } catch (error) {
      this.logger.error({ err: error, deliveryId: delivery._id }, 'a delivery attempt failed');
      return { kind: 'unknown' };
    } finally {
      this.release(delivery.subscriptionId);
    }
  }

  /**
   * What an attempt makes of its delivery (null: nothing to record); a 410 deactivates the
   * subscription.
   */
  private async recordOf(
    delivery: DeliveryDocument,
    attempted: Attempted,
  ): Promise<AttemptRecord | null> {
    if (attempted.kind === 'unknown') return null;
    if (attempted.kind === 'abandoned') {
      webhookAttemptsTotal.inc({ outcome: 'failed' });
      return {
        status: 'failed',
        nextAttemptAt: null,
        lastResponseStatus: null,
        lastError: attempted.reason,
        lastResponseBody: null,
        attempted: false,
      };
    }
    const { outcome, started, finished } = attempted;
    webhookAttemptSeconds.observe((finished.getTime() - started.getTime()) / 1000);
    const meaning = meaningOf(outcome.status);
    const answer = {
      lastResponseStatus: outcome.status,
      lastResponseBody: outcome.body,
      lastError:
        outcome.error ??
        (meaning === 'succeeded' ? null : `the receiver answered ${outcome.status}`),
      attempted: true,
    };
    let record: AttemptRecord;
    if (meaning === 'succeeded') {
      record = { status: 'succeeded', nextAttemptAt: null, deliveredAt: finished, ...answer };
    } else if (meaning === 'gone') {
      record = { status: 'failed', nextAttemptAt: null, ...answer };
      await this.subscriptions.deactivate(delivery.subscriptionId);
      this.local.deactivated(delivery.subscriptionId);
      this.logger.warn(
        { subscriptionId: delivery.subscriptionId },
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
      outcome: record.status === 'pending' ? 'retry' : meaning === 'gone' ? 'gone' : record.status,
    });
    return record;
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
   * Claims what is due, bucket by bucket from the earliest that may still hold some; a due
   * delivery whose subscription has no room joins its line here. The start moves past a bucket
   * once every delivery in it is due and claimed or lined up (a pass reads a bucket again only
   * while it holds deliveries not yet due, or one dropped from a line asks for it).
   */
  private async pass(): Promise<void> {
    const now = Date.now();
    const current = dueBucketOf(new Date(now));
    if (this.cursor === null)
      this.cursor = Math.min(current, (await this.deliveries.earliestPendingBucket()) ?? current);
    if (this.rewindTo !== null) {
      this.cursor = Math.min(this.cursor, this.rewindTo);
      this.rewindTo = null;
    }
    let drained = true;
    for (let bucket = this.cursor; bucket <= current && !this.stopped; bucket += 1) {
      const pending = await this.deliveries.inBucket(bucket);
      const due = pending
        .filter(
          (delivery) => delivery.nextAttemptAt !== null && delivery.nextAttemptAt.getTime() <= now,
        )
        .sort((a, b) => (a.nextAttemptAt as Date).getTime() - (b.nextAttemptAt as Date).getTime());
      const complete = due.length === pending.length;
      const unseen = due.filter((delivery) => !this.waitingIds.has(delivery._id));
      for (let i = 0; i < unseen.length; i += CLAIM_BATCH) {
        const batch = unseen.slice(i, i + CLAIM_BATCH).filter((delivery) => {
          if (this.reserve(delivery.subscriptionId)) return true;
          this.lineUp(delivery);
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

/** A new delivery as its first attempt left it (stored with the outcome in one write). */
function withRecord(delivery: DeliveryDocument, record: AttemptRecord): DeliveryDocument {
  const pending = record.status === 'pending' && record.nextAttemptAt !== null;
  const { dueBucket: _due, ...rest } = delivery;
  return {
    ...rest,
    status: record.status,
    nextAttemptAt: record.nextAttemptAt,
    ...(pending ? { dueBucket: dueBucketOf(record.nextAttemptAt as Date) } : {}),
    lastResponseStatus: record.lastResponseStatus,
    lastError: record.lastError,
    lastResponseBody: record.lastResponseBody,
    attempts: delivery.attempts + (record.attempted ? 1 : 0),
    deliveredAt: record.deliveredAt ?? null,
  };
}

/**
 * The values of those promises that settle within `ms`, as they were then: undefined for one
 * still waiting, null where there was no promise.
 */
async function answeredWithin<T>(
  promises: Array<Promise<T> | null>,
  ms: number,
): Promise<Array<T | undefined | null>> {
  const values: Array<T | undefined | null> = promises.map((p) => (p === null ? null : undefined));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(promises.map((p, i) => p?.then((value) => (values[i] = value)))),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
  return [...values];
}
