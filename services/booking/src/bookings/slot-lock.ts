import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';

export type SlotLockResult =
  | { kind: 'held'; release: () => Promise<void> }
  /** Held by another run of the same booking (its command's or its key's): that time is its own. */
  | { kind: 'ours' }
  | { kind: 'contended' }
  | { kind: 'unavailable' };

export interface SlotLockOptions {
  enabled: boolean;
  ttlMs: number;
}

/** Deletes the lock only while it is still the caller's. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * A lock per host-slot around hold-and-write: the single-instance Redlock algorithm (`SET NX
 * PX` with its owner as the value, compare-and-delete to release), written out so that one
 * command both takes the lock and names who holds it, and the owner is the booking: a command
 * run again finds its own first run's lock and goes on. It keeps the common race cheap (losers
 * answer 409 without touching the database) but guarantees nothing: a lock that expired, was
 * never granted, or a Redis that is down all fall through to the unique index, which decides.
 */
export class SlotLock {
  private readonly logger = new Logger(SlotLock.name);

  constructor(
    private readonly redis: Redis,
    private readonly options: SlotLockOptions,
  ) {}

  async acquire(key: string, owner: string): Promise<SlotLockResult> {
    if (!this.options.enabled) return { kind: 'unavailable' };
    let holder: string | null;
    try {
      holder = (await this.redis.call(
        'SET',
        lockKey(key),
        owner,
        'NX',
        'PX',
        this.options.ttlMs,
        'GET',
      )) as string | null;
    } catch (error) {
      this.logger.warn({ err: error }, 'slot lock unavailable; relying on the unique index');
      return { kind: 'unavailable' };
    }
    if (holder === null) {
      return {
        kind: 'held',
        // An expired lock is not released; that is harmless, the index already decided.
        release: () =>
          this.redis.eval(RELEASE, 1, lockKey(key), owner).then(
            () => undefined,
            () => undefined,
          ),
      };
    }
    return holder === owner ? { kind: 'ours' } : { kind: 'contended' };
  }

  /**
   * Clears the slot's lock whoever holds it: a booking keeps the lock of the slot it took until
   * it runs out, and letting go of that slot (cancel, a move away) must not leave it refusing
   * others. A creator still under way then loses only its shortcut; the index decides.
   */
  async clear(key: string): Promise<void> {
    if (!this.options.enabled) return;
    await this.redis.del(lockKey(key)).catch(() => undefined);
  }
}

function lockKey(key: string): string {
  return `lock:slot:${key}`;
}
