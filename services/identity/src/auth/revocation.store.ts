import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RevocationKeys } from '@slotbook/contracts';
import { REDIS } from '@slotbook/service-kit';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config';

/**
 * Tells the gateways, through Redis, which access tokens already out must be refused: those
 * of deactivated users and of revoked sessions. Written before identity answers, so the
 * change holds from the very next request.
 */
@Injectable()
export class RevocationStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async setUserActive(userId: string, active: boolean): Promise<void> {
    if (active) await this.redis.del(RevocationKeys.inactiveUser(userId));
    else await this.redis.set(RevocationKeys.inactiveUser(userId), '1');
  }

  async markRestored(): Promise<void> {
    await this.redis.set(RevocationKeys.restored, '1');
  }

  async revokeSessions(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of sessionIds) {
      // An access token outlives its session by at most its own lifetime.
      pipeline.set(
        RevocationKeys.revokedSession(id),
        '1',
        'EX',
        this.config.ACCESS_TOKEN_TTL_SECONDS,
      );
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }
}
