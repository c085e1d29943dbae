import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { budget, tooMany } from '../auth/auth-rate-limiter';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { REDIS } from '../core/redis.provider';

/**
 * What callers without an account may do per client address, shared by every gateway replica
 * (Redis): book a few times a window, and miss a manage token a few times a window — after
 * that, every manage request from the address is 429 until the window has passed. Both fail
 * open when Redis is down: they protect capacity, and a manage token cannot be guessed anyway
 * (256 bits).
 */
@Injectable()
export class GuestLimits {
  private readonly logger = new Logger(GuestLimits.name);
  private readonly bookingsPerAddress: RateLimiterRedis;
  private readonly missesPerAddress: RateLimiterRedis;
  private readonly missLimit: number;

  constructor(@Inject(REDIS) redis: Redis, @Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.bookingsPerAddress = budget(
      redis,
      config,
      'guest-booking:address',
      config.GUEST_BOOKING_LIMIT_PER_ADDRESS,
      config.GUEST_BOOKING_WINDOW_SECONDS,
    );
    this.missLimit = config.MANAGE_MISS_LIMIT_PER_ADDRESS;
    this.missesPerAddress = budget(
      redis,
      config,
      'manage-miss:address',
      config.MANAGE_MISS_LIMIT_PER_ADDRESS,
      config.MANAGE_MISS_WINDOW_SECONDS,
    );
  }

  /** Before a booking without an account: 429 past the address's budget. */
  async beforeGuestBooking(address: string): Promise<void> {
    try {
      await this.bookingsPerAddress.consume(address);
    } catch (result) {
      if (result instanceof RateLimiterRes)
        throw tooMany(result.msBeforeNext, 'bookings from this address');
      this.logger.warn({ err: result }, 'rate limiter unavailable');
    }
  }

  /** Before a manage request: 429 once the address has missed too often this window. */
  async beforeManage(address: string): Promise<void> {
    let misses: RateLimiterRes | null;
    try {
      misses = await this.missesPerAddress.get(address);
    } catch (error) {
      this.logger.warn({ err: error }, 'rate limiter unavailable');
      return;
    }
    if (misses && misses.consumedPoints >= this.missLimit) {
      throw tooMany(misses.msBeforeNext, 'unknown manage links from this address');
    }
  }

  /** A manage request named a token that is unknown, expired or altered. */
  async missed(address: string): Promise<void> {
    try {
      await this.missesPerAddress.penalty(address, 1);
    } catch (error) {
      this.logger.warn({ err: error }, 'rate limiter unavailable');
    }
  }
}
