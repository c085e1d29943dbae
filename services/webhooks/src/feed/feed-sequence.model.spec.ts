import { brokenRuns } from '@slotbook/testing/interleavings';

/**
 * A model of the feed's order (feed-sequence.ts, feed.repository.ts): a writer that takes a
 * position and then writes its event there, against a settle pass that finds the position
 * empty, closes it with a placeholder once it has stayed empty past FEED_HOLE_TIMEOUT_MS, moves
 * the settled end, and a reader that walks up to that end. Every interleaving is run, the
 * timeout running out never or after any step. It checks the design, not the code: that an
 * event never appears at or below a position a reader has walked past, that every event is
 * recorded, and that the order of the steps is what makes it so.
 */

interface World {
  /** What each written position holds: the event, or a placeholder. */
  written: Map<number, 'event' | 'hole'>;
  /** The next position the counter gives out, and the settled end. */
  next: number;
  settled: number;
  /** The position the writer holds, and whether its last insert was refused. */
  writerAt: number | null;
  refused: boolean;
  /** The empty positions the pass saw, and whether they have stayed empty past the timeout. */
  seenEmpty: number[];
  expired: boolean;
  /** How far the reader walked, and what it saw. */
  readUpTo: number;
  readEvent: boolean;
}

type Step = (world: World) => void;

/** Takes the next position ($inc), then inserts there (a unique position refuses a second). */
const reserve: Step = (w) => {
  if (w.writerAt !== null && !w.refused) return;
  w.writerAt = w.next;
  w.next += 1;
  w.refused = false;
};
const insert: Step = (w) => {
  if (w.writerAt === null || w.written.get(w.writerAt) === 'event') return;
  if (w.written.has(w.writerAt)) w.refused = true;
  else w.written.set(w.writerAt, 'event');
};
/** Closed while it stalled, it takes another position and writes there. */
const WRITER = [reserve, insert, reserve, insert];

const pass: Record<string, Step> = {
  look: (w) => {
    for (let seq = w.settled + 1; seq < w.next; seq += 1) {
      if (!w.written.has(seq)) w.seenEmpty.push(seq);
    }
  },
  close: (w) => {
    if (!w.expired) return;
    for (const seq of w.seenEmpty) if (!w.written.has(seq)) w.written.set(seq, 'hole');
  },
  settle: (w) => {
    while (w.written.has(w.settled + 1)) w.settled += 1;
  },
  read: (w) => {
    w.readUpTo = w.settled;
    w.readEvent = [...w.written].some(([seq, what]) => what === 'event' && seq <= w.settled);
  },
};
const PASS = Object.values(pass);

function start(): World {
  return {
    written: new Map(),
    next: 1,
    settled: 0,
    writerAt: null,
    refused: false,
    seenEmpty: [],
    expired: false,
    readUpTo: 0,
    readEvent: false,
  };
}

/** The runs that end with an event the reader walked past unseen, or with no event at all. */
function broken(writer: Step[], settler: Step[]): number {
  return brokenRuns(writer, settler, {
    start,
    runOut: (world) => {
      world.expired = true;
    },
    broken: (world) => {
      const events = [...world.written].filter(([, what]) => what === 'event');
      const missed = events.some(([seq]) => seq <= world.readUpTo) && !world.readEvent;
      return missed || events.length !== 1;
    },
  });
}

describe('the feed’s order: a slow writer against a settle pass and a reader (a model)', () => {
  it('never puts an event where a reader has walked past, and records it once, whatever the order and wherever the timeout runs out', () => {
    expect(broken(WRITER, PASS)).toBe(0);
  });

  it('needs the pass to close an empty position before it settles over it', () => {
    const skipping: Step = (w) => {
      for (let seq = w.settled + 1; seq < w.next; seq += 1) {
        if (w.written.has(seq) || (w.expired && w.seenEmpty.includes(seq))) w.settled = seq;
        else break;
      }
    };
    const skipsHoles = PASS.map((step) => (step === pass.settle ? skipping : step));
    expect(broken(WRITER, skipsHoles)).toBeGreaterThan(0);
  });

  it('needs a position to take one write: a placeholder refuses the late event', () => {
    const overwriting: Step = (w) => {
      if (w.writerAt !== null) w.written.set(w.writerAt, 'event');
    };
    const lateWriter = WRITER.map((step) => (step === insert ? overwriting : step));
    expect(broken(lateWriter, PASS)).toBeGreaterThan(0);
  });

  it('keeps order with no timeout at all: the timeout only spares slow writers a second position', () => {
    const impatient: Step = (w) => {
      for (const seq of w.seenEmpty) if (!w.written.has(seq)) w.written.set(seq, 'hole');
    };
    const noTimeout = PASS.map((step) => (step === pass.close ? impatient : step));
    expect(broken(WRITER, noTimeout)).toBe(0);
  });
});
