import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type Redis from 'ioredis';
import type { Request } from 'express';
import { DomainError, ErrorCode, RevocationKeys, type Role } from '@slotbook/contracts';
import { REDIS } from '../core/redis.provider';
import { AccessTokenVerifier } from './access-token.verifier';
import { GUESTS_WELCOME, IS_PUBLIC, ROLES, type AuthenticatedRequest } from './auth.decorators';

/**
 * Authenticates every route that is not `@Public()` (nor, without a token, `@GuestsWelcome()`): a valid token, from a session that is not
 * revoked, of a user who is still active (revocations are read from Redis, written by identity).
 * Then `@Roles()` decides: 403 for an authenticated caller whose role may not do this.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (
      header === undefined &&
      this.reflector.getAllAndOverride<boolean>(GUESTS_WELCOME, targets)
    ) {
      return true;
    }
    const match = header ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match)
      throw new DomainError(
        ErrorCode.Unauthorized,
        'an access token is required (Authorization: Bearer …)',
      );
    const claims = await this.verifier.verify(match[1]);
    let revoked: Array<string | null>;
    try {
      revoked = await this.redis.mget(
        RevocationKeys.inactiveUser(claims.sub),
        RevocationKeys.revokedSession(claims.sid),
        RevocationKeys.restored,
      );
    } catch {
      // Failing closed: without the revocation list a deactivated user could get through.
      throw new DomainError(ErrorCode.Unavailable, 'authentication is temporarily unavailable');
    }
    if (!revoked[2]) {
      // Redis came back empty and identity has not written the revocations again yet.
      throw new DomainError(ErrorCode.Unavailable, 'authentication is temporarily unavailable');
    }
    if (revoked[0]) throw new DomainError(ErrorCode.Unauthorized, 'the account is deactivated');
    if (revoked[1])
      throw new DomainError(ErrorCode.Unauthorized, 'the session has ended; log in again');
    request.actor = { id: claims.sub, role: claims.role, sessionId: claims.sid };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(claims.role)) {
      throw new DomainError(ErrorCode.Forbidden, 'your role may not do this');
    }
    return true;
  }
}
