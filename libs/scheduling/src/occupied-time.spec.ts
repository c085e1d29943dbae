import fc from 'fast-check';
import {
  intervalsOverlap,
  mergedRuns,
  occupiedBy,
  seatedFreeSlots,
  withoutOverlaps,
} from './occupied-time';
import { type Interval } from './slot-grid';
import { MINUTE_MS } from './time-units';

const T0 = Date.parse('2030-03-04T08:00:00Z');
const span = (fromMin: number, toMin: number): Interval => ({
  start: T0 + fromMin * MINUTE_MS,
  end: T0 + toMin * MINUTE_MS,
});
const starts = (slots: Interval[]) => slots.map((slot) => (slot.start - T0) / MINUTE_MS);

describe('occupied time', () => {
  it('is the slot widened by the buffers before and after', () => {
    expect(occupiedBy(span(60, 90), { bufferBefore: 10, bufferAfter: 15 })).toEqual(span(50, 105));
  });

  it('overlaps when each interval starts before the other ends; touching is not overlap', () => {
    expect(intervalsOverlap(span(0, 30), span(29, 60))).toBe(true);
    expect(intervalsOverlap(span(0, 30), span(30, 60))).toBe(false);
    expect(intervalsOverlap(span(30, 60), span(0, 30))).toBe(false);
    expect(intervalsOverlap(span(0, 60), span(10, 20))).toBe(true);
  });

  it('merges busy time into disjoint ascending runs, keeping touching runs apart', () => {
    expect(mergedRuns([span(50, 60), span(0, 20), span(10, 30), span(30, 40)])).toEqual([
      span(0, 30),
      span(30, 40),
      span(50, 60),
    ]);
  });

  it('leaves out a slot whose buffers reach into busy time, though the slot itself does not', () => {
    const slots = [span(0, 30), span(30, 60), span(60, 90), span(90, 120)];
    // Busy 60–70: the 30–60 slot ends at 60, but its 10 minutes after reach 70.
    expect(
      starts(withoutOverlaps(slots, { bufferBefore: 0, bufferAfter: 10 }, [span(60, 70)])),
    ).toEqual([0, 90]);
    expect(
      starts(withoutOverlaps(slots, { bufferBefore: 0, bufferAfter: 0 }, [span(60, 70)])),
    ).toEqual([0, 30, 90]);
  });

  it('keeps a slot whose occupied time only touches busy time', () => {
    const slots = [span(30, 60)];
    expect(
      withoutOverlaps(slots, { bufferBefore: 5, bufferAfter: 5 }, [span(0, 25), span(65, 90)]),
    ).toEqual(slots);
  });

  it('agrees with checking every slot against every busy interval (fast-check)', () => {
    const arbSlots = fc
      .record({
        first: fc.integer({ min: 0, max: 600 }),
        step: fc.integer({ min: 1, max: 24 }).map((n) => n * 5),
        length: fc.integer({ min: 1, max: 48 }).map((n) => n * 5),
        count: fc.integer({ min: 0, max: 60 }),
      })
      .map(({ first, step, length, count }) =>
        Array.from({ length: count }, (_, k) => span(first + k * step, first + k * step + length)),
      );
    const arbBusy = fc.array(
      fc
        .tuple(fc.integer({ min: -300, max: 3000 }), fc.integer({ min: 0, max: 400 }))
        .map(([from, length]) => span(from, from + length)),
      { maxLength: 25 },
    );
    const arbBuffers = fc.record({
      bufferBefore: fc.integer({ min: 0, max: 48 }).map((n) => n * 5),
      bufferAfter: fc.integer({ min: 0, max: 48 }).map((n) => n * 5),
    });
    fc.assert(
      fc.property(arbSlots, arbBuffers, arbBusy, (slots, buffers, busy) => {
        const expected = slots.filter(
          (slot) =>
            !busy.some((b) => b.end > b.start && intervalsOverlap(occupiedBy(slot, buffers), b)),
        );
        expect(withoutOverlaps(slots, buffers, busy)).toEqual(expected);
      }),
    );
  });
});

describe('free slots of a group event type (seats)', () => {
  const M = MINUTE_MS;
  const hourly = [0, 60, 120, 180].map((start) => ({ start: start * M, end: (start + 60) * M }));
  const noBuffers = { bufferBefore: 0, bufferAfter: 0 };

  it('lists a slot with its own group while seats are left, with the seats left', () => {
    const groups = [
      { start: 0, occupied: { start: 0, end: 60 * M }, seats: 2 },
      { start: 60 * M, occupied: { start: 60 * M, end: 120 * M }, seats: 3 },
    ];
    expect(seatedFreeSlots(hourly, noBuffers, [], groups, 3)).toEqual([
      { start: 0, end: 60 * M, seatsLeft: 1 },
      { start: 120 * M, end: 180 * M, seatsLeft: 3 },
      { start: 180 * M, end: 240 * M, seatsLeft: 3 },
    ]);
  });

  it('refuses slots overlapping other busy time, or its own groups at other starts', () => {
    const groups = [{ start: 90 * M, occupied: { start: 90 * M, end: 150 * M }, seats: 1 }];
    const busy = [{ start: 200 * M, end: 210 * M }];
    const buffered = { bufferBefore: 0, bufferAfter: 45 };
    expect(seatedFreeSlots(hourly, buffered, busy, groups, 4).map((s) => s.start / M)).toEqual([]);
    expect(seatedFreeSlots(hourly, noBuffers, busy, groups, 4).map((s) => s.start / M)).toEqual([
      0,
    ]);
  });
});
