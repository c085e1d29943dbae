import { join } from 'node:path';
import { z } from 'zod';
import { BaseEnv, DEVELOPMENT_MANAGE_TOKEN_SECRET, loadEnv } from '@slotbook/runtime';

/**
 * Development and test default of CURSOR_SECRET: fixed, so that several gateways of one
 * development platform accept each other's cursors. Production must set its own.
 */
export const DEVELOPMENT_CURSOR_SECRET = 'slotbook-development-cursor-secret-not-for-production';

const SECRET = z.string().min(32, { message: 'must be at least 32 characters' }).optional();

export const GatewayEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Prometheus `/metrics`, apart from the API port (for the scraper, not for clients). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9300),
  REDIS_URL: z.url({ protocol: /^rediss?$/, message: 'must be a redis:// URL' }),
  JWT_PUBLIC_KEY: z
    .string()
    .transform((value) => value.replace(/\\n/g, '\n'))
    .refine((value) => value.includes('PUBLIC KEY'), {
      message: 'must be a PEM public key (Ed25519)',
    }),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 100kb' })
    .default('100kb'),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_WINDOW_PER_ACCOUNT_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Wrong `currentPassword`s of a password change allowed per account and window. */
  PASSWORD_CHECK_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  PASSWORD_CHECK_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  LOGIN_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(300),
  LOGIN_WINDOW_PER_ADDRESS_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Prefix of the rate-limit keys in Redis: gateways sharing it share their counters. */
  RATE_LIMIT_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/)
    .default('rl'),
  AUTH_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(300),
  AUTH_WINDOW_PER_ADDRESS_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Key material of page cursors; every gateway replica must share it. */
  CURSOR_SECRET: SECRET,
  /** Key of the guests' manage links (SPEC §5b); every gateway replica must share it. */
  MANAGE_TOKEN_SECRET: SECRET,
  /** Bookings without an account allowed per client address and window (SPEC §5b). */
  GUEST_BOOKING_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(10),
  GUEST_BOOKING_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Unknown manage tokens allowed per client address and window, before every manage call is 429. */
  MANAGE_MISS_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  MANAGE_MISS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** The built web app (apps/web/dist) served under `/`; without an index.html, no pages. */
  WEB_ROOT: z
    .string()
    .min(1)
    .default(join(__dirname, '..', '..', '..', 'apps', 'web', 'dist')),
})
  .superRefine((env, context) => {
    for (const name of ['CURSOR_SECRET', 'MANAGE_TOKEN_SECRET'] as const) {
      if (env.NODE_ENV === 'production' && env[name] === undefined)
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'is required in production (a shared secret of at least 32 characters)',
        });
    }
  })
  .transform((env) => ({
    ...env,
    CURSOR_SECRET: env.CURSOR_SECRET ?? DEVELOPMENT_CURSOR_SECRET,
    MANAGE_TOKEN_SECRET: env.MANAGE_TOKEN_SECRET ?? DEVELOPMENT_MANAGE_TOKEN_SECRET,
  }));
export type GatewayConfig = z.infer<typeof GatewayEnv>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(): GatewayConfig {
  return loadEnv(GatewayEnv);
}
