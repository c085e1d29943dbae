import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { insertUnordered, isDuplicateKeyError } from '@slotbook/persistence';
import { hostMonth, keepsTime } from './booking-rules';
import type { Hold, Seat } from './booking';
import { BookingsRepository } from './bookings.repository';
import { HeldTimeDocument } from './held-time.schema';
import { occupiedKeys } from './occupied-cells';

/** Every seat of the slot is held (by the seats the hold was asked for). */
export class NoSeatsLeft extends DomainError {
  constructor() {
    super(ErrorCode.SlotTaken, 'every seat of the slot is taken');
  }
}
export const SEAT_HELD = 'you already hold a seat of this slot';

/** A hold of a seat of a group slot (an event type with more than one seat per slot). */
export type SeatedHold = Hold & { seat: Seat; eventTypeId: string };

/** The documents of a group slot: its head and its keys (occupied-cells.ts), all `bookingId: G`. */
interface GroupDocument {
  _id: string;
  bookingId: string;
  heldAt: Date;
  /** The bookings holding a seat: of the head, and of each key. */
  holders: string[];
  /** Head only: how many seats are held, who holds them, and since when (by booking id). */
  seats?: number;
  people?: string[];
  joined?: Record<string, Date>;
}

/** The id of a group slot: its event type and start. Its head's `_id`, and its keys' holder. */
export function groupOf(hold: { eventTypeId: string | null; startTime: Date }): string {
  return `seats|${hold.eventTypeId}|${hold.startTime.getTime()}`;
}

export function isGroup(holder: string): boolean {
  return holder.startsWith('seats|');
}

/** An error a write throws when its booking is written and holds the seat: it is not given back. */
function keepsSeat(error: unknown): boolean {
  return (error as { keepsSeat?: boolean } | null)?.keepsSeat === true;
}

/**
 * The seats of group slots (SPEC §5, seats). A group slot is held as one thing: its head and
 * the keys of the host time it occupies are documents whose `holders` list the bookings
 * holding a seat, so the `_id` index keeps other bookings (plain or another group) off that
 * time exactly as for a single booking, while the group's own seats share it. Every write is
 * one document's atomic update:
 * - a seat is taken by one conditional update of the head: fewer than `capacity` seats held,
 *   the person holding none: so a slot never holds more seats than it has, nor two of one person;
 * - a booking adds itself to each key (inserting the key when absent), and a key is deleted
 *   only by a delete whose condition is that its `holders` is empty: so the host time is never
 *   freed while a seat holds it, however a last cancel and a new seat interleave.
 * A writer that dies between taking a seat and writing its booking leaves a holder no booking
 * backs: whoever needs that seat or that time clears it once it is older than the grace,
 * burying its id first (as SlotHold does for single bookings).
 */
@Injectable()
export class SeatHold {
  private readonly logger = new Logger(SeatHold.name);

  constructor(
    @InjectModel(HeldTimeDocument.name) private readonly model: Model<HeldTimeDocument>,
    private readonly bookings: BookingsRepository,
  ) {
    this.docs = model.collection as unknown as mongo.Collection<GroupDocument>;
  }

  private readonly docs: mongo.Collection<GroupDocument>;

  /**
   * Runs `write` while `hold` holds a seat, with the seats then held (its own included). When
   * `write` refuses (a typed error that does not say the booking holds the seat) or writes
   * nothing, the seat this call took is given back. A seat another run of the same booking
   * took is never given back by this one.
   */
  async around<T>(
    hold: SeatedHold,
    graceMs: number,
    write: (seatsHeld: number) => Promise<T | null>,
    clearOthers: (
      holders: Array<{ _id: string; bookingId: string; heldAt: Date }>,
    ) => Promise<boolean>,
  ): Promise<T | null> {
    const { seatsHeld, took } = await this.take(hold, graceMs);
    // Another run of this booking took the seat: marked as relied on, it never gives it back.
    if (!took && !(await this.share(hold))) {
      throw new DomainError(ErrorCode.Unavailable, 'the slot is changing; retry');
    }
    let written: T | null = null;
    try {
      await this.holdTime(hold, took && seatsHeld === 1, clearOthers);
      written = await write(seatsHeld);
    } catch (error) {
      if (took && error instanceof DomainError && !keepsSeat(error)) await this.giveBack(hold);
      throw error;
    }
    if (written === null && took) await this.giveBack(hold);
    return written;
  }

  /**
   * Lets go of a booking's seat and, when it was the last, of the group's time (a cancel, a
   * move away, a leftover cleared). Given `heldBefore` (when the run letting go read the
   * booking, or the seat), only a seat joined no later: a run of the booking that began later
   * (a move back onto this slot) joins anew, or shares the seat, which renews `joined`, and
   * keeps it. A failure leaves a leftover for whoever needs it.
   */
  async leave(
    hold: Pick<SeatedHold, 'bookingId' | 'eventTypeId' | 'startTime' | 'seat'>,
    heldBefore?: Date,
  ) {
    await this.letGo(
      hold,
      heldBefore ? { [`joined.${hold.bookingId}`]: { $lte: heldBefore } } : {},
    );
  }

  /** Gives back the seat a failed run took, unless another run of its booking relies on it. */
  private async giveBack(hold: SeatedHold): Promise<void> {
    await this.letGo(hold, { [`shared.${hold.bookingId}`]: { $ne: true } });
  }

  /**
   * Marks the booking's seat as relied on by this run, and joined anew (a run that read it
   * older lets go of nothing this run relies on); false when it is no longer held.
   */
  private async share(hold: SeatedHold): Promise<boolean> {
    const now = new Date();
    const marked = await this.docs.updateOne(
      { _id: groupOf(hold), holders: hold.bookingId },
      {
        $set: {
          [`shared.${hold.bookingId}`]: true,
          [`joined.${hold.bookingId}`]: now,
          heldAt: now,
        },
      },
    );
    return marked.matchedCount === 1;
  }

  /** Pulls the booking from the head (if `unless` allows), then from the keys; deletes empties. */
  private async letGo(
    hold: Pick<SeatedHold, 'bookingId' | 'eventTypeId' | 'startTime' | 'seat'>,
    unless: Record<string, unknown>,
  ): Promise<void> {
    const group = groupOf(hold);
    const { bookingId } = hold;
    try {
      const head = await this.docs.updateOne(
        { _id: group, holders: bookingId, ...unless },
        {
          $pull: { holders: bookingId, people: hold.seat.person },
          $inc: { seats: -1 },
          $unset: { [`joined.${bookingId}`]: '', [`shared.${bookingId}`]: '' },
        },
      );
      // Relied on by another run: its keys stay too. (Not a holder: pull any keys it has left.)
      if (head.matchedCount === 0 && Object.keys(unless).length > 0) {
        const held = await this.docs.countDocuments({ _id: group, holders: bookingId });
        if (held > 0) return;
      }
      await this.docs.updateMany(
        { bookingId: group, _id: { $ne: group }, holders: bookingId },
        { $pull: { holders: bookingId } },
      );
      await this.docs.deleteMany({ bookingId: group, holders: { $size: 0 } });
    } catch (error) {
      this.logger.warn(
        { err: error, bookingId },
        'could not give back a seat; the next writer will',
      );
    }
  }

  /** The seats held of a group slot (0 when none). */
  async seatsHeld(hold: { eventTypeId: string | null; startTime: Date }): Promise<number> {
    const head = await this.docs.findOne({ _id: groupOf(hold) }, { projection: { seats: 1 } });
    return head?.seats ?? 0;
  }

  /**
   * Takes a seat: one conditional update of the head (inserted when the slot has none). Answers
   * the seats then held and whether this call took it (false: another run of the booking did).
   */
  private async take(hold: SeatedHold, graceMs: number, attempt = 0): Promise<SeatTaken> {
    const group = groupOf(hold);
    const { bookingId, seat } = hold;
    const now = new Date();
    try {
      const head = await this.docs.findOneAndUpdate(
        {
          _id: group,
          seats: { $lt: seat.capacity },
          people: { $ne: seat.person },
          holders: { $ne: bookingId },
        },
        {
          $inc: { seats: 1 },
          $push: { holders: bookingId, people: seat.person },
          $set: { heldAt: now, [`joined.${bookingId}`]: now },
          // A seat taken after the event type grew (or its buffers) widens what the head says.
          $min: { occupiedFrom: new Date(hold.occupied.start) },
          $max: { endTime: hold.endTime, occupiedUntil: new Date(hold.occupied.end) },
          $setOnInsert: {
            bookingId: group,
            hostMonth: hostMonth(hold.hostId, hold.startTime),
            startTime: hold.startTime,
            eventTypeId: hold.eventTypeId,
          },
        },
        { upsert: true, returnDocument: 'after' },
      );
      return { seatsHeld: head!.seats!, took: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // The head is there and refused: why?
    const head = await this.docs.findOne({ _id: group });
    if (head?.holders.includes(bookingId)) return { seatsHeld: head.seats!, took: false };
    const again = attempt < 2;
    if (head?.people?.includes(seat.person)) {
      // Their seat may be a leftover (its writer died before writing the booking).
      const theirs = head.holders[head.people.indexOf(seat.person)];
      if (again && theirs && (await this.clearLeftoverSeats(head, graceMs, [theirs]))) {
        return this.take(hold, graceMs, attempt + 1);
      }
      throw new DomainError(ErrorCode.SlotTaken, SEAT_HELD);
    }
    const full = head !== null && (head.seats ?? 0) >= seat.capacity;
    if (again && (!full || (await this.clearLeftoverSeats(head, graceMs, head.holders)))) {
      return this.take(hold, graceMs, attempt + 1);
    }
    throw new NoSeatsLeft();
  }

  /**
   * Adds the booking to each key of the group's time: inserted when `fresh` (the group's
   * first seat) or missing, added to when the group holds it. A key someone else holds is
   * cleared by `clearOthers` when it is a leftover, else the seat is refused (SlotTaken).
   */
  private async holdTime(
    hold: SeatedHold,
    fresh: boolean,
    clearOthers: (
      holders: Array<{ _id: string; bookingId: string; heldAt: Date }>,
    ) => Promise<boolean>,
  ): Promise<void> {
    const group = groupOf(hold);
    const keys = occupiedKeys(hold.hostId, hold.occupied);
    let pending = keys;
    for (let attempt = 0; attempt < 3 && pending.length > 0; attempt += 1) {
      const now = new Date();
      if (fresh || attempt > 0)
        pending = await this.insertKeys(pending, group, hold.bookingId, now);
      if (pending.length === 0) return;
      const joined = await this.docs.updateMany(
        { _id: { $in: pending }, bookingId: group },
        { $addToSet: { holders: hold.bookingId }, $set: { heldAt: now } },
      );
      if (joined.matchedCount === pending.length) return;
      // Some keys are someone else's, or were let go of since: clear leftovers, insert again.
      const found = await this.docs
        .find({ _id: { $in: pending } }, { projection: { bookingId: 1, heldAt: 1, holders: 1 } })
        .toArray();
      const others = found.filter((doc) => doc.bookingId !== group);
      if (others.length > 0 && !(attempt < 2 && (await clearOthers(others)))) {
        throw new DomainError(ErrorCode.SlotTaken, 'the slot is already booked');
      }
      // Held once this booking is among its holders (a key inserted since by another seat is not).
      const mine = (id: string) =>
        found.some((doc) => doc._id === id && doc.holders?.includes(hold.bookingId));
      pending = pending.filter((id) => !mine(id));
    }
    if (pending.length > 0) {
      throw new DomainError(ErrorCode.Unavailable, 'the slot is changing; retry');
    }
  }

  /** Inserts the keys with the booking as their holder; answers those already there. */
  private async insertKeys(ids: string[], group: string, bookingId: string, heldAt: Date) {
    const docs = ids.map((_id) => ({ _id, bookingId: group, heldAt, holders: [bookingId] }));
    const refused = await insertUnordered(this.model, docs as unknown as HeldTimeDocument[]);
    return refused.map((index) => docs[index]!._id);
  }

  /**
   * Clears the seats of a full group that no booking backs (its writer died before writing
   * it, or it no longer holds this slot) once they are older than the grace. True when one
   * was cleared.
   */
  private async clearLeftoverSeats(
    head: GroupDocument,
    graceMs: number,
    among: string[],
  ): Promise<boolean> {
    const old = Date.now() - graceMs;
    const suspects = among.filter((id) => (head.joined?.[id]?.getTime() ?? 0) <= old);
    let cleared = false;
    for (const bookingId of suspects) {
      if (await this.isLeftover(bookingId, head._id)) {
        const seat = seatIn(head, bookingId);
        await this.leave({ ...whereIs(head._id), bookingId, seat }, head.joined?.[bookingId]);
        cleared = true;
      }
    }
    return cleared;
  }

  /**
   * Frees a group's time that no booking holds a seat of any more (each holder a leftover),
   * once its documents are older than the grace: each leftover leaves, as a cancel would, so a
   * seat taken meanwhile keeps the time. True when every holder was a leftover.
   */
  async clearGroup(group: string, graceMs: number): Promise<boolean> {
    const docs = await this.docs.find({ bookingId: group }).toArray();
    if (docs.some((doc) => doc.heldAt.getTime() > Date.now() - graceMs)) return false;
    const head = docs.find((doc) => doc._id === group);
    const holders = [...new Set(docs.flatMap((doc) => doc.holders))];
    for (const bookingId of holders) {
      if (!(await this.isLeftover(bookingId, group))) return false;
    }
    for (const bookingId of holders) {
      const seat = head ? seatIn(head, bookingId) : { capacity: 0, person: '' };
      await this.leave({ ...whereIs(group), bookingId, seat }, head?.joined?.[bookingId]);
    }
    return true;
  }

  /** A holder no booking backs: buried when it was never written, or holding other time. */
  private async isLeftover(bookingId: string, group: string): Promise<boolean> {
    const booking = await this.bookings.findById(bookingId);
    // Once the id is buried nobody can write it; a booking written after all is judged again.
    if (!booking) return this.bookings.abandon(bookingId);
    if (!keepsTime(booking.status)) return true;
    const { startTime, eventTypeId } = whereIs(group);
    const here =
      booking.seated === true &&
      booking.eventTypeId === eventTypeId &&
      booking.startTime.getTime() === startTime.getTime();
    // Held elsewhere: a move onto this slot may be under way, fenced off by a version bump (its
    // compare-and-set then fails) before its seat goes.
    return !here && this.bookings.bump(booking);
  }
}

interface SeatTaken {
  seatsHeld: number;
  /** False when another run of the same booking had taken it. */
  took: boolean;
}

/** Where a group slot is, by its id ({@link groupOf}). */
function whereIs(group: string): { eventTypeId: string; startTime: Date } {
  const [, eventTypeId, start] = group.split('|');
  return { eventTypeId: eventTypeId!, startTime: new Date(Number(start)) };
}

/** The seat `bookingId` holds by the head: its person, by position in the head's lists. */
function seatIn(head: GroupDocument, bookingId: string): Seat {
  return { capacity: 0, person: head.people?.[head.holders.indexOf(bookingId)] ?? '' };
}
