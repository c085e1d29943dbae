import { DomainError } from '@slotbook/contracts';
import { afterCursor, decodeCursor, encodeCursor, toPage } from './keyset-page';

describe('keyset cursors', () => {
  it('round-trip dates, strings and numbers with the record id', () => {
    const date = new Date('2030-01-01T10:00:00Z');
    expect(decodeCursor(encodeCursor(date, 'id-1'))).toEqual({ value: date, id: 'id-1' });
    expect(decodeCursor(encodeCursor('b', 'id-2'))).toEqual({ value: 'b', id: 'id-2' });
    expect(decodeCursor(encodeCursor(7, 'id-3'))).toEqual({ value: 7, id: 'id-3' });
  });

  it.each([
    'garbage',
    Buffer.from('{"value":1}').toString('base64url'),
    Buffer.from('{"kind":"date","value":"nope","id":"x"}').toString('base64url'),
  ])('reject a cursor this list did not issue (%s) as a validation error', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(DomainError);
  });

  it('continue strictly after the cursor in (field, id) order', () => {
    const date = new Date('2030-01-01T10:00:00Z');
    expect(afterCursor('startTime', encodeCursor(date, 'k'))).toEqual({
      $or: [{ startTime: { $gt: date } }, { startTime: date, _id: { $gt: 'k' } }],
    });
    expect(afterCursor('startTime', undefined)).toEqual({});
  });

  it('cut a limit+1 fetch into a page and the next cursor', () => {
    const docs = [1, 2, 3].map((n) => ({ _id: `id${n}`, at: n }));
    const page = toPage(docs, 2, 'at', (doc) => doc._id);
    expect(page.data).toEqual(['id1', 'id2']);
    expect(decodeCursor(page.nextCursor!)).toEqual({ value: 2, id: 'id2' });
    expect(toPage(docs.slice(0, 2), 2, 'at', (doc) => doc._id).nextCursor).toBeNull();
  });
});
