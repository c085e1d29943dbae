import fc from 'fast-check';
import { freeSlots, mergeSlots } from './free-slots';
import { slotsOf, type Interval, type SlotGrid } from './slot-grid';
import { MINUTE_MS } from './time-units';

const T0 = Date.parse('2030-01-07T09:00:00Z');
const at = (minutes: number) => T0 + minutes * MINUTE_MS;
const grid = (startMin: number, endMin: number, slotMinutes: number): SlotGrid => ({
  start: at(startMin),
  end: at(endMin),
  slotMinutes,
});
const window = (fromMin: number, toMin: number): Interval => ({
  start: at(fromMin),
  end: at(toMin),
});
const minutes = (slots: Interval[]) => slots.map((slot) => (slot.start - T0) / MINUTE_MS);

/** Non-overlapping ranges of one host, given in any order (touching allowed). */
const arbHostGrids = fc
  .array(
    fc.record({
      gapMin: fc.integer({ min: 0, max: 600 }),
      lengthMin: fc.integer({ min: 0, max: 900 }),
      slotMinutes: fc.integer({ min: 5, max: 120 }),
    }),
    { maxLength: 6 },
  )
  .chain((parts) => {
    let cursor = 0;
    const grids = parts.map(({ gapMin, lengthMin, slotMinutes }) => {
      const start = cursor + gapMin;
      cursor = start + lengthMin;
      return grid(start, cursor, slotMinutes);
    });
    return fc.shuffledSubarray(grids, { minLength: grids.length, maxLength: grids.length });
  });

describe('free slots of a host', () => {
  it('merge the slots of several ranges ascending, whatever the order of the ranges', () => {
    const grids = [grid(300, 360, 30), grid(0, 60, 20), grid(60, 120, 60)];
    expect(minutes(freeSlots({ grids, window: window(0, 1440) }))).toEqual([
      0, 20, 40, 60, 300, 330,
    ]);
  });

  it('leave out the slots that overlap busy time, and keep those that only touch it', () => {
    const busy = [window(20, 40), window(290, 305)];
    expect(
      minutes(
        freeSlots({ grids: [grid(0, 60, 20), grid(300, 360, 30)], window: window(0, 1440), busy }),
      ),
    ).toEqual([0, 40, 330]);
  });

  it('leave out slots that start before notBefore (e.g. now)', () => {
    expect(
      minutes(freeSlots({ grids: [grid(0, 120, 30)], window: window(0, 1440), notBefore: at(31) })),
    ).toEqual([60, 90]);
  });

  it('are none without ranges', () => {
    expect(freeSlots({ grids: [], window: window(0, 1440) })).toEqual([]);
  });

  it('mergeSlots sorts and de-duplicates lists that interleave', () => {
    const a = slotsOf(grid(0, 60, 20), window(0, 60));
    const b = slotsOf(grid(10, 70, 20), window(0, 70));
    expect(minutes(mergeSlots([a, b, a]))).toEqual([0, 10, 20, 30, 40, 50]);
  });

  describe('properties (fast-check)', () => {
    const arbWindow = fc
      .tuple(fc.integer({ min: -100, max: 6000 }), fc.integer({ min: 0, max: 6000 }))
      .map(([from, length]) => window(from, from + length));

    it('are ascending, non-overlapping, and each is a slot of one of the ranges', () => {
      fc.assert(
        fc.property(arbHostGrids, arbWindow, (grids, win) => {
          const slots = freeSlots({ grids, window: win });
          for (let i = 1; i < slots.length; i += 1) {
            expect(slots[i - 1].end).toBeLessThanOrEqual(slots[i].start);
          }
          const all = new Set(grids.flatMap((g) => slotsOf(g, win).map((s) => s.start)));
          expect(slots.every((slot) => all.has(slot.start))).toBe(true);
          expect(slots).toHaveLength(all.size);
        }),
      );
    });

    it('never list a taken slot or one before notBefore, and list every other slot', () => {
      fc.assert(
        fc.property(
          arbHostGrids,
          arbWindow,
          fc.integer({ min: -100, max: 6000 }),
          fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 30 }),
          (grids, win, notBeforeMin, takenIndexes) => {
            const every = mergeSlots(grids.map((g) => slotsOf(g, win)));
            const busy = takenIndexes.filter((i) => i < every.length).map((i) => every[i]);
            const notBefore = at(notBeforeMin);
            const expected = every.filter(
              (s) => !busy.some((b) => b.start === s.start) && s.start >= notBefore,
            );
            expect(freeSlots({ grids, window: win, busy, notBefore })).toEqual(expected);
          },
        ),
      );
    });
  });
});
