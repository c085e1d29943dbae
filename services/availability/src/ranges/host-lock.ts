import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import Redlock, { ExecutionError, ResourceLockedError, type Lock } from 'redlock';
import { backoff } from '@slotbook/runtime';

export interface HostLockOptions {
  enabled: boolean;
  ttlMs: number;
  /** How long to wait for a busy host before going on without the lock. */
  waitMs: number;
}

/**
 * Keeps a host's concurrent writers from racing for the same version of its document: they queue in
 * memory within a replica, and behind a Redlock per host across replicas, instead of retrying
 * against the database. It decides nothing: when the Redlock cannot be had in time, or Redis
 * is down, the writer goes on and the compare-and-set on the host's document decides, so a Redis
 * outage never makes a write fail.
 */
export class HostLock {
  private readonly logger = new Logger(HostLock.name);
  private readonly redlock: Redlock;
  private readonly queues = new Map<string, Promise<void>>();
  private lastWarning = 0;

  constructor(
    redis: Redis,
    private readonly options: HostLockOptions,
  ) {
    // No retries inside redlock: it would retry an unreachable Redis as if it were contention.
    this.redlock = new Redlock([redis], { retryCount: 0, automaticExtensionThreshold: 0 });
    this.redlock.on('error', () => undefined);
  }

  async around<T>(hostId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(hostId) ?? Promise.resolve();
    let done!: () => void;
    const turn = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => turn);
    this.queues.set(hostId, tail);
    await previous;
    try {
      const lock = await this.acquire(`lock:host-schedule:${hostId}`);
      try {
        return await work();
      } finally {
        // An expired lock fails to release; that is harmless, the compare-and-set decided.
        await lock?.release().catch(() => undefined);
      }
    } finally {
      done();
      if (this.queues.get(hostId) === tail) this.queues.delete(hostId);
    }
  }

  private async acquire(key: string): Promise<Lock | null> {
    if (!this.options.enabled) return null;
    const deadline = Date.now() + this.options.waitMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.redlock.acquire([key], this.options.ttlMs);
      } catch (error) {
        if (!(await isContention(error))) {
          this.warnUnavailable(error);
          return null;
        }
      }
      if (Date.now() >= deadline) return null;
      await backoff(attempt, { stepMs: 5, capMs: 40 });
    }
  }

  private warnUnavailable(error: unknown): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn({ err: error }, 'host lock unavailable; relying on the compare-and-set');
  }
}

/** redlock reports contention and an unreachable Redis with the same error; the votes tell. */
async function isContention(error: unknown): Promise<boolean> {
  if (!(error instanceof ExecutionError)) return false;
  const attempts = await Promise.all(error.attempts).catch(() => []);
  return attempts.some((stats) =>
    [...stats.votesAgainst.values()].some((vote) => vote instanceof ResourceLockedError),
  );
}
