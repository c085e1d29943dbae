import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DomainError, type DeliveryStatus, type Page } from '@slotbook/contracts';
import { earliestPendingBucket, isDuplicateKeyError } from '@slotbook/persistence';
import { dueBucketOf } from './delivery-rules';
import { DeliveryDocument } from './delivery.schema';

/** What the poller needs to decide whether to claim a delivery (not its body). */
export type DueDelivery = Pick<
  DeliveryDocument,
  '_id' | 'subscriptionId' | 'nextAttemptAt' | 'version'
>;

/** How an attempt ended, as written back by compare-and-set on the claimed version. */
export interface AttemptRecord {
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  lastResponseBody: string | null;
  deliveredAt?: Date;
  /** false: the receiver was not asked (the subscription is gone or inactive). */
  attempted: boolean;
}

@Injectable()
export class DeliveriesRepository {
  constructor(
    @InjectModel(DeliveryDocument.name) private readonly model: Model<DeliveryDocument>,
  ) {}

  /**
   * Inserts deliveries in one unordered write; answers, for each, whether this write inserted
   * it (false: it existed already, the event was fanned out before).
   */
  async insertAll(docs: DeliveryDocument[]): Promise<boolean[]> {
    try {
      await this.model.insertMany(docs, { lean: true, ordered: false });
      return docs.map(() => true);
    } catch (error) {
      const failed = duplicateIndexes(error);
      if (!failed) throw error;
      return docs.map((_, i) => !failed.has(i));
    }
  }

  async exists(id: string): Promise<boolean> {
    return (await this.model.exists({ _id: id })) !== null;
  }

  findById(id: string): Promise<DeliveryDocument | null> {
    return this.model.findById(id).lean<DeliveryDocument>().exec();
  }

  /** The pending deliveries of one due bucket: an indexed equality that only they match. */
  inBucket(bucket: number): Promise<DueDelivery[]> {
    return this.model
      .find({ dueBucket: bucket })
      .select({ subscriptionId: 1, nextAttemptAt: 1, version: 1 })
      .lean<DueDelivery[]>()
      .exec();
  }

  /** The earliest bucket holding a pending delivery (where a starting poller begins). */
  earliestPendingBucket(): Promise<number | null> {
    return earliestPendingBucket(this.model);
  }

  /**
   * Claims a due delivery for one attempt: compare-and-set on the version it was seen with,
   * moving its next attempt to the end of the lease (so a replica that dies holding it leaves
   * it due again then). Answers the claimed delivery, or null when another replica was first.
   */
  claim(delivery: DueDelivery, leaseEnd: Date): Promise<DeliveryDocument | null> {
    return this.model
      .findOneAndUpdate(
        { _id: delivery._id, version: delivery.version, status: 'pending' },
        {
          $set: {
            version: delivery.version + 1,
            nextAttemptAt: leaseEnd,
            dueBucket: dueBucketOf(leaseEnd),
          },
        },
        { new: true },
      )
      .lean<DeliveryDocument>()
      .exec();
  }

  /** Writes an attempt's outcome; false when the lease was lost (someone else has it now). */
  async recordAttempt(delivery: DeliveryDocument, record: AttemptRecord): Promise<boolean> {
    const pending = record.status === 'pending' && record.nextAttemptAt !== null;
    const result = await this.model
      .updateOne(
        { _id: delivery._id, version: delivery.version },
        {
          $set: {
            status: record.status,
            nextAttemptAt: record.nextAttemptAt,
            lastResponseStatus: record.lastResponseStatus,
            lastError: record.lastError,
            lastResponseBody: record.lastResponseBody,
            version: delivery.version + 1,
            ...(record.deliveredAt ? { deliveredAt: record.deliveredAt } : {}),
            ...(pending ? { dueBucket: dueBucketOf(record.nextAttemptAt as Date) } : {}),
          },
          ...(pending ? {} : { $unset: { dueBucket: '' } }),
          $inc: { attempts: record.attempted ? 1 : 0 },
        },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** Makes a delivery due now for a new round of attempts (a manual redelivery). */
  async makeDueAgain(delivery: DeliveryDocument, now: Date, retryUntil: Date): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: delivery._id, version: delivery.version },
        {
          $set: {
            status: 'pending',
            nextAttemptAt: now,
            dueBucket: dueBucketOf(now),
            retryUntil,
            version: delivery.version + 1,
          },
        },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** The delivery log of a subscription, newest first: an equality on the subscription. */
  async list(
    subscriptionId: string,
    status: DeliveryStatus | undefined,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<DeliveryDocument>> {
    const filter: Record<string, unknown> = { subscriptionId };
    if (status) filter.status = status;
    if (cursor) {
      const { createdAt, id } = decodeLogCursor(cursor);
      filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
    }
    const docs = await this.model
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<DeliveryDocument[]>()
      .exec();
    const hasMore = docs.length > limit;
    const pageDocs = docs.slice(0, limit);
    const last = pageDocs[pageDocs.length - 1];
    return {
      data: pageDocs,
      nextCursor: hasMore && last ? encodeLogCursor(last.createdAt, last._id) : null,
    };
  }

  /** Deletes the finished deliveries made on one day (pruning). */
  async deleteFinishedOfDay(day: number): Promise<number> {
    const result = await this.model
      .deleteMany({ createdDay: day, status: { $ne: 'pending' } })
      .exec();
    return result.deletedCount;
  }
}

function encodeLogCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeLogCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof id !== 'string' || Number.isNaN(createdAt.getTime())) throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw DomainError.validation('the cursor is invalid', [
      { path: 'cursor', message: 'is not a cursor this list issued' },
    ]);
  }
}

/**
 * The positions an unordered insert refused as duplicates, or null when it failed otherwise
 * (or the error does not say which).
 */
function duplicateIndexes(error: unknown): Set<number> | null {
  if (!isDuplicateKeyError(error)) return null;
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  const indexes = new Set<number>();
  for (const entry of list as Array<{
    code?: unknown;
    index?: unknown;
    err?: { code?: unknown; index?: unknown };
  }>) {
    const code = entry?.code ?? entry?.err?.code;
    const index = typeof entry?.index === 'number' ? entry.index : entry?.err?.index;
    if (code !== 11000 || typeof index !== 'number') return null;
    indexes.add(index);
  }
  return indexes;
}
