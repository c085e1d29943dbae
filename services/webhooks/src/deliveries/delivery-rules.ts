import type { DeliveryDocument } from './delivery.schema';
import { DAY_MS } from '@slotbook/scheduling';

/**
 * The pure rules of delivery (SPEC §6a): what an answer means, when the next attempt is, and
 * where a delivery waits for its turn.
 */

export interface RetryPolicy {
  /** The waits before the 2nd, 3rd, … attempt; the last one repeats. */
  scheduleMs: number[];
  /** Each wait is stretched or shrunk by up to this fraction, at random (0.2 = ±20 %). */
  jitter: number;
}

export const RETRY_JITTER = 0.2;

/** The wait after the `attempts`-th failed attempt, jittered (`random` in [0, 1)). */
export function retryDelayMs(
  attempts: number,
  { scheduleMs, jitter }: RetryPolicy,
  random: () => number = Math.random,
): number {
  const base = scheduleMs[Math.min(Math.max(attempts, 1), scheduleMs.length) - 1];
  return Math.round(base * (1 + jitter * (2 * random() - 1)));
}

/**
 * When to try again after the `attempts`-th failed attempt, or null when that would be past
 * `retryUntil` (the delivery has then failed for good).
 */
export function nextAttemptAt(
  attempts: number,
  now: Date,
  retryUntil: Date,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Date | null {
  const at = new Date(now.getTime() + retryDelayMs(attempts, policy, random));
  return at.getTime() > retryUntil.getTime() ? null : at;
}

export type AnswerMeaning = 'succeeded' | 'gone' | 'retry';

/** A 2xx is a success; 410 Gone ends the subscription; anything else (3xx too) is retried. */
export function meaningOf(status: number | null): AnswerMeaning {
  if (status !== null && status >= 200 && status < 300) return 'succeeded';
  if (status === 410) return 'gone';
  return 'retry';
}

/**
 * Pending deliveries are found by `dueBucket`, an indexed number that only pending deliveries
 * carry: the 10-second window their next attempt falls in. A poller asks for one window at a
 * time (an equality with few matches), never for a range over all deliveries.
 */
export const DUE_BUCKET_MS = 10_000;

export function dueBucketOf(at: Date): number {
  return Math.floor(at.getTime() / DUE_BUCKET_MS);
}

/** Days since the epoch: what deliveries and feed events are pruned by. */
export function dayOf(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS);
}

/** What a new delivery is made of: the event's body for one subscription. */
export type NewDelivery = Pick<
  DeliveryDocument,
  '_id' | 'subscriptionId' | 'eventId' | 'type' | 'body'
>;

/** A delivery as it starts: pending, due now, retried for `retryWindowMs`. */
export function newDelivery(
  fields: NewDelivery,
  now: Date,
  retryWindowMs: number,
): DeliveryDocument {
  return {
    ...fields,
    status: 'pending',
    attempts: 0,
    version: 0,
    nextAttemptAt: now,
    dueBucket: dueBucketOf(now),
    retryUntil: new Date(now.getTime() + retryWindowMs),
    lastResponseStatus: null,
    lastError: null,
    lastResponseBody: null,
    createdAt: now,
    createdDay: dayOf(now),
    deliveredAt: null,
  };
}
