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
