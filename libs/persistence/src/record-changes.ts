import { DomainError, ErrorCode } from '@slotbook/contracts';
import type { OutboxRelay } from '@slotbook/messaging';
import { backoff } from '@slotbook/runtime';

/** What an attempt answers when its compare-and-set found the record changed meanwhile. */
export const LOST_RACE = Symbol('lost the race');
export type Attempt<T> = () => Promise<T | typeof LOST_RACE>;

/** How many times a change decides again before it answers 409 (the record is that busy). */
const MAX_ATTEMPTS = 8;

/**
 * How a service changes one of its records: read, decide, compare-and-set; when another writer
 * changed the record first, read and decide again. Once written, the relay is nudged so the
 * change's events go out at once.
 */
export class RecordChanges {
  constructor(private readonly relay: OutboxRelay) {}

  async of<T>(attempt: Attempt<T>): Promise<T> {
    for (let tries = 0; tries < MAX_ATTEMPTS; tries += 1) {
      const result = await attempt();
      if (result !== LOST_RACE) {
        this.relay.kick();
        return result;
      }
      await backoff(tries);
    }
    throw new DomainError(
      ErrorCode.Conflict,
      'the record is being changed by another request; retry',
    );
  }
}
