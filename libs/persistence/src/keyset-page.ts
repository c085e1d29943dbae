import { DomainError, type Page } from '@slotbook/contracts';

/**
 * Keyset pagination on (sortField, _id): stable order, and no duplicates or gaps among the
 * records that existed when the walk began, however many are inserted meanwhile.
 */
export interface KeysetCursor {
  value: string | number;
  id: string;
  kind: 'date' | 'string' | 'number';
}

export function encodeCursor(value: unknown, id: string): string {
  const cursor: KeysetCursor =
    value instanceof Date
      ? { value: value.toISOString(), id, kind: 'date' }
      : typeof value === 'number'
        ? { value, id, kind: 'number' }
        : { value: String(value), id, kind: 'string' };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(cursor: string): { value: Date | string | number; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as KeysetCursor;
    if (typeof parsed.id !== 'string') throw new Error('no id');
    if (parsed.kind === 'date') {
      const date = new Date(String(parsed.value));
      if (Number.isNaN(date.getTime())) throw new Error('bad date');
      return { value: date, id: parsed.id };
    }
    if (parsed.kind === 'number' && typeof parsed.value === 'number')
      return { value: parsed.value, id: parsed.id };
    if (parsed.kind === 'string' && typeof parsed.value === 'string')
      return { value: parsed.value, id: parsed.id };
    throw new Error('bad kind');
  } catch {
    throw DomainError.validation('the cursor is invalid', [
      { path: 'cursor', message: 'is not a cursor this list issued' },
    ]);
  }
}

/** The filter that continues a walk after `cursor` in ascending (field, _id) order. */
export function afterCursor(field: string, cursor: string | undefined): Record<string, unknown> {
  if (!cursor) return {};
  const { value, id } = decodeCursor(cursor);
  return { $or: [{ [field]: { $gt: value } }, { [field]: value, _id: { $gt: id } }] };
}

/** Cuts a `limit + 1` fetch into a page and the cursor of the next one. */
export function toPage<TDoc extends { _id: string }, TOut>(
  docs: TDoc[],
  limit: number,
  field: keyof TDoc,
  map: (doc: TDoc) => TOut,
): Page<TOut> {
  const hasMore = docs.length > limit;
  const pageDocs = hasMore ? docs.slice(0, limit) : docs;
  const last = pageDocs[pageDocs.length - 1];
  return {
    data: pageDocs.map(map),
    nextCursor: hasMore && last ? encodeCursor(last[field], last._id) : null,
  };
}

/**
 * Merges lists that are each sorted ascending by (field, _id) — e.g. one `limit + 1` fetch per
 * equality scope of a list — into one such list of at most `count` records, each record once.
 * Every record among the first `count` of the union is among the first `count` of its own
 * list, so merging `limit + 1` fetches gives the same page and cursor as one query would.
 */
export function mergeKeyset<TDoc extends { _id: string }>(
  lists: TDoc[][],
  field: keyof TDoc,
  count: number,
): TDoc[] {
  const seen = new Set<string>();
  const merged: TDoc[] = [];
  for (const doc of lists.flat().sort((a, b) => compareKeys(a, b, field))) {
    if (merged.length === count) break;
    if (seen.has(doc._id)) continue;
    seen.add(doc._id);
    merged.push(doc);
  }
  return merged;
}

function compareKeys<TDoc extends { _id: string }>(a: TDoc, b: TDoc, field: keyof TDoc): number {
  const x = sortValue(a[field]);
  const y = sortValue(b[field]);
  if (x !== y) return x < y ? -1 : 1;
  return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

function sortValue(value: unknown): string | number {
  if (value instanceof Date) return value.getTime();
  return typeof value === 'number' ? value : String(value);
}
