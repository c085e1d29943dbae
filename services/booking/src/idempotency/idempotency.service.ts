import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { createHash, randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, type Reply } from '@slotbook/contracts';
import { isDuplicateKeyError } from '@slotbook/persistence';
import { IdempotencyRecord } from './idempotency.schema';

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A request still "in progress" after this long died with its replica; another may take over. */
const ABANDONED_AFTER_MS = 30_000;
/** How many expired days a purge looks at: a service that was stopped for days catches up. */
const PURGE_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export function requestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

/** The day (`YYYY-MM-DD`, UTC) a key is filed under. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/**
 * The days whose keys have all outlived the window at `now`, newest first: a key of day D is
 * at most a day old at the start of D + 1, so D's keys are all expired from the start of D + 2.
 */
export function expiredDays(now: Date, count = PURGE_DAYS): string[] {
  const startOfToday = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const newest = startOfToday - (Math.ceil(IDEMPOTENCY_WINDOW_MS / DAY_MS) + 1) * DAY_MS;
  return Array.from({ length: count }, (_, i) => dayOf(new Date(newest - i * DAY_MS)));
}

type Begun = { owner: string; bookingId: string; resumed: boolean } | { replay: Reply<unknown> };

/**
 * Replays the first answer for a key instead of doing the work again. Typed refusals (409,
 * 422, …) are answers too and are replayed; a failure of the platform (503) is not, so the
 * client's retry runs for real.
 */
@Injectable()
export class IdempotencyService {
  /** Days this process has purged already: a day's keys are all gone once purged. */
  private purged = new Set<string>();

  constructor(
    @InjectModel(IdempotencyRecord.name) private readonly model: Model<IdempotencyRecord>,
  ) {}

  /**
   * Runs `work` once per key: its first run names the booking (`commandId`); a run that takes
   * over a key whose first run died works on that same booking (`resumed`), so it finds what the
   * first run wrote and answers it.
   */
  async run<T>(
    userId: string,
    key: string,
    hash: string,
    commandId: string,
    work: (bookingId: string, resumed: boolean) => Promise<T>,
  ): Promise<T> {
    const id = `${userId}|${key}`;
    const begun = await this.begin(id, hash, commandId);
    if ('replay' in begun) {
      if (begun.replay.ok) return begun.replay.data as T;
      throw DomainError.fromBusError(begun.replay.error);
    }
    let data: T;
    try {
      data = await work(begun.bookingId, begun.resumed);
    } catch (error) {
      if (error instanceof DomainError && error.code !== ErrorCode.Unavailable) {
        await this.finish(id, begun.owner, { ok: false, error: error.toBusError() });
      } else {
        // The booking may be written or half made: the next request with this key takes over
        // at once and finishes that same booking (its time and record are its own).
        await this.model
          .updateOne(
            { _id: id, state: 'pending', owner: begun.owner },
            { $set: { updatedAt: new Date(0) } },
          )
          .catch(() => undefined);
      }
      throw error;
    }
    // Outside the try: once the work is done, failing to record it must not undo the key.
    await this.finish(id, begun.owner, { ok: true, data });
    return data;
  }

  /** Deletes the keys of expired days, one equality per day not purged yet. */
  async purgeExpired(now = new Date()): Promise<number> {
    const days = expiredDays(now);
    let deleted = 0;
    for (const day of days) {
      if (this.purged.has(day)) continue;
      deleted += (await this.model.deleteMany({ createdDay: day }).exec()).deletedCount;
      this.purged.add(day);
    }
    this.purged = new Set(days.filter((day) => this.purged.has(day)));
    return deleted;
  }

  /** Records the answer, if this attempt still owns the key (nobody took it over). */
  private async finish(id: string, owner: string, reply: Reply<unknown>): Promise<void> {
    await this.model.updateOne(
      { _id: id, state: 'pending', owner },
      { $set: { state: 'done', reply, updatedAt: new Date() } },
    );
  }

  /** Starts a keyed request as its owner, or answers the earlier reply to replay. */
  private async begin(id: string, hash: string, commandId: string, attempt = 0): Promise<Begun> {
    const now = new Date();
    const owner = randomUUID();
    try {
      await this.model.create({
        _id: id,
        requestHash: hash,
        state: 'pending',
        owner,
        bookingId: commandId,
        reply: null,
        createdAt: now,
        createdDay: dayOf(now),
        updatedAt: now,
      });
      return { owner, bookingId: commandId, resumed: false };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await this.model.findById(id).lean<IdempotencyRecord>().exec();
    if (!existing || existing.createdAt.getTime() < now.getTime() - IDEMPOTENCY_WINDOW_MS) {
      // Only the expired record read here, never one a concurrent request has just written.
      if (existing) await this.model.deleteOne({ _id: id, owner: existing.owner });
      if (attempt > 2)
        throw new DomainError(ErrorCode.Conflict, 'the Idempotency-Key is busy; retry');
      return this.begin(id, hash, commandId, attempt + 1);
    }
    if (existing.requestHash !== hash) {
      throw DomainError.validation(
        'the Idempotency-Key was already used with a different request',
        [{ path: 'Idempotency-Key', message: 'was already used with a different request body' }],
      );
    }
    if (existing.state === 'done' && existing.reply) return { replay: existing.reply };
    // The same command run again (redelivered, re-sent) may carry on with its own booking at
    // once; another request waits until the first run is abandoned.
    const sameCommand = existing.bookingId === commandId;
    if (sameCommand || existing.updatedAt.getTime() < now.getTime() - ABANDONED_AFTER_MS) {
      // A compare-and-set on the owner read: of several requests taking over, one wins.
      const takenOver = await this.model
        .findOneAndUpdate(
          { _id: id, state: 'pending', owner: existing.owner },
          { $set: { owner, updatedAt: now } },
          { new: true },
        )
        .lean<IdempotencyRecord>()
        .exec();
      if (takenOver) return { owner, bookingId: existing.bookingId ?? commandId, resumed: true };
    }
    throw new DomainError(
      ErrorCode.Conflict,
      'a request with this Idempotency-Key is still in progress',
    );
  }
}
