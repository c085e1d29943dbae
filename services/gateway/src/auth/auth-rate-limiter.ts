import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { REDIS } from '../core/redis.provider';

/**
 * Login throttling shared by every gateway replica (Redis). Failed logins are counted per
 * account, so guessing one password is slow; all attempts are counted per client address
 * with a generous limit, so one address serving many honest users (an office NAT) still
 * gets through while a spray from one address is stopped.
 */
@Injectable()
export class AuthRateLimiter {
  private readonly logger = new Logger(AuthRateLimiter.name);
  private readonly failuresPerAccount: RateLimiterRedis;
  private readonly loginsPerAddress: RateLimiterRedis;
  private readonly authCallsPerAddress: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, @Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.failuresPerAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.RATE_LIMIT_NAMESPACE}:login-failures:account`,
      points: config.LOGIN_LIMIT_PER_ACCOUNT,
      duration: config.LOGIN_WINDOW_PER_ACCOUNT_SECONDS,
    });
    this.loginsPerAddress = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.RATE_LIMIT_NAMESPACE}:login:address`,
      points: config.LOGIN_LIMIT_PER_ADDRESS,
      duration: config.LOGIN_WINDOW_PER_ADDRESS_SECONDS,
    });
    this.authCallsPerAddress = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.RATE_LIMIT_NAMESPACE}:auth:address`,
      points: config.AUTH_LIMIT_PER_ADDRESS,
      duration: config.AUTH_WINDOW_PER_ADDRESS_SECONDS,
    });
  }

  /** Before a login: refuses when the address or the account is over its limit. */
  async beforeLogin(email: string, address: string): Promise<void> {
    await this.guard(() => this.loginsPerAddress.consume(address));
    const failures = await this.tolerant(() => this.failuresPerAccount.get(accountKey(email)));
    if (failures && failures.consumedPoints >= this.failuresPerAccount.points) {
      throw tooMany(failures.msBeforeNext);
    }
  }

  async loginFailed(email: string): Promise<void> {
    await this.tolerant(() => this.failuresPerAccount.penalty(accountKey(email), 1));
  }

  async loginSucceeded(email: string): Promise<void> {
    await this.tolerant(() => this.failuresPerAccount.delete(accountKey(email)));
  }

  /** Registration, refresh and logout: one generous budget per address. */
  async beforeAuthCall(address: string): Promise<void> {
    await this.guard(() => this.authCallsPerAddress.consume(address));
  }

  private async guard(consume: () => Promise<RateLimiterRes>): Promise<void> {
    try {
      await consume();
    } catch (result) {
      if (result instanceof RateLimiterRes) throw tooMany(result.msBeforeNext);
      // Redis unavailable: logins still work; throttling resumes when it is back.
      this.logger.warn({ err: result }, 'rate limiter unavailable');
    }
  }

  private async tolerant<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await call();
    } catch (error) {
      this.logger.warn({ err: error }, 'rate limiter unavailable');
      return null;
    }
  }
}

function accountKey(email: string): string {
  return email.trim().toLowerCase();
}

function tooMany(msBeforeNext: number): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new DomainError(
    ErrorCode.RateLimited,
    `too many attempts; retry in ${retryAfterSeconds} s`,
    {
      retryAfterSeconds,
    },
  );
}
