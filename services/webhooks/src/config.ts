import { z } from 'zod';
import { BaseEnv, loadEnv, retryScheduleMs } from '@slotbook/runtime';
import { DAY_MS } from '@slotbook/scheduling';

const booleanFlag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

/**
 * The webhooks service keeps nothing in Redis and publishes no events, so it needs neither
 * REDIS_URL nor an outbox: its database and the broker are its dependencies.
 */
export const WebhooksEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3004),
  /** Prometheus `/metrics`, apart from the API port (for the scraper, not for clients). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9304),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, { message: 'must be a mongodb:// URL' }),
  PREFETCH_COUNT: z.coerce.number().int().min(1).max(1000).default(16),
  COMMAND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Development and tests only: allows `http` URLs and loopback, private, link-local hosts. */
  WEBHOOK_ALLOW_PRIVATE_URLS: booleanFlag,
  /**
   * The waits before the 2nd, 3rd, … attempt, in ms; the last one repeats. Each is jittered
   * by ±20 %. Tests shorten it.
   */
  WEBHOOK_RETRY_SCHEDULE_MS: retryScheduleMs(),
  /** How long a delivery is retried before it is `failed`. */
  WEBHOOK_RETRY_WINDOW_MS: z.coerce.number().int().min(1_000).default(DAY_MS),
  /** How long a receiver has to answer one attempt. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /**
   * How often due deliveries are looked for in any case: those another replica left behind
   * when it died (a replica's own retries are looked for when they fall due).
   */
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(20).max(600_000).default(30_000),
  /** Attempts in flight in one replica, in all. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(256),
  /** Attempts in flight in one replica for one subscription: a slow receiver holds no more. */
  WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION: z.coerce.number().int().min(1).max(1_000).default(16),
  /**
   * Subscriptions one account may have: each one is a request per matching event, so this
   * bounds how much traffic one account can send out. Creates racing at the limit may all pass it.
   */
  WEBHOOK_MAX_PER_OWNER: z.coerce.number().int().min(1).max(10_000).default(20),
  /** How long events stay in the feed (at least the 30 days SPEC §6a promises). */
  FEED_RETENTION_DAYS: z.coerce.number().int().min(30).max(3650).default(30),
  /** How long a reserved but unwritten feed position may stay open before it is skipped. */
  FEED_HOLE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
});
export type WebhooksConfig = z.infer<typeof WebhooksEnv>;

export const WEBHOOKS_CONFIG = Symbol('WEBHOOKS_CONFIG');

export function loadWebhooksConfig(): WebhooksConfig {
  return loadEnv(WebhooksEnv);
}
