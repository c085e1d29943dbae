import { z } from 'zod';
import { Role } from '../common/actor';

/** Claims of an access token; the gateway verifies them without calling identity. */
export const AccessTokenClaims = z.object({
  sub: z.string(),
  role: Role,
  sid: z.string().describe('the session (refresh-token family) this token belongs to'),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;

export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';
export const ACCESS_TOKEN_ISSUER = 'slotbook-identity';
export const ACCESS_TOKEN_AUDIENCE = 'slotbook';

/**
 * Redis keys through which identity revokes access tokens that are already out: the gateway
 * checks them on every request, so a deactivation or logout takes effect on the next one.
 */
export const RevocationKeys = {
  inactiveUser: (userId: string) => `auth:inactive-user:${userId}`,
  revokedSession: (sessionId: string) => `auth:revoked-session:${sessionId}`,
  /**
   * Set by identity once Redis holds every revocation. Redis keeps nothing on disk: after it
   * restarts empty, gateways refuse tokens until identity has written the revocations again.
   */
  restored: 'auth:revocations-restored',
} as const;
