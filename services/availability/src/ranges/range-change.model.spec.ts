import { brokenRuns } from '@slotbook/testing/interleavings';

/**
 * A model of the range change against a booking landing in the range (range-change.timing.ts,
 * host-terms.ts in the contracts), run through every interleaving of their steps, a lease that
 * runs out anywhere included. It checks the design, not the code: that a booking never ends up
 * outside every range, and that the order of the steps is what makes it so (the same model
 * with two steps swapped lets a booking through).
 */

/** The host's document as far as one slot goes: its version, and the range's state. */
interface Doc {
  version: number;
  /** The range still covers the slot. */
  covers: boolean;
  /** A change holds the range's lease: its slots take no booking. */
  leased: boolean;
}

interface World {
  doc: Doc;
  /** The highest version announced to booking (its Redis). */
  announced: number;
  /** Booking's copy of the host's terms. */
  copy: Doc;
  /** The lease ran out (its grace included): the range takes bookings again. */
  expired: boolean;
  /** The booking holds the slot's time; the booking is written. */
  held: boolean;
  booked: boolean;
  // What each side decided on the way.
  accepted: boolean;
  heldSeen: boolean | null;
}

type Step = (world: World) => void;

const opens = (doc: Doc, world: World) => doc.covers && (!doc.leased || world.expired);

/**
 * A create: hold the time, then confirm (read the announced version and decide, in the same
 * turn, by a copy at least that new, fetching the document when the copy is older), then
 * write the booking or give the time back.
 */
const booking: Record<string, Step> = {
  hold: (w) => {
    w.held = true;
  },
  confirm: (w) => {
    if (w.copy.version < w.announced) w.copy = { ...w.doc };
    w.accepted = opens(w.copy, w);
  },
  write: (w) => {
    if (w.accepted) w.booked = true;
    else w.held = false;
  },
};

/**
 * A PATCH that shrinks the range off the slot: announce and write the lease, look for held
 * time, then announce and write the result (the range shrunk, or given back when time is held).
 * It writes only while it holds the lease with LEASE_MARGIN_MS to spare; the margin and the
 * grace outlast that write, so the lease cannot run out between that check and the write.
 */
const change: Record<string, Step> = {
  announceLease: (w) => {
    w.announced = Math.max(w.announced, w.doc.version + 1);
  },
  writeLease: (w) => {
    w.doc = { version: w.doc.version + 1, covers: true, leased: true };
  },
  lookForHeldTime: (w) => {
    w.heldSeen = w.held;
  },
  announceResult: (w) => {
    w.announced = Math.max(w.announced, w.doc.version + 1);
  },
  writeResult: (w) => {
    if (w.expired) return; // 503: the change took too long
    const shrinks = w.heldSeen === false;
    w.doc = { version: w.doc.version + 1, covers: !shrinks, leased: false };
  },
};

const expire: Step = (w) => {
  w.expired = true;
};

function start(): World {
  const doc = { version: 1, covers: true, leased: false };
  return {
    doc,
    announced: 1,
    copy: { ...doc },
    expired: false,
    held: false,
    booked: false,
    accepted: false,
    heldSeen: null,
  };
}

/**
 * Every run of the two, with the lease running out never or after any step from its write on.
 * Answers how many runs end with the booking outside the range.
 */
function orphans(
  bookingSteps: Step[],
  changeSteps: Step[],
  leaseWrite = change.writeLease!,
): number {
  return brokenRuns(bookingSteps, changeSteps, {
    start,
    runOut: expire,
    broken: (world) => world.booked && !world.doc.covers,
    runsOutFrom: (order) => order.indexOf(leaseWrite),
  });
}

const BOOKING = Object.values(booking);
const CHANGE = Object.values(change);

describe('the range change against a booking landing in it (a model)', () => {
  it('never leaves a booking outside the range, whatever the order of their steps and wherever the lease runs out', () => {
    expect(orphans(BOOKING, CHANGE)).toBe(0);
  });

  it('needs the booking to hold its time before it confirms the terms', () => {
    const readFirst = [booking.confirm!, booking.hold!, booking.write!];
    expect(orphans(readFirst, CHANGE)).toBeGreaterThan(0);
  });

  it('needs the change to close the range before it looks for held time', () => {
    const lookFirst = [
      change.lookForHeldTime!,
      change.announceLease!,
      change.writeLease!,
      change.announceResult!,
      change.writeResult!,
    ];
    expect(orphans(BOOKING, lookFirst)).toBeGreaterThan(0);
  });

  it('needs booking to hear of each version the change writes', () => {
    const unannounced = [change.writeLease!, change.lookForHeldTime!, change.writeResult!];
    expect(orphans(BOOKING, unannounced)).toBeGreaterThan(0);
  });

  it('needs the change to give up once its lease has run out', () => {
    const stubborn: Step = (w) => {
      w.doc = { version: w.doc.version + 1, covers: w.heldSeen !== false, leased: false };
    };
    const ignoresExpiry = CHANGE.map((step) => (step === change.writeResult ? stubborn : step));
    expect(orphans(BOOKING, ignoresExpiry)).toBeGreaterThan(0);
  });
});
