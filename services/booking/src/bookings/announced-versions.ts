import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { REDIS } from '@slotbook/service-kit';

/** Raises the key to ARGV[1] unless it is already there or past it (never lowers it). */
const RAISE = `local v = tonumber(redis.call('GET', KEYS[1]) or '-1')
if v < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

/**
 * The newest version of each host's terms announced to booking (host-terms.ts in the
 * contracts), in Redis so that every replica reads the same: availability announces each write
 * of a host's document, and booking announces what it fetched (safe: a write announces its
 * version again after it wrote, so what is kept never falls behind a write that was answered).
 */
@Injectable()
export class AnnouncedVersions {
  private readonly logger = new Logger(AnnouncedVersions.name);

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Raises the host's version to `version`; 503 when Redis cannot take it. */
  async raise(hostId: string, version: number): Promise<void> {
    try {
      await this.redis.eval(RAISE, 1, keyOf(hostId), version);
    } catch (error) {
      this.logger.warn({ err: error, hostId }, 'could not keep an announced version');
      throw new DomainError(ErrorCode.Unavailable, 'booking cannot take the change right now');
    }
  }

  /** The newest version announced for the host; null when none is kept or Redis cannot say. */
  async of(hostId: string): Promise<number | null> {
    try {
      const value = await this.redis.get(keyOf(hostId));
      return value === null ? null : Number(value);
    } catch (error) {
      this.logger.warn({ err: error }, 'no announced version; asking availability');
      return null;
    }
  }
}

function keyOf(hostId: string): string {
  return `terms:${hostId}`;
}
