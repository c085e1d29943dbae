import { DomainError } from '@slotbook/contracts';
import { afterCursor, decodeCursor, encodeCursor, mergeKeyset, toPage } from './keyset-page';

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

describe('merging keyset fetches', () => {
  const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 10, minute));

  it('gives the first records of the union in (field, id) order, each once', () => {
    const asGuest = [
      { _id: 'a', startTime: at(0) },
      { _id: 'c', startTime: at(20) },
      { _id: 'e', startTime: at(40) },
    ];
    const asHost = [
      { _id: 'b', startTime: at(10) },
      { _id: 'c', startTime: at(20) },
      { _id: 'd', startTime: at(20) },
    ];
    expect(mergeKeyset([asGuest, asHost], 'startTime', 4).map((doc) => doc._id)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('pages through the union with the same cursor semantics as one query', () => {
    type Doc = { _id: string; startTime: Date; i: number };
    const all: Doc[] = Array.from({ length: 23 }, (_, i) => ({
      _id: `id${String(i).padStart(2, '0')}`,
      startTime: at(Math.floor(i / 3)),
      i,
    }));
    // Two scopes that overlap (every sixth record is in both), like a host's bookings as guest
    // and as host; together they hold every record.
    const scopes = [(i: number) => i % 2 === 0, (i: number) => i % 3 === 0 || i % 2 === 1];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const position: { value: Date; id: string } | null = cursor
        ? (decodeCursor(cursor) as { value: Date; id: string })
        : null;
      const after = (doc: Doc): boolean =>
        !position ||
        doc.startTime.getTime() > position.value.getTime() ||
        (doc.startTime.getTime() === position.value.getTime() && doc._id > position.id);
      const fetches: Doc[][] = scopes.map((inScope) =>
        all.filter((doc) => inScope(doc.i) && after(doc)).slice(0, 5 + 1),
      );
      const page = toPage(
        mergeKeyset(fetches, 'startTime', 5 + 1),
        5,
        'startTime',
        (d: Doc) => d._id,
      );
      seen.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((doc) => doc._id));
  });
});
