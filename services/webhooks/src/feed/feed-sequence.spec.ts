import { blockOf, settleStep } from './feed-sequence';

describe('the settled end of the feed', () => {
  it('moves over every written position', () => {
    expect(
      settleStep({
        settled: 4,
        reserved: 7,
        written: new Set([5, 6, 7]),
        firstSeenEmpty: new Map(),
        now: 0,
        holeTimeoutMs: 1000,
      }),
    ).toEqual({ settled: 7, holesToClose: [] });
  });

  it('stops before a position still being written, even if later ones are written', () => {
    const firstSeenEmpty = new Map<number, number>();
    const step = settleStep({
      settled: 4,
      reserved: 8,
      written: new Set([5, 7, 8]),
      firstSeenEmpty,
      now: 100,
      holeTimeoutMs: 1000,
    });
    expect(step).toEqual({ settled: 5, holesToClose: [] });
    expect(firstSeenEmpty.get(6)).toBe(100);
  });

  it('closes a position that stayed empty longer than the timeout, and moves past it', () => {
    const firstSeenEmpty = new Map<number, number>([[6, 100]]);
    const step = settleStep({
      settled: 5,
      reserved: 8,
      written: new Set([7, 8]),
      firstSeenEmpty,
      now: 1100,
      holeTimeoutMs: 1000,
    });
    expect(step).toEqual({ settled: 8, holesToClose: [6] });
    expect(firstSeenEmpty.size).toBe(0);
  });

  it('does not close a position before its timeout', () => {
    const step = settleStep({
      settled: 5,
      reserved: 8,
      written: new Set([7, 8]),
      firstSeenEmpty: new Map([[6, 100]]),
      now: 1099,
      holeTimeoutMs: 1000,
    });
    expect(step).toEqual({ settled: 5, holesToClose: [] });
  });

  it('never moves past a position it has not seen empty for the timeout, whatever the order of writes', () => {
    // Writers finish in a random order; the settled end only ever covers written positions.
    for (let round = 0; round < 50; round += 1) {
      const order = Array.from({ length: 20 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
      const written = new Set<number>();
      let settled = 0;
      for (const seq of order) {
        written.add(seq);
        settled = settleStep({
          settled,
          reserved: 20,
          written,
          firstSeenEmpty: new Map(),
          now: 0,
          holeTimeoutMs: 1000,
        }).settled;
        for (let s = 1; s <= settled; s += 1) expect(written.has(s)).toBe(true);
      }
      expect(settled).toBe(20);
    }
  });

  it('groups positions in blocks of 100', () => {
    expect([0, 99, 100, 250].map(blockOf)).toEqual([0, 0, 1, 2]);
  });
});
