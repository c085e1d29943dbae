import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { backoff } from '@slotbook/runtime';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * One writer per record at a time, built on the only operation FerretDB makes atomic: an
 * insert into a unique index. FerretDB applies an update by reading the document, changing it
 * in memory and writing it back whole, so two concurrent updates of one document can lose
 * each other's changes and a filter such as `{version: 3}` is not a compare-and-set. A
 * read-modify-write of a shared record whose lost update would matter therefore runs under
 * this mutex, and the update itself filters by `_id` alone (the one lookup FerretDB answers
 * from an index). Availability's schedule avoids updates altogether (immutable versions).
 *
 * The lock is a lease: a holder that dies frees the record once the lease runs out. A holder
 * that stalls past its lease could overlap the next one; leases are far longer than any write.
 */
export interface MutexDocument {
  /** A token unique to one acquisition: releasing deletes exactly this lock, never a successor. */
  _id: string;
  /** What is locked; the unique index on it is the mutual exclusion. */
  key: string;
  expiresAt: Date;
}

export const MutexSchema = new Schema<MutexDocument>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true, unique: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'record_locks' },
);

export interface MutexOptions {
  /** How long the lock holds without being released. */
  leaseMs: number;
  /** How long to wait for a busy record before giving up. */
  waitMs: number;
}

export const DEFAULT_MUTEX_OPTIONS: MutexOptions = { leaseMs: 15_000, waitMs: 3_000 };

export class RecordMutex {
  constructor(private readonly model: Model<MutexDocument>) {}

  static forConnection(connection: Connection): RecordMutex {
    return new RecordMutex(
      connection.models.RecordLock ?? connection.model<MutexDocument>('RecordLock', MutexSchema),
    );
  }

  /** Creates the unique index that is the mutual exclusion; await it before the first lock. */
  async init(): Promise<void> {
    await this.model.init();
  }

  /** Acquires the lock, or returns null when the record stays busy for `waitMs`. */
  async tryAcquire(
    key: string,
    options: MutexOptions = DEFAULT_MUTEX_OPTIONS,
  ): Promise<(() => Promise<void>) | null> {
    const token = randomUUID();
    const deadline = Date.now() + options.waitMs;
    for (let attempt = 0; ; attempt += 1) {
      const now = Date.now();
      try {
        await this.model.create({ _id: token, key, expiresAt: new Date(now + options.leaseMs) });
        return async () => {
          await this.model.deleteOne({ _id: token });
        };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const holder = await this.model.findOne({ key }).lean<MutexDocument>().exec();
      if (holder && holder.expiresAt.getTime() < now) {
        // The holder died with the lock; its lease is over. Deleting by its token can only
        // ever remove that dead lock, not one a contender took meanwhile.
        await this.model.deleteOne({ _id: holder._id });
        continue;
      }
      if (Date.now() >= deadline) return null;
      await backoff(attempt);
    }
  }

  /** Runs `work` holding the lock; a record that stays busy is a 409 for the caller to retry. */
  async withLock<T>(
    key: string,
    work: () => Promise<T>,
    options: MutexOptions = DEFAULT_MUTEX_OPTIONS,
  ): Promise<T> {
    const release = await this.tryAcquire(key, options);
    if (!release)
      throw new DomainError(
        ErrorCode.Conflict,
        'the record is being changed by another request; retry',
      );
    try {
      return await work();
    } finally {
      await release().catch(() => undefined);
    }
  }
}
