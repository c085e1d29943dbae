/**
 * The order of the feed. Each recorded event takes the next position from a counter
 * (`$inc`, atomic on one document), then is inserted with it under a unique index. Writers
 * finish out of order, so position 7 may be written before 6; a reader walking past 7 would
 * then miss 6 for good. So readers see only up to the **settled** position: the highest one
 * below which every position is written. A position that stays empty (its writer died between
 * taking and writing it) is closed after a timeout by inserting a placeholder at it; the unique
 * index makes a writer that was only slow fail there, take a new position and write again, so
 * nothing ever appears below the settled position once a reader may have walked past it.
 *
 * The timing, in one place: FEED_HOLE_TIMEOUT_MS (the environment) is how long a position may
 * stay empty before it is closed, and the constants below how often passes run while anything
 * is open. None of them is what keeps the order: feed-sequence.model.spec.ts runs a writer
 * against a pass and a reader in every order, the timeout running out anywhere, and with no
 * timeout at all the order still holds (a slow writer only takes a second position).
 */

/** How soon a pass follows a write that could not settle at once, and how far that backs off. */
export const FIRST_PASS_DELAY_MS = 50;
export const MAX_PASS_DELAY_MS = 1_000;

/**
 * Positions are grouped in blocks so that reading a stretch of the feed is one equality with
 * few matches (a page holds at most 100 events, so it reads one or two blocks).
 */
export const FEED_BLOCK_SIZE = 100;

export function blockOf(seq: number): number {
  return Math.floor(seq / FEED_BLOCK_SIZE);
}

export interface SettleInput {
  /** Every position up to here is written. */
  settled: number;
  /** The highest position taken so far. */
  reserved: number;
  /** The written positions above `settled` (events and placeholders). */
  written: ReadonlySet<number>;
  /** When each empty position was first seen empty (kept by the caller between passes). */
  firstSeenEmpty: Map<number, number>;
  now: number;
  holeTimeoutMs: number;
}

export interface SettleStep {
  /** The new settled position, once every hole below it has been closed. */
  settled: number;
  /** Empty positions below `settled` to close first (they waited longer than the timeout). */
  holesToClose: number[];
}

/**
 * How far the settled position can move: up to the first position that is empty and has not
 * yet been empty for `holeTimeoutMs`. Forgets empty positions it no longer needs.
 */
export function settleStep(input: SettleInput): SettleStep {
  const { written, firstSeenEmpty, now, holeTimeoutMs } = input;
  const holesToClose: number[] = [];
  let settled = input.settled;
  for (let seq = input.settled + 1; seq <= input.reserved; seq += 1) {
    if (!written.has(seq)) {
      const seen = firstSeenEmpty.get(seq);
      if (seen === undefined) firstSeenEmpty.set(seq, now);
      if (seen === undefined || now - seen < holeTimeoutMs) break;
      holesToClose.push(seq);
    }
    settled = seq;
  }
  for (const seq of firstSeenEmpty.keys()) if (seq <= settled) firstSeenEmpty.delete(seq);
  return { settled, holesToClose };
}
