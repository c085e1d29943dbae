import {
  DomainError,
  ErrorCode,
  MAX_WINDOW_DAYS,
  MAX_WINDOW_MS,
  type FieldError,
  type UpdateRangeBody,
} from '@slotbook/contracts';
import { isSlotOf, isWholeSlotOf, slotCount, type SlotGrid } from '@slotbook/scheduling';
import { BOOKING_LEASE_GRACE_MS } from './range-change.timing';

/**
 * The rules of a host's availability (SPEC §4) as pure functions: no Nest, no I/O, `now`
 * passed in. The service reads the host's ranges, decides with these, and writes the result.
 */

/** Where a range lies and how it is cut into slots. */
export interface RangeSpan {
  startTime: Date;
  endTime: Date;
  slotDuration: number;
}

/** A range as the host's document stores it. */
export interface RangeEntry extends RangeSpan {
  id: string;
  requiresConfirmation: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** While set and in the future, a PATCH/DELETE is checking the range's bookings. */
  changingUntil: Date | null;
  /** Which change holds that lease. */
  changeId: string | null;
}

/** A slot held by an active booking, as booking reports it. */
export interface HeldSlotSpan {
  startTime: Date;
  endTime: Date;
}

export const OVERLAP = 'the range overlaps another range of the host';

export function gridOf(span: RangeSpan): SlotGrid {
  return {
    start: span.startTime.getTime(),
    end: span.endTime.getTime(),
    slotMinutes: span.slotDuration,
  };
}

/**
 * What is wrong with a range on its own, as field errors: end after start, at most 31 days,
 * at least one whole slot, not starting in the past (unless `allowPastStart`, for a range
 * that already started and whose start a PATCH leaves alone).
 */
export function spanProblems(
  span: RangeSpan,
  now: Date,
  { allowPastStart = false }: { allowPastStart?: boolean } = {},
): FieldError[] {
  const problems: FieldError[] = [];
  if (!allowPastStart && span.startTime.getTime() < now.getTime()) {
    problems.push({ path: 'startTime', message: 'is in the past' });
  }
  const length = span.endTime.getTime() - span.startTime.getTime();
  if (length <= 0) {
    problems.push({ path: 'endTime', message: 'must be after startTime' });
  } else if (length > MAX_WINDOW_MS) {
    problems.push({
      path: 'endTime',
      message: `must be at most ${MAX_WINDOW_DAYS} days after startTime`,
    });
  } else if (slotCount(gridOf(span)) === 0) {
    problems.push({
      path: 'slotDuration',
      message: 'is longer than the range: not one whole slot fits',
    });
  }
  return problems;
}

export function assertValidSpan(
  span: RangeSpan,
  now: Date,
  options?: { allowPastStart?: boolean },
): void {
  const problems = spanProblems(span, now, options);
  if (problems.length > 0) {
    throw DomainError.validation('the availability range is invalid', problems);
  }
}

/** Half-open ranges overlap when each starts before the other ends; touching is not overlap. */
export function overlaps(a: RangeSpan, b: RangeSpan): boolean {
  return a.startTime.getTime() < b.endTime.getTime() && b.startTime.getTime() < a.endTime.getTime();
}

/** The first of `ranges` (other than `exceptId`) that `span` would overlap. */
export function findOverlap(
  ranges: RangeEntry[],
  span: RangeSpan,
  exceptId?: string,
): RangeEntry | undefined {
  return ranges.find((range) => range.id !== exceptId && overlaps(range, span));
}

export function assertNoOverlap(ranges: RangeEntry[], span: RangeSpan, exceptId?: string): void {
  const other = findOverlap(ranges, span, exceptId);
  if (other) {
    throw new DomainError(ErrorCode.Conflict, OVERLAP, {
      conflictingRange: {
        id: other.id,
        startTime: other.startTime.toISOString(),
        endTime: other.endTime.toISOString(),
      },
    });
  }
}

/** A PATCH applied to a range: the fields given replace the range's. */
export function patched(range: RangeEntry, changes: UpdateRangeBody): RangeEntry {
  return {
    ...range,
    startTime: changes.startTime ?? range.startTime,
    endTime: changes.endTime ?? range.endTime,
    slotDuration: changes.slotDuration ?? range.slotDuration,
    requiresConfirmation: changes.requiresConfirmation ?? range.requiresConfirmation,
  };
}

/** A PATCH validates the result; a start it leaves alone may already lie in the past. */
export function assertValidPatch(before: RangeEntry, after: RangeEntry, now: Date): void {
  assertValidSpan(after, now, {
    allowPastStart: after.startTime.getTime() === before.startTime.getTime(),
  });
}

/**
 * True when every slot of `before` is still a whole slot of `after`: then no booking can end up
 * outside the range, and the change needs no word from booking (e.g. an extension, or a
 * change of requiresConfirmation alone).
 */
export function keepsEverySlot(before: RangeSpan, after: RangeSpan): boolean {
  const count = slotCount(gridOf(before));
  if (count === 0) return true;
  if (before.slotDuration !== after.slotDuration) return false;
  const length = before.slotDuration * 60_000;
  const first = before.startTime.getTime();
  const lastEnd = first + count * length;
  return isSlotOf(gridOf(after), first) && lastEnd <= after.endTime.getTime();
}

/**
 * The held slots that would lie outside every range after the change: those that are not a
 * whole slot of `after` (for a deletion, `after` is null and every held slot is outside).
 */
export function heldSlotsLeftOutside(
  after: RangeSpan | null,
  held: HeldSlotSpan[],
): HeldSlotSpan[] {
  if (!after) return held;
  const grid = gridOf(after);
  return held.filter(
    (slot) =>
      !isWholeSlotOf(grid, { start: slot.startTime.getTime(), end: slot.endTime.getTime() }),
  );
}

/** A change's lease is active until it runs out. */
export function isChanging(range: RangeEntry, now: Date): boolean {
  return range.changingUntil !== null && range.changingUntil.getTime() > now.getTime();
}

export function withLease(range: RangeEntry, changeId: string, until: Date): RangeEntry {
  return { ...range, changingUntil: until, changeId };
}

export function withoutLease(range: RangeEntry): RangeEntry {
  return { ...range, changingUntil: null, changeId: null };
}

/** Until when booking keeps the range's slots closed (null: open). */
export function closedUntil(range: RangeEntry): Date | null {
  return range.changingUntil && new Date(range.changingUntil.getTime() + BOOKING_LEASE_GRACE_MS);
}

/** The ranges overlapping `[from, to)`, ascending by start. */
export function rangesInWindow(ranges: RangeEntry[], from: Date, to: Date): RangeEntry[] {
  const window = { startTime: from, endTime: to, slotDuration: 0 };
  return sortedByStart(ranges.filter((range) => overlaps(range, window)));
}

export function sortedByStart(ranges: RangeEntry[]): RangeEntry[] {
  return [...ranges].sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/**
 * The window of `GET /hosts/:hostId/availability`: from `from` (default now) to `to` (default
 * 31 days after from). The contract already refused an inverted or too long explicit window.
 */
export function resolveWindow(
  query: { from?: Date; to?: Date },
  now: Date,
): { from: Date; to: Date } {
  const from = query.from ?? now;
  const to = query.to ?? new Date(from.getTime() + MAX_WINDOW_MS);
  const span = to.getTime() - from.getTime();
  if (span <= 0) {
    throw DomainError.validation('the window is invalid', [
      { path: 'to', message: 'must be after from (which defaults to now)' },
    ]);
  }
  if (span > MAX_WINDOW_MS) {
    throw DomainError.validation('the window is invalid', [
      { path: 'to', message: `must be at most ${MAX_WINDOW_DAYS} days after from` },
    ]);
  }
  return { from, to };
}
