import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@slotbook/service-kit';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config';
import { UsersRepository } from '../users/users.repository';
import { RevocationStore } from './revocation.store';
import { SessionsRepository } from './sessions.repository';

/** Redis keeps nothing on disk; the database is the truth the gateways' view is rebuilt from. */
@Injectable()
export class RevocationRestore {
  private readonly logger = new Logger(RevocationRestore.name);

  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly revocations: RevocationStore,
  ) {}

  /** Writes the revocations now, and again each time Redis comes back (it may come back empty). */
  async start(): Promise<void> {
    await this.restore();
    this.redis.on('ready', () => {
      this.restore().catch((error: unknown) =>
        this.logger.error({ err: error }, 'could not restore revocations after Redis came back'),
      );
    });
  }

  private async restore(): Promise<void> {
    for (const userId of await this.users.findInactiveIds())
      await this.revocations.setUserActive(userId, false);
    const since = new Date(Date.now() - this.config.ACCESS_TOKEN_TTL_SECONDS * 1000);
    await this.revocations.revokeSessions(await this.sessions.recentlyRevokedSessionIds(since));
    await this.revocations.markRestored();
    this.logger.log('revocations restored to Redis');
  }
}
