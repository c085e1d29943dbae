import { z } from 'zod';

/** Settings every service shares; each service extends this with its own. */
export const BaseEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AMQP_URL: z.url({ protocol: /^amqps?$/, message: 'must be an amqp:// or amqps:// URL' }),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

/** Settings of every service that handles commands (identity, availability, booking). */
export const CommandServiceEnv = BaseEnv.extend({
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, { message: 'must be a mongodb:// URL' }),
  REDIS_URL: z.url({ protocol: /^rediss?$/, message: 'must be a redis:// URL' }),
  PREFETCH_COUNT: z.coerce.number().int().min(1).max(1000).default(16),
  COMMAND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4_000),
  /** The outbox's recovery scan: how often it runs, and how long events wait before it takes them. */
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(10).max(600_000).default(15_000),
  OUTBOX_GRACE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** `false` leaves publishing to the recovery scan alone (used to prove the outbox survives a crash). */
  OUTBOX_PUBLISH_ON_WRITE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
});

/**
 * The retries of an outgoing delivery (a webhook, a mail): about 30 s, 2 min, 10 min, 1 h, 3 h,
 * then every 6 h.
 */
export const DEFAULT_RETRY_SCHEDULE_MS = '30000,120000,600000,3600000,10800000,21600000';

/**
 * A variable listing the waits before the 2nd, 3rd, … attempt, in ms (the last repeats), as a
 * list of numbers; each at least 10 ms.
 */
export function retryScheduleMs(defaultValue = DEFAULT_RETRY_SCHEDULE_MS) {
  return z
    .string()
    .regex(/^\d+(,\d+)*$/, { message: 'must be a comma-separated list of milliseconds' })
    .default(defaultValue)
    .transform((value) => value.split(',').map(Number))
    .refine((delays) => delays.every((delay) => delay >= 10), {
      message: 'each delay must be at least 10 ms',
    });
}

/** An ordering between timings that does not hold: the variable that breaks it, and why. */
export interface TimingFlaw<K extends string = string> {
  variable: K;
  message: string;
}

/**
 * A refinement that refuses, at boot, an environment breaking one of a protocol's timing
 * orderings (each protocol states its own in a `*.timing.ts` module), naming the variable.
 */
export function timingRules<E>(flawsOf: (env: E) => TimingFlaw[]) {
  return (env: E, context: z.RefinementCtx): void => {
    for (const { variable, message } of flawsOf(env)) {
      context.addIssue({ code: 'custom', path: [variable], message });
    }
  };
}

export class ConfigError extends Error {}

/**
 * Parses the environment once at boot. A missing or bad value throws a {@link ConfigError}
 * whose message is one line naming the variable; `exitOnConfigError` prints it and stops.
 */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue.path.map(String).join('.') || '(environment)';
  const given = env[name] === undefined ? 'missing' : 'invalid';
  throw new ConfigError(`config error: ${name} is ${given}: ${issue.message}`);
}

export function loadEnv<T extends z.ZodType>(schema: T): z.infer<T> {
  try {
    return parseEnv(schema);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
