import fc from 'fast-check';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import {
  assertNoOverlap,
  closedUntil,
  assertValidPatch,
  findOverlap,
  heldSlotsLeftOutside,
  isChanging,
  keepsEverySlot,
  overlaps,
  patched,
  rangesInWindow,
  resolveWindow,
  spanProblems,
  withLease,
  withoutLease,
  type RangeEntry,
  type RangeSpan,
} from './range-rules';
import { BOOKING_LEASE_GRACE_MS } from './range-change.timing';

const NOW = new Date('2030-01-01T00:00:00Z');
const DAY = 86_400_000;
const at = (minutes: number) => new Date(NOW.getTime() + DAY + minutes * 60_000);
const span = (startMin: number, endMin: number, slotDuration = 30): RangeSpan => ({
  startTime: at(startMin),
  endTime: at(endMin),
  slotDuration,
});
const entry = (id: string, startMin: number, endMin: number, slotDuration = 30): RangeEntry => ({
  id,
  ...span(startMin, endMin, slotDuration),
  requiresConfirmation: false,
  createdAt: NOW,
  updatedAt: NOW,
  changingUntil: null,
  changeId: null,
});
const held = (startMin: number, endMin: number) => ({
  startTime: at(startMin),
  endTime: at(endMin),
});

function thrown(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('a range on its own', () => {
  it('is valid when it starts in the future and holds at least one whole slot', () => {
    expect(spanProblems(span(0, 30), NOW)).toEqual([]);
    expect(spanProblems(span(0, 31 * 1440, 5), NOW)).toEqual([]);
  });

  it('needs endTime after startTime', () => {
    expect(spanProblems(span(60, 60), NOW)).toEqual([
      { path: 'endTime', message: 'must be after startTime' },
    ]);
    expect(spanProblems(span(60, 0), NOW)).toEqual([
      { path: 'endTime', message: 'must be after startTime' },
    ]);
  });

  it('needs room for at least one whole slot', () => {
    expect(spanProblems(span(0, 29, 30), NOW)).toEqual([
      { path: 'slotDuration', message: 'is longer than the range: not one whole slot fits' },
    ]);
  });

  it('accepts a partial tail (it is simply not offered)', () => {
    expect(spanProblems(span(0, 45, 30), NOW)).toEqual([]);
  });

  it('spans at most 31 days', () => {
    expect(spanProblems(span(0, 31 * 1440), NOW)).toEqual([]);
    expect(spanProblems(span(0, 31 * 1440 + 1), NOW)).toEqual([
      { path: 'endTime', message: 'must be at most 31 days after startTime' },
    ]);
  });

  it('may not start in the past, unless a PATCH leaves a past start alone', () => {
    const past = { startTime: new Date(NOW.getTime() - 60_000), endTime: at(0), slotDuration: 30 };
    expect(spanProblems(past, NOW)).toEqual([{ path: 'startTime', message: 'is in the past' }]);
    expect(spanProblems(past, NOW, { allowPastStart: true })).toEqual([]);
    expect(spanProblems({ ...past, startTime: NOW }, NOW)).toEqual([]);
  });

  it('reports every problem at once', () => {
    const bad = { startTime: new Date(NOW.getTime() - 60_000), endTime: NOW, slotDuration: 30 };
    expect(spanProblems({ ...bad, endTime: bad.startTime }, NOW).map((p) => p.path)).toEqual([
      'startTime',
      'endTime',
    ]);
  });
});

describe('overlap between ranges of one host', () => {
  const existing = [entry('a', 60, 120)];

  it.each([
    ['identical', 60, 120],
    ['inside', 70, 110],
    ['around', 0, 180],
    ['over the start', 30, 90],
    ['over the end', 90, 150],
  ])('refuses a range %s another with 409', (_, start, end) => {
    const error = thrown(() => assertNoOverlap(existing, span(start, end)));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.details).toMatchObject({ conflictingRange: { id: 'a' } });
  });

  it.each([
    ['ending where it starts', 0, 60],
    ['starting where it ends', 120, 180],
    ['far away', 600, 660],
  ])('allows a range %s', (_, start, end) => {
    expect(() => assertNoOverlap(existing, span(start, end))).not.toThrow();
  });

  it('ignores the range being changed itself', () => {
    expect(findOverlap(existing, span(90, 150), 'a')).toBeUndefined();
  });

  it('overlaps is symmetric and touching is never overlap (fast-check)', () => {
    const arb = fc
      .tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 500 }))
      .map(([start, length]) => span(start, start + length));
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        expect(overlaps(a, b)).toBe(overlaps(b, a));
        if (a.endTime.getTime() === b.startTime.getTime()) expect(overlaps(a, b)).toBe(false);
      }),
    );
  });
});

describe('a PATCH', () => {
  const range = entry('a', 60, 180);

  it('replaces only the fields it gives', () => {
    const after = patched(range, { endTime: at(240), requiresConfirmation: true });
    expect(after).toMatchObject({
      id: 'a',
      startTime: at(60),
      endTime: at(240),
      slotDuration: 30,
      requiresConfirmation: true,
    });
  });

  it('checks the result with the creation rules', () => {
    const error = thrown(() => assertValidPatch(range, patched(range, { slotDuration: 240 }), NOW));
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.details?.errors).toEqual([expect.objectContaining({ path: 'slotDuration' })]);
  });

  it('may keep a start that has passed, but not move the start into the past', () => {
    const started = { ...range, startTime: new Date(NOW.getTime() - 3_600_000) };
    expect(() =>
      assertValidPatch(started, patched(started, { endTime: at(300) }), NOW),
    ).not.toThrow();
    const moved = patched(range, { startTime: new Date(NOW.getTime() - 60_000) });
    expect(thrown(() => assertValidPatch(range, moved, NOW)).details?.errors).toEqual([
      { path: 'startTime', message: 'is in the past' },
    ]);
  });
});

describe('which changes keep every slot of a range', () => {
  const before = span(60, 180, 30);

  it.each([
    ['a longer end', span(60, 240, 30)],
    ['an earlier start on the same grid', span(0, 180, 30)],
    ['a partial tail added', span(60, 200, 30)],
    ['nothing at all', span(60, 180, 30)],
  ])('keeps them with %s', (_, after) => {
    expect(keepsEverySlot(before, after)).toBe(true);
  });

  it.each([
    ['a shorter end', span(60, 150, 30)],
    ['a later start', span(90, 180, 30)],
    ['an earlier start off the grid', span(50, 180, 30)],
    ['another slot duration', span(60, 180, 15)],
  ])('loses some with %s', (_, after) => {
    expect(keepsEverySlot(before, after)).toBe(false);
  });
});

describe('bookings left outside by a change', () => {
  const bookings = [held(60, 90), held(120, 150)];

  it('are all of them when the range is deleted', () => {
    expect(heldSlotsLeftOutside(null, bookings)).toEqual(bookings);
  });

  it('are none when every booked slot is still a whole slot of the result', () => {
    expect(heldSlotsLeftOutside(span(0, 240, 30), bookings)).toEqual([]);
  });

  it('are those beyond a shortened end', () => {
    expect(heldSlotsLeftOutside(span(60, 140, 30), bookings)).toEqual([held(120, 150)]);
  });

  it('are those off a moved grid or of another length', () => {
    expect(heldSlotsLeftOutside(span(45, 240, 30), bookings)).toEqual(bookings);
    expect(heldSlotsLeftOutside(span(60, 240, 60), bookings)).toEqual(bookings);
    expect(heldSlotsLeftOutside(span(60, 240, 15), bookings)).toEqual(bookings);
  });

  it('agree with keepsEverySlot: a change that keeps every slot never strands one (fast-check)', () => {
    const arbSpan = fc
      .record({
        start: fc.integer({ min: 0, max: 300 }),
        length: fc.integer({ min: 5, max: 600 }),
        slot: fc.constantFrom(5, 10, 15, 30, 60),
      })
      .map(({ start, length, slot }) => span(start, start + length, slot));
    fc.assert(
      fc.property(arbSpan, arbSpan, (before, after) => {
        const slotMs = before.slotDuration * 60_000;
        const count = Math.floor((before.endTime.getTime() - before.startTime.getTime()) / slotMs);
        const everySlot = Array.from({ length: count }, (_, k) => ({
          startTime: new Date(before.startTime.getTime() + k * slotMs),
          endTime: new Date(before.startTime.getTime() + (k + 1) * slotMs),
        }));
        if (keepsEverySlot(before, after)) {
          expect(heldSlotsLeftOutside(after, everySlot)).toEqual([]);
        }
      }),
    );
  });
});

describe('the lease of a change', () => {
  it('is active until it runs out', () => {
    const range = withLease(entry('a', 0, 60), 'c1', new Date(NOW.getTime() + 10_000));
    expect(isChanging(range, NOW)).toBe(true);
    expect(isChanging(range, new Date(NOW.getTime() + 10_000))).toBe(false);
    expect(isChanging(withoutLease(range), NOW)).toBe(false);
    expect(withoutLease(range)).toMatchObject({ changingUntil: null, changeId: null });
  });
});

describe('how long bookings keep a range closed', () => {
  it('is open without a lease, and closed until the lease and its grace are over', () => {
    expect(closedUntil(entry('a', 0, 60))).toBeNull();
    const until = new Date(NOW.getTime() + 5_000);
    expect(closedUntil(withLease(entry('a', 0, 60), 'c1', until))).toEqual(
      new Date(until.getTime() + BOOKING_LEASE_GRACE_MS),
    );
  });
});

describe('ranges in a window', () => {
  const ranges = [entry('c', 300, 360), entry('a', 0, 60), entry('b', 60, 120)];

  it('are those overlapping [from, to), ascending by start', () => {
    expect(rangesInWindow(ranges, at(30), at(301)).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(rangesInWindow(ranges, at(60), at(300)).map((r) => r.id)).toEqual(['b']);
    expect(rangesInWindow(ranges, at(120), at(300))).toEqual([]);
  });

  it('default to 31 days from now', () => {
    expect(resolveWindow({}, NOW)).toEqual({ from: NOW, to: new Date(NOW.getTime() + 31 * DAY) });
    expect(resolveWindow({ from: at(0) }, NOW)).toEqual({
      from: at(0),
      to: new Date(at(0).getTime() + 31 * DAY),
    });
  });

  it('refuse a `to` alone that lies before now, or too far after it', () => {
    expect(thrown(() => resolveWindow({ to: new Date(NOW.getTime() - 1) }, NOW)).details).toEqual({
      errors: [{ path: 'to', message: 'must be after from (which defaults to now)' }],
    });
    expect(() => resolveWindow({ to: new Date(NOW.getTime() + 32 * DAY) }, NOW)).toThrow(
      DomainError,
    );
  });
});
