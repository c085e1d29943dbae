import { z } from 'zod';
import {
  BaseEnv,
  DEFAULT_RETRY_SCHEDULE_MS,
  DEVELOPMENT_MANAGE_TOKEN_SECRET,
  loadEnv,
  retryScheduleMs,
  timingRules,
} from '@slotbook/runtime';
import { DAY_MS } from '@slotbook/scheduling';
import { mailLeaseTimingFlaws } from './mail/mail-lease.timing';

/**
 * A refused mail is tried again soon (a server restarting, a greylist), then as webhooks are:
 * 5 s, 30 s, 2 min, 10 min, 1 h, 3 h, then every 6 h.
 */
const MAIL_RETRY_SCHEDULE = `5000,${DEFAULT_RETRY_SCHEDULE_MS}`;

/** An empty variable (compose's `${X:-}`) is an unset one. */
const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);

/**
 * The notifications service keeps nothing in Redis and publishes no events: its database, the
 * broker (booking's events in, identity and availability asked for names, zones and reminders)
 * and the SMTP server are its dependencies.
 */
export const NotificationsEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3005),
  /** Prometheus `/metrics`, apart from the API port (for the scraper, not for clients). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9305),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, { message: 'must be a mongodb:// URL' }),
  PREFETCH_COUNT: z.coerce.number().int().min(1).max(1000).default(16),
  COMMAND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4_000),
  /** Where mail goes, e.g. `smtp://127.0.0.1:2525`; without it mail is off and nothing is sent. */
  SMTP_URL: z.preprocess(
    unsetWhenEmpty,
    z.url({ protocol: /^smtps?$/, message: 'must be an smtp:// or smtps:// URL' }).optional(),
  ),
  MAIL_FROM: z.string().min(3).max(320).default('Slotbook <no-reply@slotbook.local>'),
  /** How long one SMTP conversation may take before it counts as a failed send. */
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(30_000),
  /** Where the web pages are: a guest's mail links to `<PUBLIC_URL>/manage/<token>`. */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .default('http://127.0.0.1:3000')
    .transform((value) => value.replace(/\/+$/, '')),
  /** The key of guests' manage links: the gateway's, so the mail's link opens the booking. */
  MANAGE_TOKEN_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  /**
   * The waits before the 2nd, 3rd, … attempt of a refused send, in ms; the last one repeats.
   * Each is jittered by ±20 %. Tests shorten it.
   */
  MAIL_RETRY_SCHEDULE_MS: retryScheduleMs(MAIL_RETRY_SCHEDULE),
  /** How long a refused mail is retried before it is `failed`. */
  MAIL_RETRY_WINDOW_MS: z.coerce.number().int().min(1_000).default(DAY_MS),
  /**
   * How often due mail (reminders, retries, and sends a dead replica left) is looked for. One
   * indexed lookup per scan; a replica also wakes for the retries and reminders it planned.
   */
  MAIL_SCAN_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /**
   * How long one minute of an event type's `reminders` lasts: a minute. Tests shorten it so
   * that a reminder "60 minutes" before a start falls due 60 s (at 1000) before it.
   */
  MAIL_REMINDER_MINUTE_MS: z.coerce.number().int().min(100).max(60_000).default(60_000),
  /**
   * How long a replica holds a mail it is sending: a replica that dies holding it leaves it to
   * the others after this. Longer than an SMTP conversation and its record (mail-lease.timing.ts).
   */
  MAIL_LEASE_MS: z.coerce.number().int().min(200).max(3_600_000).default(120_000),
})
  .superRefine((env, context) => {
    if (env.NODE_ENV === 'production' && env.MANAGE_TOKEN_SECRET === undefined)
      context.addIssue({
        code: 'custom',
        path: ['MANAGE_TOKEN_SECRET'],
        message: "is required in production (the gateway's, at least 32 characters)",
      });
    timingRules(mailLeaseTimingFlaws)(env, context);
  })
  .transform((env) => ({
    ...env,
    MANAGE_TOKEN_SECRET: env.MANAGE_TOKEN_SECRET ?? DEVELOPMENT_MANAGE_TOKEN_SECRET,
  }));
export type NotificationsConfig = z.infer<typeof NotificationsEnv>;

export const NOTIFICATIONS_CONFIG = Symbol('NOTIFICATIONS_CONFIG');

export function loadNotificationsConfig(): NotificationsConfig {
  return loadEnv(NotificationsEnv);
}
