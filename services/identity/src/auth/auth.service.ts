import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  IDENTITY_EXCHANGE,
  IdentityEvent,
  type LogInCommand,
  type TokenPair,
  type User,
  type RegisterBody,
} from '@slotbook/contracts';
import { OutboxRelay, newEvent } from '@slotbook/messaging';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config';
import { AuditService } from '../audit/audit.service';
import { UsersRepository } from '../users/users.repository';
import { toUser } from '../users/user.mapper';
import type { UserDocument } from '../users/user.schema';
import { AccessTokenSigner } from './access-token.signer';
import { PasswordHasher } from './password-hasher';
import { decideRefresh } from './refresh-rotation';
import { RevocationStore } from './revocation.store';
import { SessionsRepository } from './sessions.repository';
import { DAY_MS } from '@slotbook/scheduling';

const INVALID_CREDENTIALS = 'invalid email or password';
const INVALID_REFRESH = 'the refresh token is invalid or expired';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly signer: AccessTokenSigner,
    private readonly revocations: RevocationStore,
    private readonly audit: AuditService,
    private readonly relay: OutboxRelay,
  ) {}

  async register(body: RegisterBody, actorId: string | null = null): Promise<User> {
    const id = randomUUID();
    const doc = await this.users.insert(
      {
        _id: id,
        email: body.email,
        name: body.name,
        role: body.role,
        passwordHash: await this.hasher.hash(body.password),
      },
      (record) => newEvent(IDENTITY_EXCHANGE, IdentityEvent.UserRegistered, record, actorId ?? id),
      new Date(),
    );
    this.relay.kick();
    return toUser(doc);
  }

  /** Creates the configured first admin unless an account with that email exists. */
  async ensureAdmin(email: string, password: string): Promise<void> {
    if (await this.users.findByEmail(email)) return;
    try {
      const id = randomUUID();
      await this.users.insert(
        {
          _id: id,
          email,
          name: 'Administrator',
          role: 'ADMIN',
          passwordHash: await this.hasher.hash(password),
        },
        (record) => newEvent(IDENTITY_EXCHANGE, IdentityEvent.UserRegistered, record, null),
        new Date(),
      );
      this.logger.log({ email }, 'created the first admin from configuration');
    } catch (error) {
      // Another replica created it at the same moment.
      if (!(error instanceof DomainError && error.code === ErrorCode.Conflict)) throw error;
    }
  }

  async logIn(command: LogInCommand): Promise<TokenPair> {
    const user = await this.users.findByEmail(command.email);
    const valid = user
      ? await this.hasher.verify(user.passwordHash, command.password)
      : await this.hasher.verifyDecoy(command.password);
    if (!user || !valid || !user.active) {
      await this.audit.recordAction('auth.login-failed', user?._id ?? null, user?._id ?? null, {
        reason: !user ? 'unknown-email' : !valid ? 'wrong-password' : 'inactive',
        ...(command.clientIp ? { clientIp: command.clientIp } : {}),
      });
      throw new DomainError(ErrorCode.Unauthorized, INVALID_CREDENTIALS);
    }
    const now = new Date();
    const session = await this.sessions.openSession(
      user._id,
      now,
      this.config.REFRESH_TOKEN_TTL_DAYS * DAY_MS,
    );
    const pair = await this.tokenPair(
      user,
      session._id,
      await this.sessions.issueToken(session, now),
    );
    // A deactivation, demotion or password change that ran while this login was in flight
    // revoked the sessions it saw, not this one: look again, and end it if the user changed.
    const fresh = await this.users.findById(user._id);
    if (!fresh?.active || fresh.role !== user.role || fresh.passwordHash !== user.passwordHash) {
      await this.revokeSession(session._id, now);
      throw new DomainError(
        ErrorCode.Unauthorized,
        'the account changed during login; log in again',
      );
    }
    await this.audit.recordAction('auth.login', user._id, user._id, {
      sessionId: session._id,
      ...(command.clientIp ? { clientIp: command.clientIp } : {}),
    });
    return pair;
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const token = await this.sessions.findToken(refreshToken);
    const claimed = token !== null && (await this.sessions.claim(refreshToken));
    const session = token ? await this.sessions.findSession(token.sessionId) : null;
    const user = session ? await this.users.findById(session.userId) : null;
    const now = new Date();
    const decision = decideRefresh({
      token,
      claimed,
      session,
      userActive: user?.active ?? false,
      now,
    });
    switch (decision.kind) {
      case 'rotate': {
        const next = await this.sessions.issueToken(session!, now);
        await this.audit.recordAction('auth.refresh', user!._id, user!._id, {
          sessionId: session!._id,
        });
        return this.tokenPair(user!, session!._id, next);
      }
      case 'revoke-family':
        await this.revokeSession(session!._id, now);
        await this.audit.recordAction(
          'auth.refresh-reuse-detected',
          session!.userId,
          session!.userId,
          {
            sessionId: session!._id,
          },
        );
        throw new DomainError(
          ErrorCode.Unauthorized,
          'the refresh token was already used; the session is revoked',
        );
      case 'reject':
        throw new DomainError(ErrorCode.Unauthorized, INVALID_REFRESH);
    }
  }

  async logOut(refreshToken: string): Promise<void> {
    const token = await this.sessions.findToken(refreshToken);
    if (!token) throw new DomainError(ErrorCode.Unauthorized, INVALID_REFRESH);
    await this.revokeSession(token.sessionId, new Date());
    await this.audit.recordAction('auth.logout', token.userId, token.userId, {
      sessionId: token.sessionId,
    });
  }

  async revokeSession(sessionId: string, now: Date): Promise<void> {
    await this.revocations.revokeSessions([sessionId]);
    await this.sessions.revokeSession(sessionId, now);
  }

  private async tokenPair(
    user: UserDocument,
    sessionId: string,
    refreshToken: string,
  ): Promise<TokenPair> {
    return {
      accessToken: await this.signer.sign({ userId: user._id, role: user.role, sessionId }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.signer.ttlSeconds,
    };
  }
}
