import { brokenRuns } from '@slotbook/testing/interleavings';

/**
 * A model of two creates racing for one slot (slot-hold.ts, slot-hold.timing.ts): a writer
 * that holds the time and then writes its booking, and one that finds that time in its way
 * and reclaims it once it is older than the grace. Every interleaving of their steps is run,
 * the first writer's hold going stale (a stall past HOLD_GRACE_MS) never or after any step.
 * It checks the design, not the code: that the slot is booked at most once and that a booking
 * written always holds its time, and that the order of the steps is what makes it so.
 */

type Id = 'a' | 'b';

interface World {
  /** Whose booking holds the slot's keys (the `_id` index refuses a second holder). */
  keys: Id | null;
  /** Bookings written, and ids buried by a tombstone (the `_id` refuses a late insert). */
  booked: Set<Id>;
  buried: Set<Id>;
  /** The first writer's hold is older than the grace. */
  stale: boolean;
  // What each side decided on the way.
  holding: Set<Id>;
  bReclaims: Id | null;
  bGaveUp: boolean;
}

type Step = (world: World) => void;

/**
 * A create: insert the keys (refused when held), then, if it holds them, insert the booking
 * under its id (refused only by a tombstone: the writer does not look at its keys again). A
 * refused insert gives back the keys the run inserted, by their ids, while its booking still
 * holds them (the ids are the host's time alone, the same for any booking of that time).
 */
const giveBack = (w: World, id: Id) => {
  if (w.keys === id) w.keys = null;
};
const writeOrGiveBack =
  (back: (w: World, id: Id) => void): Step =>
  (w) => {
    if (!w.holding.has('a')) return;
    if (w.buried.has('a')) back(w, 'a');
    else w.booked.add('a');
  };
const a: Record<'hold' | 'write', Step> = {
  hold: (w) => {
    if (w.keys !== null) return;
    w.keys = 'a';
    w.holding.add('a');
  },
  write: writeOrGiveBack(giveBack),
};

/**
 * A create that finds the keys held: when the hold is stale, it fences its writer (buries the
 * id, refused when that booking was written: it holds its time, and the slot is taken), frees
 * the keys, then holds and writes as any create does.
 */
const reclaimer: Record<string, Step> = {
  look: (w) => {
    if (w.keys === null) return;
    if (w.stale) w.bReclaims = w.keys;
    else w.bGaveUp = true;
  },
  fence: (w) => {
    if (w.bGaveUp || w.bReclaims === null) return;
    if (w.booked.has(w.bReclaims)) w.bGaveUp = true;
    else w.buried.add(w.bReclaims);
  },
  free: (w) => {
    if (w.bGaveUp || w.bReclaims === null) return;
    if (w.keys === w.bReclaims) w.keys = null;
  },
  hold: (w) => {
    if (w.bGaveUp || w.keys !== null) return;
    w.keys = 'b';
    w.holding.add('b');
  },
  write: (w) => {
    if (w.holding.has('b') && !w.buried.has('b')) w.booked.add('b');
  },
};

function start(): World {
  return {
    keys: null,
    booked: new Set(),
    buried: new Set(),
    stale: false,
    holding: new Set(),
    bReclaims: null,
    bGaveUp: false,
  };
}

/** The runs whose end breaks the guarantee: booked twice, or a booking without its time. */
function broken(first: Step[], second: Step[]): number {
  return brokenRuns(first, second, {
    start,
    runOut: (world) => {
      world.stale = true;
    },
    broken: (world) => world.booked.size > 1 || ![...world.booked].every((id) => world.keys === id),
  });
}

const A = [a.hold, a.write];
const B = Object.values(reclaimer);

describe('two creates racing for one slot, one reclaiming the other’s hold (a model)', () => {
  it('books the slot at most once, and a booking always holds its time, whatever the order and wherever the grace runs out', () => {
    expect(broken(A, B)).toBe(0);
  });

  it('needs the reclaimer to bury the stalled writer’s id before it frees the time', () => {
    const unfenced = B.filter((step) => step !== reclaimer.fence);
    expect(broken(A, unfenced)).toBeGreaterThan(0);
    const freeFirst = [
      reclaimer.look!,
      reclaimer.free!,
      reclaimer.fence!,
      reclaimer.hold!,
      reclaimer.write!,
    ];
    expect(broken(A, freeFirst)).toBeGreaterThan(0);
  });

  it('needs a refused create to give back only keys its booking still holds', () => {
    // The keys' ids alone: a writer fenced while it stalled deletes its reclaimer's keys.
    const byIdsAlone = writeOrGiveBack((w) => {
      w.keys = null;
    });
    expect(broken([a.hold, byIdsAlone], B)).toBeGreaterThan(0);
  });

  it('needs a create to hold the time before it writes its booking', () => {
    const writeFirst: Step = (w) => {
      if (!w.buried.has('a')) w.booked.add('a');
    };
    expect(broken([writeFirst, a.hold], B)).toBeGreaterThan(0);
  });

  it('keeps the guarantee even with no grace at all: the grace only spares slow writers', () => {
    const impatient: Step = (w) => {
      if (w.keys !== null) w.bReclaims = w.keys;
    };
    const noGrace = B.map((step) => (step === reclaimer.look ? impatient : step));
    expect(broken(A, noGrace)).toBe(0);
    // ...but then a writer that never stalled loses its booking to the reclaimer.
    const world = start();
    for (const step of [a.hold, impatient, reclaimer.fence!, a.write]) step(world);
    expect(world.booked.has('a')).toBe(false);
  });
});
