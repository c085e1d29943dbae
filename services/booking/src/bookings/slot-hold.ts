import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { GroupedInserts } from '@slotbook/persistence';
import { keepsTime, slotKey } from './booking-rules';
import { holdOf, type Hold, type SlotTerms } from './booking';
import type { BookingDocument } from './booking.schema';
import { BookingsRepository } from './bookings.repository';
import { HeldTimeDocument } from './held-time.schema';
import { holdDocuments } from './hold-documents';
import { NoSeatsLeft, SeatHold, isGroup, type SeatedHold } from './seat-hold';
import { SlotLock, type SlotLockResult } from './slot-lock';
import { HOLD_GRACE_MS } from './slot-hold.timing';

export const SLOT_TAKEN = 'the slot is already booked';

const NOT_LOCKED: SlotLockResult = { kind: 'unavailable' };

/**
 * The host time a booking holds: the lock that keeps the common race cheap, and the keys whose
 * `_id`s are the guarantee (held-time.schema.ts). A hold is one insert of its keys and head
 * (with those of the holds taken at the same moment: see GroupedInserts); letting go is one
 * delete.
 *
 * A writer that dies between holding time and writing its booking (or between writing a
 * booking and letting go of the time it left) leaves keys no booking holds. Nothing sweeps
 * them: the next writer that wants that time finds them in its way and reclaims them once they
 * are older than HOLD_GRACE_MS (slot-hold.timing.ts), fencing the writer that left them:
 * - a booking that was never written: its id is buried first (a tombstone insert; the `_id`
 *   makes a late insert of that booking fail), then its time is freed;
 * - a booking that no longer holds time (cancelled, completed): its time is freed;
 * - a booking that holds other time now, or is being moved onto this time: its version is
 *   bumped first (a reschedule reads the booking before it holds the new time and writes it by
 *   compare-and-set from that read, so a stalled one now fails), then what its current time
 *   does not cover is freed, if held no later than the reclaim saw (a move that began after
 *   the bump passes its compare-and-set, and holds its time anew: inserted or shared, which
 *   renews `heldAt`). A move lets go of its old time the same way, bounded by its read.
 *   Both compare `heldAt` written by one replica with a time read by another: they assume the
 *   replicas' clocks agree more closely than a run takes from its read to its hold (two
 *   database round trips at least; on one machine they are one clock).
 */
@Injectable()
export class SlotHold {
  private readonly logger = new Logger(SlotHold.name);
  /** Holds taken at once by concurrent creates go to the database in one insert. */
  private readonly inserts: GroupedInserts<HeldTimeDocument>;

  constructor(
    @InjectModel(HeldTimeDocument.name) readonly model: Model<HeldTimeDocument>,
    @Inject(SlotLock) private readonly lock: SlotLock,
    private readonly bookings: BookingsRepository,
    private readonly seats: SeatHold,
  ) {
    this.inserts = new GroupedInserts(model);
  }

  /**
   * Runs `write` while holding `hold`'s time: lock (best effort; a command that may have run
   * before skips it, as its own first run may hold it), the keys (or SlotTaken), then `write`.
   * When `write` refuses (a typed error) or writes nothing (null), the time this call took is
   * given back (time the booking held already, such as a move's overlap with itself, stays) and
   * the lock released. A booking written keeps the lock until it runs out: racers for the slot
   * are refused without a database command, and {@link unlock} clears it when the slot is let go.
   * A seat of a group slot is held by SeatHold instead, without the lock (its seats are booked
   * side by side); `write` is given the seats then held (0 for a single booking).
   */
  async around<T>(
    hold: Hold,
    write: (seatsHeld: number) => Promise<T | null>,
    { repeated = false } = {},
  ): Promise<T | null> {
    if (hold.seat && hold.eventTypeId !== null) {
      return this.seats.around(hold as SeatedHold, HOLD_GRACE_MS, write, (others) =>
        this.clear(others),
      );
    }
    const lock = repeated
      ? NOT_LOCKED
      : await this.lock.acquire(slotKey(hold.hostId, hold.startTime), hold.bookingId);
    // Someone is booking this very slot right now; the keys would refuse us anyway.
    if (lock.kind === 'contended') throw new DomainError(ErrorCode.SlotTaken, SLOT_TAKEN);
    let written: T | null = null;
    try {
      const taken = await this.take(hold);
      try {
        written = await write(0);
      } catch (error) {
        // Only a typed refusal says nothing was written; after any other failure the booking
        // may hold the time, and a leftover is reclaimed by whoever needs it.
        if (error instanceof DomainError) await this.giveBack(hold.bookingId, taken);
        throw error;
      }
      if (written === null) await this.giveBack(hold.bookingId, taken);
      return written;
    } finally {
      if (lock.kind === 'held' && written === null) await lock.release();
    }
  }

  /** Clears the lock a booking kept on the slot it lets go of (see {@link around}). */
  unlock(slot: { hostId: string; startTime: Date }): Promise<void> {
    return this.lock.clear(slotKey(slot.hostId, slot.startTime));
  }

  /**
   * Runs `write` on a slot's confirmed terms while holding the time they occupy. The time the
   * `expected` terms occupy is held first and `confirm` asked second (a range change, which
   * stops new bookings before it looks for held time, then always sees this hold: see
   * host-terms.ts in the contracts); when the confirmed terms occupy other time, that time is
   * given back and theirs held, once. Null when `write` wrote nothing.
   */
  async aroundConfirmed<T>(
    expected: SlotTerms,
    holdFor: (terms: SlotTerms) => Hold,
    confirm: () => Promise<SlotTerms>,
    write: (terms: SlotTerms, seatsHeld: number) => Promise<T | null>,
    options: { repeated?: boolean } = {},
  ): Promise<T | null> {
    let terms = expected;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      let moved = false;
      let written: T | null;
      try {
        written = await this.around(
          holdFor(terms),
          async (seatsHeld) => {
            const confirmed = await confirm();
            moved = !occupiesSameTime(confirmed, terms);
            terms = confirmed;
            return moved ? null : write(confirmed, seatsHeld);
          },
          options,
        );
      } catch (error) {
        // Full by the copy's seats: the host may have added seats since.
        if (!(error instanceof NoSeatsLeft) || attempt > 0) throw error;
        const confirmed = await confirm();
        if (confirmed.seatsPerSlot === terms.seatsPerSlot) throw error;
        terms = confirmed;
        continue;
      }
      if (!moved) return written;
    }
    throw new DomainError(ErrorCode.Unavailable, "the host's availability is changing; retry");
  }

  /**
   * Lets go of what a booking holds (its seat, when it holds one of a group slot); `kept`: of
   * a single booking, the documents of its hold that stay (a move's new time); `heldBefore`:
   * when the run letting go read the booking (see {@link letGo}).
   */
  async release(booking: BookingDocument, kept: string[] = [], heldBefore?: Date) {
    const hold = holdOf(booking);
    if (hold.seat && hold.eventTypeId !== null) {
      await this.seats.leave(hold as SeatedHold, heldBefore);
    } else await this.letGo(booking._id, kept, heldBefore);
  }

  /** The seats held of the group slot a seated booking is on. */
  seatsHeld(booking: BookingDocument): Promise<number> {
    return this.seats.seatsHeld({ eventTypeId: booking.eventTypeId, startTime: booking.startTime });
  }

  /**
   * Lets go of what `bookingId` holds, except `kept` and, given `heldBefore`, what was held
   * after it: a run of the booking that began later (a move from a newer version, which its
   * compare-and-set then passes) holds its time anew, inserted or shared (which renews
   * `heldAt`), and keeps it however late this call comes. A failure leaves it for a reclaim.
   */
  async letGo(bookingId: string, kept: string[] = [], heldBefore?: Date): Promise<void> {
    const filter: Record<string, unknown> = { bookingId };
    if (kept.length > 0) filter._id = { $nin: kept };
    if (heldBefore) filter.heldAt = { $lte: heldBefore };
    try {
      await this.model.deleteMany(filter);
    } catch (error) {
      this.logger.warn({ err: error, bookingId }, 'could not free held time; the next writer will');
    }
  }

  /** The heads of a host's holds of one month (`hostMonth`): when each hold is, and whose. */
  headsIn(hostMonth: string): Promise<HeldHead[]> {
    return this.model.find({ hostMonth }).lean<HeldHead[]>().exec();
  }

  /** The documents of a booking's hold: its keys, then its head. */
  documentsOf(hold: Hold, heldAt = new Date()): HeldTimeDocument[] {
    return holdDocuments(hold, heldAt);
  }

  /**
   * Inserts the hold's documents in one unordered insert. Those already there are the
   * booking's own (an earlier run of the same command, or time a reschedule overlaps) or
   * someone else's: leftovers are reclaimed and inserted again, anything else is SlotTaken.
   * Answers the ids this call inserted.
   */
  private async take(hold: Hold, attempt = 0): Promise<string[]> {
    const docs = this.documentsOf(hold);
    const refused = await this.insert(docs);
    const inserted = docs.map((doc) => doc._id).filter((id) => !refused.includes(id));
    if (refused.length === 0) return inserted;
    const holders = await this.model
      .find({ _id: { $in: refused } }, { bookingId: 1, heldAt: 1 })
      .lean<Array<Pick<HeldTimeDocument, '_id' | 'bookingId' | 'heldAt'>>>()
      .exec();
    const others = holders.filter((holder) => holder.bookingId !== hold.bookingId);
    // Every refused key is the booking's own, and none was freed meanwhile: held, once it is
    // marked as relied on (see HeldTimeDocument.shared); one given back meanwhile is held again.
    if (others.length === 0 && holders.length === refused.length) {
      if (await this.share(hold.bookingId, refused)) return inserted;
      if (attempt === 0) return this.retaking(inserted, hold, attempt);
      await this.giveBack(hold.bookingId, inserted);
      throw new DomainError(ErrorCode.Unavailable, 'the slot is changing; retry');
    }
    const reclaimed = attempt === 0 && (await this.clear(others));
    if (!reclaimed) {
      await this.giveBack(hold.bookingId, inserted);
      throw new DomainError(ErrorCode.SlotTaken, SLOT_TAKEN);
    }
    return this.retaking(inserted, hold, attempt);
  }

  /** Takes the hold again, keeping what this call inserted so far (given back on a refusal). */
  private async retaking(inserted: string[], hold: Hold, attempt: number): Promise<string[]> {
    try {
      return [...inserted, ...(await this.take(hold, attempt + 1))];
    } catch (error) {
      // Refused on the second try: what the first try inserted goes back too.
      await this.giveBack(hold.bookingId, inserted);
      throw error;
    }
  }

  /**
   * Marks documents the booking holds already as relied on by this run, so that the run that
   * inserted them does not give them back if it fails, and holds them anew (a reclaim that
   * read them older frees nothing this run relies on). False when one of them is gone.
   */
  private async share(bookingId: string, ids: string[]): Promise<boolean> {
    const marked = await this.model.updateMany(
      { _id: { $in: ids }, bookingId },
      { $set: { shared: true, heldAt: new Date() } },
    );
    return marked.matchedCount === ids.length;
  }

  /** Ids of the documents the `_id` index refused; any other failure is thrown. */
  private async insert(docs: HeldTimeDocument[]): Promise<string[]> {
    const refused = await this.inserts.insert(docs);
    return refused.map((index) => docs[index]!._id);
  }

  /**
   * Frees the time of `holders` (documents in a writer's way) when each is a leftover: held
   * longer than the grace by a booking (or group slot) that does not need it. False otherwise.
   */
  private async clear(
    holders: Array<Pick<HeldTimeDocument, '_id' | 'bookingId' | 'heldAt'>>,
  ): Promise<boolean> {
    const groups = groupByBooking(holders);
    if (groups.some((group) => group.heldAt.getTime() > Date.now() - HOLD_GRACE_MS)) return false;
    const cleared = await Promise.all(
      groups.map((group) =>
        isGroup(group.bookingId)
          ? this.seats.clearGroup(group.bookingId, HOLD_GRACE_MS)
          : this.reclaim(group),
      ),
    );
    return cleared.every(Boolean);
  }

  /**
   * Frees time another booking holds without needing it, fencing its writer first (see the
   * class comment). False when that time is rightly held, or may be by a change under way.
   */
  private async reclaim({ bookingId, keys, heldAt }: HeldBy): Promise<boolean> {
    // Younger than the grace, it may be a change under way: refused without a further read.
    if (heldAt.getTime() > Date.now() - HOLD_GRACE_MS) return false;
    const booking = await this.bookings.findById(bookingId);
    if (!booking) {
      // Once the id is buried nobody can write it; if it was written after all, judge it.
      if (!(await this.bookings.abandon(bookingId)))
        return this.reclaim({ bookingId, keys, heldAt });
      await this.letGo(bookingId);
      return true;
    }
    if (!keepsTime(booking.status)) {
      await this.letGo(bookingId);
      return true;
    }
    // A booking holding a seat holds its time as a group slot: documents of its own are left
    // over, once a move back to a single slot that may be under way is fenced off.
    if (booking.seated) {
      if (!(await this.bookings.bump(booking))) return false;
      await this.letGo(bookingId, [], heldAt);
      return true;
    }
    const current = this.documentsOf(holdOf(booking)).map((doc) => doc._id);
    if (keys.every((key) => current.includes(key))) return false;
    if (!(await this.bookings.bump(booking))) return false;
    await this.letGo(bookingId, current, heldAt);
    return true;
  }

  /**
   * Deletes what this run inserted, except what another run of the booking relies on, and
   * only while the booking still holds it: the keys' ids are the host's time alone, so a run
   * that stalled past the grace may find its keys reclaimed and taken by another booking.
   */
  private async giveBack(bookingId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.model.deleteMany({ _id: { $in: ids }, bookingId, shared: { $ne: true } });
    } catch (error) {
      this.logger.warn({ err: error }, 'could not give back held time; the next writer will');
    }
  }
}

/** A head: of a single booking's hold, or of a group slot's (then with its seats held). */
export type HeldHead = Required<HeldTimeDocument> & { seats?: number };

function occupiesSameTime(a: SlotTerms, b: SlotTerms): boolean {
  return (
    a.hostId === b.hostId &&
    a.endTime.getTime() === b.endTime.getTime() &&
    a.buffers.bufferBefore === b.buffers.bufferBefore &&
    a.buffers.bufferAfter === b.buffers.bufferAfter &&
    a.seatsPerSlot === b.seatsPerSlot
  );
}

interface HeldBy {
  bookingId: string;
  keys: string[];
  /** The newest of those keys' hold times. */
  heldAt: Date;
}

function groupByBooking(
  holders: Array<Pick<HeldTimeDocument, '_id' | 'bookingId' | 'heldAt'>>,
): HeldBy[] {
  const groups = new Map<string, HeldBy>();
  for (const holder of holders) {
    const group = groups.get(holder.bookingId);
    if (!group) {
      groups.set(holder.bookingId, {
        bookingId: holder.bookingId,
        keys: [holder._id],
        heldAt: holder.heldAt,
      });
    } else {
      group.keys.push(holder._id);
      if (holder.heldAt > group.heldAt) group.heldAt = holder.heldAt;
    }
  }
  return [...groups.values()];
}
