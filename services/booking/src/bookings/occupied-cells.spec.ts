import fc from 'fast-check';
import { MINUTE_MS, intervalsOverlap, type Interval } from '@slotbook/scheduling';
import { CELL_MS, occupiedKeys } from './occupied-cells';

const T0 = Date.parse('2030-05-06T00:00:00Z');
const span = (fromMin: number, toMin: number): Interval => ({
  start: T0 + fromMin * MINUTE_MS,
  end: T0 + toMin * MINUTE_MS,
});

/** Whether the `_id` index would refuse the second booking's keys. */
function collide(x: Interval, y: Interval): boolean {
  const xs = new Set(occupiedKeys('host', x));
  return occupiedKeys('host', y).some((key) => xs.has(key));
}

const onGrid = (interval: Interval) =>
  interval.start % CELL_MS === 0 && interval.end % CELL_MS === 0;

describe('occupied cells (the unique keys of the no-overlap guard)', () => {
  it('holds both keys of every cell of a booking on the 5-minute grid', () => {
    expect(occupiedKeys('h', span(60, 75))).toEqual([
      'h|2030-05-06T01:00:00.000Z|a',
      'h|2030-05-06T01:00:00.000Z|b',
      'h|2030-05-06T01:05:00.000Z|a',
      'h|2030-05-06T01:05:00.000Z|b',
      'h|2030-05-06T01:10:00.000Z|a',
      'h|2030-05-06T01:10:00.000Z|b',
    ]);
  });

  it('holds only b of the cell a booking starts inside, and only a of the one it ends inside', () => {
    expect(occupiedKeys('h', span(62, 73))).toEqual([
      'h|2030-05-06T01:00:00.000Z|b',
      'h|2030-05-06T01:05:00.000Z|a',
      'h|2030-05-06T01:05:00.000Z|b',
      'h|2030-05-06T01:10:00.000Z|a',
    ]);
  });

  it('lets event-type bookings of different lengths and buffers collide when they overlap', () => {
    // 60 minutes with 15 after, against 30 minutes starting in that buffer.
    expect(collide(span(540, 615), span(610, 640))).toBe(true);
    expect(collide(span(540, 615), span(615, 645))).toBe(false);
  });

  it('lets off-grid range slots that touch sit side by side, but not a grid booking across them', () => {
    const left = span(0, 7); // 00:00–00:07
    const right = span(7, 14); // 00:07–00:14
    expect(collide(left, right)).toBe(false);
    expect(collide(left, span(5, 10))).toBe(true);
    expect(collide(right, span(5, 10))).toBe(true);
  });

  it('keeps hosts apart', () => {
    const x = new Set(occupiedKeys('h1', span(0, 30)));
    expect(occupiedKeys('h2', span(0, 30)).some((key) => x.has(key))).toBe(false);
  });

  describe('properties (fast-check), for bookings of at least 5 minutes at any millisecond', () => {
    const arbInterval = (aligned: boolean) =>
      fc
        .tuple(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 120 }))
        .chain(([from, length]) =>
          aligned
            ? fc.constant(span(from * 5, (from + length) * 5))
            : fc
                .tuple(
                  fc.integer({ min: 0, max: 3_000 * MINUTE_MS }),
                  fc.integer({ min: 5 * MINUTE_MS, max: 600 * MINUTE_MS }),
                )
                .map(([start, len]) => ({ start: T0 + start, end: T0 + start + len })),
        );
    const arbAny = fc.oneof(arbInterval(true), arbInterval(false));

    it('never refuses a booking that overlaps no other', () => {
      fc.assert(
        fc.property(arbAny, arbAny, (x, y) => {
          if (!intervalsOverlap(x, y)) expect(collide(x, y)).toBe(false);
        }),
        { numRuns: 2_000 },
      );
    });

    it('always refuses one that overlaps a booking on the grid', () => {
      fc.assert(
        fc.property(arbInterval(true), arbAny, (x, y) => {
          if (intervalsOverlap(x, y)) {
            expect(collide(x, y)).toBe(true);
            expect(collide(y, x)).toBe(true);
          }
        }),
        { numRuns: 2_000 },
      );
    });

    it('refuses overlapping off-grid bookings unless one starts inside the cell the other ends in', () => {
      fc.assert(
        fc.property(arbAny, arbAny, (x, y) => {
          if (!intervalsOverlap(x, y) || onGrid(x) || onGrid(y)) return;
          const [early, late] = x.start <= y.start ? [x, y] : [y, x];
          // The one blind spot: the later starts off the grid inside the very cell where the
          // earlier ends off the grid, and they overlap nowhere else.
          const meetInOneCell =
            late.start % CELL_MS !== 0 &&
            early.end % CELL_MS !== 0 &&
            Math.floor(late.start / CELL_MS) === Math.floor(early.end / CELL_MS);
          if (!meetInOneCell) expect(collide(x, y)).toBe(true);
        }),
        { numRuns: 2_000 },
      );
    });
  });
});
