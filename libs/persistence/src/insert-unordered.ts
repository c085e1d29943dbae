import type { Model } from 'mongoose';

/**
 * Inserts `docs` in one unordered write, as they are (no casting or defaults). A document a
 * unique index refuses is no error: the answer lists the positions (in `docs`) of those refused
 * as duplicates. Any other refusal throws, as does a failed write.
 */
export async function insertUnordered<T>(model: Model<T>, docs: T[]): Promise<number[]> {
  if (docs.length === 0) return [];
  try {
    await model.collection.insertMany(docs as never[], { ordered: false });
    return [];
  } catch (error) {
    const listed = (error as { writeErrors?: unknown }).writeErrors;
    const writeErrors = (Array.isArray(listed) ? listed : listed ? [listed] : []) as Array<{
      code?: unknown;
      index?: unknown;
    }>;
    if (writeErrors.length === 0 || writeErrors.some((w) => w.code !== 11000)) throw error;
    return writeErrors.map((w) => Number(w.index));
  }
}
