import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import Redlock, { ExecutionError, ResourceLockedError } from 'redlock';

export type SlotLockResult =
  { kind: 'held'; release: () => Promise<void> } | { kind: 'contended' } | { kind: 'unavailable' };

export interface SlotLockOptions {
  enabled: boolean;
  ttlMs: number;
}

/**
 * A Redlock per host-slot around check-and-write. It keeps the common race cheap (losers
 * answer 409 without touching the database) but guarantees nothing: a lock that expired, was
 * never granted, or a Redis that is down all fall through to the unique index, which decides.
 */
export class SlotLock {
  private readonly logger = new Logger(SlotLock.name);
  private readonly redlock: Redlock;

  constructor(
    redis: Redis,
    private readonly options: SlotLockOptions,
  ) {
    this.redlock = new Redlock([redis], {
      retryCount: 0,
      driftFactor: 0.01,
      automaticExtensionThreshold: 0,
    });
    this.redlock.on('error', () => undefined);
  }

  async acquire(key: string): Promise<SlotLockResult> {
    if (!this.options.enabled) return { kind: 'unavailable' };
    try {
      const lock = await this.redlock.acquire([`lock:slot:${key}`], this.options.ttlMs);
      return {
        kind: 'held',
        // An expired lock fails to release; that is harmless, the index already decided.
        release: () =>
          lock.release().then(
            () => undefined,
            () => undefined,
          ),
      };
    } catch (error) {
      return (await this.isContention(error)) ? { kind: 'contended' } : this.unavailable(error);
    }
  }

  /** redlock reports contention and an unreachable Redis with the same error; the votes tell. */
  private async isContention(error: unknown): Promise<boolean> {
    if (!(error instanceof ExecutionError)) return false;
    const attempts = await Promise.all(error.attempts).catch(() => []);
    return attempts.some((stats) =>
      [...stats.votesAgainst.values()].some((vote) => vote instanceof ResourceLockedError),
    );
  }

  private unavailable(error: unknown): SlotLockResult {
    this.logger.warn({ err: error }, 'slot lock unavailable; relying on the unique index');
    return { kind: 'unavailable' };
  }
}
