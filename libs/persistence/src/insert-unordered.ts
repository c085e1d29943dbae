import { BatchCollector } from '@slotbook/messaging';
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

/** Callers whose documents one grouped write carries at most. */
const GROUP_CALLERS = 64;

/**
 * {@link insertUnordered} for concurrent callers (group commit): the first caller's documents
 * are written at once, and what other callers hand in while that write is on its way goes in
 * the next, one unordered insert for all of them. Each caller is answered as insertUnordered
 * answers, for its own documents (a caller whose document collides with another caller's in
 * the same write is refused as if it had come second); a failed write fails every caller in it.
 */
export class GroupedInserts<T> {
  private readonly groups: BatchCollector<T[], number[]>;

  constructor(model: Model<T>) {
    this.groups = new BatchCollector({ maxItems: GROUP_CALLERS, maxWaitMs: 0 }, async (groups) => {
      const refused = new Set(await insertUnordered(model, groups.flat()));
      let first = 0;
      return groups.map((docs) => {
        const own = docs.flatMap((_, i) => (refused.has(first + i) ? [i] : []));
        first += docs.length;
        return own;
      });
    });
  }

  insert(docs: T[]): Promise<number[]> {
    return docs.length === 0 ? Promise.resolve([]) : this.groups.add(docs);
  }
}
