import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { createHash } from 'node:crypto';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { isDuplicateKeyError } from '@slotbook/persistence';
import { IdempotencyRecord } from './idempotency.schema';

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A request still "in progress" after this long died with its replica; another may take over. */
const ABANDONED_AFTER_MS = 30_000;

export function requestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

/**
 * Replays the first answer for a key instead of doing the work again. Typed refusals (409,
 * 422, …) are answers too and are replayed; a failure of the platform (503) is not, so the
 * client's retry runs for real.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @InjectModel(IdempotencyRecord.name) private readonly model: Model<IdempotencyRecord>,
  ) {}

  async run<T>(userId: string, key: string, hash: string, work: () => Promise<T>): Promise<T> {
    const id = `${userId}|${key}`;
    const replay = await this.begin(id, hash);
    if (replay) {
      if (replay.ok) return replay.data as T;
      throw DomainError.fromBusError(replay.error);
    }
    let data: T;
    try {
      data = await work();
    } catch (error) {
      if (error instanceof DomainError && error.code !== ErrorCode.Unavailable) {
        await this.model.updateOne(
          { _id: id },
          {
            $set: {
              state: 'done',
              reply: { ok: false, error: error.toBusError() },
              updatedAt: new Date(),
            },
          },
        );
      } else {
        await this.model.deleteOne({ _id: id });
      }
      throw error;
    }
    // Outside the try: once the work is done, failing to record it must not undo the key.
    await this.model.updateOne(
      { _id: id },
      { $set: { state: 'done', reply: { ok: true, data }, updatedAt: new Date() } },
    );
    return data;
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.model.deleteMany({
      createdAt: { $lt: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS) },
    });
    return result.deletedCount;
  }

  /** Starts a keyed request; returns the earlier reply when there is one to replay. */
  private async begin(id: string, hash: string, attempt = 0): Promise<IdempotencyRecord['reply']> {
    const now = new Date();
    try {
      await this.model.create({
        _id: id,
        requestHash: hash,
        state: 'pending',
        reply: null,
        createdAt: now,
        updatedAt: now,
      });
      return null;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await this.model.findById(id).lean<IdempotencyRecord>().exec();
    if (!existing || existing.createdAt.getTime() < now.getTime() - IDEMPOTENCY_WINDOW_MS) {
      if (existing) await this.model.deleteOne({ _id: id });
      if (attempt > 2)
        throw new DomainError(ErrorCode.Conflict, 'the Idempotency-Key is busy; retry');
      return this.begin(id, hash, attempt + 1);
    }
    if (existing.requestHash !== hash) {
      throw DomainError.validation(
        'the Idempotency-Key was already used with a different request',
        [{ path: 'Idempotency-Key', message: 'was already used with a different request body' }],
      );
    }
    if (existing.state === 'done' && existing.reply) return existing.reply;
    if (existing.updatedAt.getTime() < now.getTime() - ABANDONED_AFTER_MS) {
      const takeover = await this.model.updateOne(
        { _id: id, state: 'pending', updatedAt: existing.updatedAt },
        { $set: { updatedAt: now } },
      );
      if (takeover.modifiedCount === 1) return null;
    }
    throw new DomainError(
      ErrorCode.Conflict,
      'a request with this Idempotency-Key is still in progress',
    );
  }
}
