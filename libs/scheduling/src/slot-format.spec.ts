import fc from 'fast-check';
import { slotsToJson } from './slot-format';
import { slotsOf } from './slot-grid';
import { MINUTE_MS } from './time-units';

describe('slotsToJson', () => {
  const asIso = (slots: Array<{ start: number; end: number }>) =>
    slots.map((slot) => ({
      startTime: new Date(slot.start).toISOString(),
      endTime: new Date(slot.end).toISOString(),
    }));

  it.each([
    '2030-01-07T09:00:00.000Z',
    '2028-02-29T23:59:59.999Z',
    '1970-01-01T00:00:00.000Z',
    '1969-12-31T23:59:59.001Z',
    '9999-12-31T23:59:59.999Z',
    '+010000-01-01T00:00:00.000Z',
    '-000001-12-31T23:59:59.999Z',
  ])('writes %s exactly as toISOString does', (iso) => {
    const slots = [{ start: Date.parse(iso), end: Date.parse(iso) + 1 }];
    expect(slotsToJson(slots).toString('latin1')).toBe(JSON.stringify(asIso(slots)));
  });

  it('is the JSON of the ISO pairs, byte for byte', () => {
    const start = Date.parse('2030-01-07T22:00:00Z');
    const slots = slotsOf(
      { start, end: start + 4 * 60 * MINUTE_MS, slotMinutes: 45 },
      { start, end: start + 4 * 60 * MINUTE_MS },
    );
    expect(slotsToJson(slots).toString('latin1')).toBe(JSON.stringify(asIso(slots)));
  });

  it('handles slots that do not touch, and no slots', () => {
    const a = Date.parse('2030-01-07T09:00:00Z');
    const slots = [
      { start: a, end: a + 30 * MINUTE_MS },
      { start: a + 60 * MINUTE_MS, end: a + 90 * MINUTE_MS },
    ];
    expect(slotsToJson(slots).toString('latin1')).toBe(JSON.stringify(asIso(slots)));
    expect(slotsToJson([]).toString('latin1')).toBe('[]');
    expect(slotsToJson(slots, { before: '{"data":', after: '}' }).toString('latin1')).toBe(
      JSON.stringify({ data: asIso(slots) }),
    );
  });

  it('equals JSON.stringify for any slots (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            start: fc.integer({ min: -8.64e15, max: 8.64e15 - 1e10 }),
            // 50 touching slots of at most 1e8 ms stay below the last valid Date (8.64e15).
            length: fc.integer({ min: 1, max: 1e8 }),
          }),
          { maxLength: 50 },
        ),
        fc.boolean(),
        (raw, touching) => {
          // Touching runs (each slot starts where the last ended) take the copying path.
          let next = raw[0]?.start ?? 0;
          const slots = raw.map(({ start, length }) => {
            const from = touching ? next : start;
            next = from + length;
            return { start: from, end: from + length };
          });
          expect(slotsToJson(slots).toString('latin1')).toBe(JSON.stringify(asIso(slots)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
