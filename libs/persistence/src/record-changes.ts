import type { OutboxRelay } from '@slotbook/messaging';
import type { MongoOutboxStore } from './outbox';
import type { RecordMutex } from './record-mutex';

/**
 * How a service changes one of its records: a read-modify-write under the record's lock (the
 * lock the relay takes too), and, once the lock is released, a nudge to the relay so the
 * change's events go out at once.
 */
export class RecordChanges {
  constructor(
    private readonly mutex: RecordMutex,
    private readonly store: MongoOutboxStore,
    private readonly relay: OutboxRelay,
  ) {}

  async of<T>(recordId: string, change: () => Promise<T>): Promise<T> {
    const result = await this.mutex.withLock(this.store.lockKey(recordId), change);
    this.relay.kick();
    return result;
  }
}
