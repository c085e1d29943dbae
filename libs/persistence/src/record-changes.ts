import { DomainError, ErrorCode } from '@slotbook/contracts';
import type { OutboxRelay } from '@slotbook/messaging';
import { backoff } from '@slotbook/runtime';

/** What an attempt answers when its compare-and-set found the record changed meanwhile. */
export const LOST_RACE = Symbol('lost the race');
export type Attempt<T> = () => Promise<T | typeof LOST_RACE>;

/** How many times a change decides again before it answers 409 (the record is that busy). */
const MAX_ATTEMPTS = 8;

export interface ChangeOptions {
  /**
   * Decide again for this long, however many attempts that takes, instead of a fixed number
   * of attempts: for records that many writers meet on (all the ranges of a host).
   */
  budgetMs?: number;
  /** What the 409 says when the record stays that busy. */
  busy?: string;
}

/**
 * How a service changes one of its records: read, decide, compare-and-set; when another writer
 * changed the record first, read and decide again. Once written, the relay is nudged so the
 * change's events go out at once.
 */
export class RecordChanges {
  constructor(private readonly relay: OutboxRelay) {}

  async of<T>(
    attempt: Attempt<T>,
    {
      budgetMs,
      busy = 'the record is being changed by another request; retry',
    }: ChangeOptions = {},
  ): Promise<T> {
    const deadline = budgetMs === undefined ? null : Date.now() + budgetMs;
    for (let tries = 0; ; tries += 1) {
      const result = await attempt();
      if (result !== LOST_RACE) {
        this.relay.kick();
        return result;
      }
      const spent = deadline === null ? tries + 1 >= MAX_ATTEMPTS : Date.now() >= deadline;
      if (spent) throw new DomainError(ErrorCode.Conflict, busy);
      await backoff(tries);
    }
  }
}
