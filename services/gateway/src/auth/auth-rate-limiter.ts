import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { REDIS } from '../core/redis.provider';

/**
 * A password check that has been counted against its account before it ran. The caller
 * reports how it ended: a wrong password keeps its point, a right one clears the account's
 * count, anything else (the check never ran: 503, 422) gives its point back.
 */
export interface CountedAttempt {
  succeeded(): Promise<void>;
  wrongPassword(): Promise<void>;
  notEvaluated(): Promise<void>;
}

/**
 * Throttling shared by every gateway replica (Redis). Password checks are counted per account
 * (logins, and the current password of a password change), so guessing one password is slow;
 * all login attempts are counted per client address with a generous limit, so one address
 * serving many honest users (an office NAT) still gets through while a spray from one address
 * is stopped.
 *
 * Each password check takes its point atomically *before* it runs: however many arrive at
 * once, no more than the limit are ever evaluated (reading the count first and adding a
 * penalty after the slow check let a burst through). When Redis is unreachable, the account
 * limits fail closed (503): without the counter there is no limit, and the gateway's
 * revocation check needs Redis anyway. The per-address budgets fail open.
 */
@Injectable()
export class AuthRateLimiter {
  private readonly logger = new Logger(AuthRateLimiter.name);
  private readonly loginsPerAccount: RateLimiterRedis;
  private readonly passwordChecksPerAccount: RateLimiterRedis;
  private readonly loginsPerAddress: RateLimiterRedis;
  private readonly authCallsPerAddress: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, @Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.loginsPerAccount = budget(
      redis,
      config,
      'login-attempts:account',
      config.LOGIN_LIMIT_PER_ACCOUNT,
      config.LOGIN_WINDOW_PER_ACCOUNT_SECONDS,
    );
    this.passwordChecksPerAccount = budget(
      redis,
      config,
      'current-password:account',
      config.PASSWORD_CHECK_LIMIT_PER_ACCOUNT,
      config.PASSWORD_CHECK_WINDOW_SECONDS,
    );
    this.loginsPerAddress = budget(
      redis,
      config,
      'login:address',
      config.LOGIN_LIMIT_PER_ADDRESS,
      config.LOGIN_WINDOW_PER_ADDRESS_SECONDS,
    );
    this.authCallsPerAddress = budget(
      redis,
      config,
      'auth:address',
      config.AUTH_LIMIT_PER_ADDRESS,
      config.AUTH_WINDOW_PER_ADDRESS_SECONDS,
    );
  }

  /** Before a login: refuses when the address or the account is over its limit. */
  async beforeLogin(email: string, address: string): Promise<CountedAttempt> {
    await this.failOpen(() => this.loginsPerAddress.consume(address));
    return this.countAttempt(this.loginsPerAccount, accountKey(email));
  }

  /** Before a password change is forwarded: its `currentPassword` is a guess like a login. */
  beforeCurrentPasswordCheck(userId: string): Promise<CountedAttempt> {
    return this.countAttempt(this.passwordChecksPerAccount, userId);
  }

  /** Registration, refresh and logout: one generous budget per address. */
  async beforeAuthCall(address: string): Promise<void> {
    await this.failOpen(() => this.authCallsPerAddress.consume(address));
  }

  private async countAttempt(limiter: RateLimiterRedis, key: string): Promise<CountedAttempt> {
    try {
      await limiter.consume(key);
    } catch (result) {
      if (result instanceof RateLimiterRes) throw tooMany(result.msBeforeNext);
      this.logger.warn({ err: result }, 'rate limiter unavailable; refusing password checks');
      throw new DomainError(ErrorCode.Unavailable, 'sign-in is temporarily unavailable');
    }
    return {
      succeeded: () => this.quietly(() => limiter.delete(key)),
      wrongPassword: async () => undefined,
      notEvaluated: () => this.quietly(() => limiter.reward(key, 1)),
    };
  }

  private async failOpen(consume: () => Promise<RateLimiterRes>): Promise<void> {
    try {
      await consume();
    } catch (result) {
      if (result instanceof RateLimiterRes) throw tooMany(result.msBeforeNext);
      // Redis unavailable: these budgets only protect capacity; they resume when it is back.
      this.logger.warn({ err: result }, 'rate limiter unavailable');
    }
  }

  private async quietly(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.logger.warn({ err: error }, 'rate limiter unavailable');
    }
  }
}

function accountKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A budget of `points` per `seconds` under `name`, in Redis under the gateway's rate-limit
 * namespace: every replica sharing the namespace shares it.
 */
export function budget(
  redis: Redis,
  config: GatewayConfig,
  name: string,
  points: number,
  seconds: number,
): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${config.RATE_LIMIT_NAMESPACE}:${name}`,
    points,
    duration: seconds,
  });
}

/** 429 with `Retry-After`: too many of `what`, the window ending in `msBeforeNext`. */
export function tooMany(msBeforeNext: number, what = 'attempts'): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new DomainError(
    ErrorCode.RateLimited,
    `too many ${what}; retry in ${retryAfterSeconds} s`,
    {
      retryAfterSeconds,
    },
  );
}
