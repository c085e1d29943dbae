import { z } from 'zod';
import { CommandServiceEnv, loadEnv } from '@slotbook/runtime';

export const IdentityEnv = CommandServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  /** Prometheus `/metrics`, apart from the API port (for the scraper, not for clients). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9301),
  JWT_PRIVATE_KEY: z
    .string()
    .transform((value) => value.replace(/\\n/g, '\n'))
    .refine((value) => value.includes('PRIVATE KEY'), {
      message: 'must be a PEM private key (Ed25519)',
    }),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(900).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
}).refine((env) => (env.ADMIN_EMAIL === undefined) === (env.ADMIN_PASSWORD === undefined), {
  message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
  path: ['ADMIN_PASSWORD'],
});
export type IdentityConfig = z.infer<typeof IdentityEnv>;

export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');

export function loadIdentityConfig(): IdentityConfig {
  return loadEnv(IdentityEnv);
}
