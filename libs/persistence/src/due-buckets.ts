import type { Model } from 'mongoose';

/**
 * The earliest due bucket among a collection's pending records (`status: 'pending'`, with a
 * numeric `dueBucket` while pending): where a starting poller begins to look for due work.
 * A scan of the pending records, done once at start.
 */
export async function earliestPendingBucket<T>(model: Model<T>): Promise<number | null> {
  const docs = await model
    .find({ status: 'pending' })
    .select({ dueBucket: 1 })
    .lean<Array<{ dueBucket?: number }>>()
    .exec();
  const buckets = docs.map((doc) => doc.dueBucket).filter((b): b is number => b !== undefined);
  return buckets.length === 0 ? null : Math.min(...buckets);
}
