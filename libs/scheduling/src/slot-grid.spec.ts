import fc from 'fast-check';
import {
  isSlotOf,
  isWholeSlotOf,
  slotCount,
  slotsOf,
  type Interval,
  type SlotGrid,
} from './slot-grid';
import { MINUTE_MS } from './time-units';

const T0 = Date.parse('2030-01-07T09:00:00Z');
const at = (minutes: number) => T0 + minutes * MINUTE_MS;
const grid = (startMin: number, endMin: number, slotMinutes: number): SlotGrid => ({
  start: at(startMin),
  end: at(endMin),
  slotMinutes,
});
const everything: Interval = { start: Number.MIN_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER };
const startsInMinutes = (slots: Interval[]) => slots.map((slot) => (slot.start - T0) / MINUTE_MS);

/** A range as the API allows it: 5–1440-minute slots, up to 31 days, any length in minutes. */
const arbGrid = fc
  .record({
    startMin: fc.integer({ min: -10_000, max: 10_000 }),
    lengthMin: fc.integer({ min: 0, max: 31 * 1440 }),
    slotMinutes: fc.integer({ min: 5, max: 1440 }),
  })
  .map(({ startMin, lengthMin, slotMinutes }) => grid(startMin, startMin + lengthMin, slotMinutes));

const arbWindow = fc
  .record({
    fromMin: fc.integer({ min: -20_000, max: 60_000 }),
    lengthMin: fc.integer({ min: 0, max: 50_000 }),
    seconds: fc.integer({ min: 0, max: 59 }),
  })
  .map(({ fromMin, lengthMin, seconds }) => ({
    start: at(fromMin) + seconds * 1000,
    end: at(fromMin + lengthMin),
  }));

describe('the slots of a range', () => {
  it('start at startTime + k·slotDuration and fill the range', () => {
    expect(startsInMinutes(slotsOf(grid(0, 120, 30), everything))).toEqual([0, 30, 60, 90]);
  });

  it('leave out a partial tail slot', () => {
    expect(startsInMinutes(slotsOf(grid(0, 100, 30), everything))).toEqual([0, 30, 60]);
    expect(slotCount(grid(0, 100, 30))).toBe(3);
  });

  it('are none when the range is shorter than one slot, or empty', () => {
    expect(slotsOf(grid(0, 29, 30), everything)).toEqual([]);
    expect(slotsOf(grid(0, 0, 30), everything)).toEqual([]);
    expect(slotsOf(grid(10, 0, 5), everything)).toEqual([]);
    expect(slotCount(grid(10, 0, 5))).toBe(0);
  });

  it('are each exactly slotDuration long', () => {
    for (const slot of slotsOf(grid(0, 1440, 45), everything)) {
      expect(slot.end - slot.start).toBe(45 * MINUTE_MS);
    }
  });

  it('count 8,928 five-minute slots in a 31-day range', () => {
    expect(slotsOf(grid(0, 31 * 1440, 5), everything)).toHaveLength(8928);
  });

  describe('in a window', () => {
    const range = grid(0, 240, 60);

    it('are the slots whose start lies in [from, to)', () => {
      expect(startsInMinutes(slotsOf(range, { start: at(60), end: at(180) }))).toEqual([60, 120]);
    });

    it('include a slot that starts inside the window and ends after it', () => {
      expect(startsInMinutes(slotsOf(range, { start: at(60), end: at(61) }))).toEqual([60]);
    });

    it('exclude a slot that started before the window', () => {
      expect(startsInMinutes(slotsOf(range, { start: at(61), end: at(240) }))).toEqual([120, 180]);
    });

    it('are none in an empty or inverted window, or one outside the range', () => {
      expect(slotsOf(range, { start: at(60), end: at(60) })).toEqual([]);
      expect(slotsOf(range, { start: at(120), end: at(60) })).toEqual([]);
      expect(slotsOf(range, { start: at(240), end: at(600) })).toEqual([]);
      expect(slotsOf(range, { start: at(-600), end: at(0) })).toEqual([]);
    });
  });
});

describe('isSlotOf', () => {
  const range = grid(0, 100, 30);

  it('accepts the start of every whole slot', () => {
    expect([0, 30, 60].map((m) => isSlotOf(range, at(m)))).toEqual([true, true, true]);
  });

  it('refuses a start off the grid, before the range, or of the partial tail', () => {
    expect(isSlotOf(range, at(15))).toBe(false);
    expect(isSlotOf(range, at(0) + 1)).toBe(false);
    expect(isSlotOf(range, at(-30))).toBe(false);
    expect(isSlotOf(range, at(90))).toBe(false);
    expect(isSlotOf(range, at(100))).toBe(false);
  });

  it('isWholeSlotOf also needs the slot to be exactly one slot long', () => {
    expect(isWholeSlotOf(range, { start: at(30), end: at(60) })).toBe(true);
    expect(isWholeSlotOf(range, { start: at(30), end: at(45) })).toBe(false);
    expect(isWholeSlotOf(range, { start: at(30), end: at(90) })).toBe(false);
  });
});

describe('slot properties (fast-check)', () => {
  it('every slot lies inside its range, on the grid, slotDuration long', () => {
    fc.assert(
      fc.property(arbGrid, arbWindow, (range, window) => {
        const length = range.slotMinutes * MINUTE_MS;
        const misplaced = slotsOf(range, window).filter(
          (slot) =>
            slot.start < range.start ||
            slot.end > range.end ||
            (slot.start - range.start) % length !== 0 ||
            slot.end - slot.start !== length ||
            !isSlotOf(range, slot.start),
        );
        expect(misplaced).toEqual([]);
      }),
    );
  });

  it('slots are sorted ascending and never overlap', () => {
    fc.assert(
      fc.property(arbGrid, arbWindow, (range, window) => {
        const slots = slotsOf(range, window);
        const unordered = slots.filter((slot, i) => i > 0 && slots[i - 1].end > slot.start);
        expect(unordered).toEqual([]);
      }),
    );
  });

  it('a range holds floor(length / slotDuration) slots', () => {
    fc.assert(
      fc.property(arbGrid, (range) => {
        const expected = Math.floor((range.end - range.start) / (range.slotMinutes * MINUTE_MS));
        expect(slotsOf(range, everything)).toHaveLength(expected);
        expect(slotCount(range)).toBe(expected);
      }),
    );
  });

  it('a window lists exactly the slots whose start lies in it', () => {
    fc.assert(
      fc.property(arbGrid, arbWindow, (range, window) => {
        const expected = slotsOf(range, everything).filter(
          (slot) => slot.start >= window.start && slot.start < window.end,
        );
        expect(slotsOf(range, window)).toEqual(expected);
      }),
    );
  });

  it('adjacent windows tile: each slot is listed by exactly one of them', () => {
    fc.assert(
      fc.property(
        arbGrid,
        arbWindow,
        fc.integer({ min: 0, max: 50_000 }),
        (range, window, cutMin) => {
          const cut = Math.min(window.start + cutMin * MINUTE_MS, window.end);
          const left = slotsOf(range, { start: window.start, end: cut });
          const right = slotsOf(range, { start: cut, end: window.end });
          expect([...left, ...right]).toEqual(slotsOf(range, window));
        },
      ),
    );
  });

  it('isSlotOf holds for exactly the listed starts (checked minute by minute)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 5, max: 90 }),
        (lengthMin, slotMinutes) => {
          const range = grid(0, lengthMin, slotMinutes);
          const listed = new Set(startsInMinutes(slotsOf(range, everything)));
          for (let m = -slotMinutes; m <= lengthMin + slotMinutes; m += 1) {
            expect(isSlotOf(range, at(m))).toBe(listed.has(m));
          }
        },
      ),
    );
  });
});
