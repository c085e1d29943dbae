import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type Redis from 'ioredis';
import { CommandRunner, EventPublisher, EventSubscriber, OutboxRelay } from '@slotbook/messaging';
import { REDIS } from '@slotbook/service-kit';
import { IDENTITY_CONFIG, type IdentityConfig } from './config';
import { AuthService } from './auth/auth.service';
import { RevocationStore } from './auth/revocation.store';
import { SessionsRepository } from './auth/sessions.repository';
import {
  RefreshTokenDocument,
  RefreshTokenUseDocument,
  SessionDocument,
} from './auth/session.schema';
import { AuditDocument } from './audit/audit.schema';
import { UserDocument } from './users/user.schema';
import { UsersRepository } from './users/users.repository';

/** Start-up and graceful shutdown of identity's moving parts, in order. */
@Injectable()
export class IdentityLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(IdentityLifecycle.name);

  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectModel(UserDocument.name) private readonly userModel: Model<UserDocument>,
    @InjectModel(SessionDocument.name) private readonly sessionModel: Model<SessionDocument>,
    @InjectModel(RefreshTokenDocument.name)
    private readonly tokenModel: Model<RefreshTokenDocument>,
    @InjectModel(AuditDocument.name) private readonly auditModel: Model<AuditDocument>,
    @InjectModel(RefreshTokenUseDocument.name)
    private readonly useModel: Model<RefreshTokenUseDocument>,
    private readonly auth: AuthService,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly revocations: RevocationStore,
    private readonly runner: CommandRunner,
    private readonly relay: OutboxRelay,
    private readonly publisher: EventPublisher,
    private readonly auditSubscriber: EventSubscriber,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Unique indexes are the guarantees (one account per email); they exist before any write.
    await Promise.all(
      [this.userModel, this.sessionModel, this.tokenModel, this.auditModel, this.useModel].map(
        (model) => model.init(),
      ),
    );
    if (this.config.ADMIN_EMAIL && this.config.ADMIN_PASSWORD) {
      await this.auth.ensureAdmin(this.config.ADMIN_EMAIL, this.config.ADMIN_PASSWORD);
    }
    await this.restoreRevocations();
    // Redis may come back empty (it keeps nothing on disk): write the revocations again then.
    this.redis.on('ready', () => {
      this.restoreRevocations().catch((error: unknown) =>
        this.logger.error({ err: error }, 'could not restore revocations after Redis came back'),
      );
    });
    this.relay.start();
    await this.auditSubscriber.waitForConnect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.drain(this.config.SHUTDOWN_TIMEOUT_MS);
    await this.auditSubscriber.close(this.config.SHUTDOWN_TIMEOUT_MS);
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
    this.redis.disconnect();
  }

  /** Redis keeps nothing on disk; the database is the truth the gateways' view is rebuilt from. */
  private async restoreRevocations(): Promise<void> {
    for (const userId of await this.users.findInactiveIds())
      await this.revocations.setUserActive(userId, false);
    const since = new Date(Date.now() - this.config.ACCESS_TOKEN_TTL_SECONDS * 1000);
    await this.revocations.revokeSessions(await this.sessions.recentlyRevokedSessionIds(since));
    await this.revocations.markRestored();
    this.logger.log('revocations restored to Redis');
  }
}
