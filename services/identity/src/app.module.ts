import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditSubscription, IDENTITY_EXCHANGE } from '@slotbook/contracts';
import {
  HealthController,
  MetricsModule,
  countedMongoOptions,
  loggerModule,
} from '@slotbook/runtime';
import {
  commandServiceProviders,
  commandSettingsOf,
  outboxSettingsOf,
  step,
  subscriber,
} from '@slotbook/service-kit';
import { IDENTITY_CONFIG, type IdentityConfig } from './config';
import { AccessTokenSigner } from './auth/access-token.signer';
import { AuthHandlers } from './auth/auth.handlers';
import { AuthService } from './auth/auth.service';
import { PasswordHasher } from './auth/password-hasher';
import { RevocationRestore } from './auth/revocation-restore';
import { RevocationStore } from './auth/revocation.store';
import {
  RefreshTokenDocument,
  RefreshTokenSchema,
  RefreshTokenUseDocument,
  RefreshTokenUseSchema,
  SessionDocument,
  SessionSchema,
} from './auth/session.schema';
import { SessionsRepository } from './auth/sessions.repository';
import { AuditHandlers } from './audit/audit.handlers';
import { AuditRepository } from './audit/audit.repository';
import { AuditDocument, AuditSchema } from './audit/audit.schema';
import { AUDIT_BATCH, AuditService } from './audit/audit.service';
import { UserDocument, UserSchema } from './users/user.schema';
import { UsersHandlers } from './users/users.handlers';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

@Module({})
export class IdentityModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        loggerModule('identity', config.LOG_LEVEL),
        MetricsModule.forRoot(config.METRICS_PORT),
        MongooseModule.forRoot(
          config.MONGO_URL,
          countedMongoOptions({ serverSelectionTimeoutMS: 5_000 }),
        ),
        MongooseModule.forFeature([
          { name: UserDocument.name, schema: UserSchema },
          { name: SessionDocument.name, schema: SessionSchema },
          { name: RefreshTokenDocument.name, schema: RefreshTokenSchema },
          { name: RefreshTokenUseDocument.name, schema: RefreshTokenUseSchema },
          { name: AuditDocument.name, schema: AuditSchema },
        ]),
      ],
      controllers: [AuthHandlers, UsersHandlers, AuditHandlers, HealthController],
      providers: [
        { provide: IDENTITY_CONFIG, useValue: config },
        ...commandServiceProviders({
          ...commandSettingsOf(config),
          // Revocations must reach Redis; a short outage delays them rather than dropping them.
          redis: { url: config.REDIS_URL, offlineQueue: true },
          events: {
            exchange: IDENTITY_EXCHANGE,
            outbox: { model: UserDocument.name },
            ...outboxSettingsOf(config),
          },
          subscribers: [
            subscriber(AuditService, {
              subscription: AuditSubscription,
              prefetch: 2 * AUDIT_BATCH.maxItems,
              handle: (audit, event) => audit.recordEvent(event),
            }),
          ],
          steps: [
            step(AuthService, {
              start: async (auth) => {
                if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD)
                  await auth.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
              },
            }),
            step(RevocationRestore, { start: (restore) => restore.start() }),
          ],
        }),
        AccessTokenSigner,
        AuthService,
        PasswordHasher,
        RevocationStore,
        RevocationRestore,
        SessionsRepository,
        AuditRepository,
        AuditService,
        UsersRepository,
        UsersService,
      ],
    };
  }
}
