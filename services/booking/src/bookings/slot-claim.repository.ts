import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, type HeldSlot } from '@slotbook/contracts';
import { isDuplicateKeyError } from '@slotbook/persistence';
import type { Interval } from '@slotbook/scheduling';
import { LRUCache } from 'lru-cache';
import { hostMonth, hostMonthsTouched, slotKey } from './booking-rules';
import { occupiedCells } from './occupied-cells';
import { HeldStampDocument, SlotCellDocument, SlotClaimDocument } from './slot-claim.schema';

/** What a claim knows of its booking when it is inserted: all of it for an event type. */
export interface ClaimTerms {
  eventTypeId: string | null;
  /** The occupied time, when known before the claim (event types); a range's comes with settle. */
  occupied: Interval | null;
}

export const SLOT_TAKEN = 'the slot is already booked';

/** A claim inserted or marked less than this long ago may belong to a change still under way. */
export const CLAIM_GRACE_MS = 30_000;

/** How long a cached copy of a month of busy time may be used, should a stamp be lost. */
export const BUSY_CACHE_TTL_MS = 30_000;

type HeldClaim = Pick<
  SlotClaimDocument,
  'startTime' | 'endTime' | 'occupiedFrom' | 'occupiedUntil' | 'eventTypeId'
>;

@Injectable()
export class SlotClaimRepository {
  /**
   * A host's busy time per month, as last read, with the host's stamp read before that read:
   * good for as long as the stamp stays the same (see {@link touch}).
   */
  private readonly busyMonths = new LRUCache<string, { stamp: number; busy: number[] }>({
    max: 5_000,
    ttl: BUSY_CACHE_TTL_MS,
  });

  constructor(
    @InjectModel(SlotClaimDocument.name) readonly model: Model<SlotClaimDocument>,
    @InjectModel(SlotCellDocument.name) readonly cells: Model<SlotCellDocument>,
    @InjectModel(HeldStampDocument.name) readonly stamps: Model<HeldStampDocument>,
  ) {}

  /**
   * Holds the slot for `bookingId`, or fails with SLOT_TAKEN: the unique index decides. The
   * claim starts out pending for the sweeper until its booking is known to hold it.
   */
  async claim(
    hostId: string,
    startTime: Date,
    bookingId: string,
    { eventTypeId, occupied }: ClaimTerms,
  ): Promise<string> {
    const now = new Date();
    const claimId = randomUUID();
    const claim: SlotClaimDocument = {
      _id: claimId,
      slotKey: slotKey(hostId, startTime),
      hostId,
      hostMonth: hostMonth(hostId, startTime),
      startTime,
      endTime: null,
      occupiedFrom: occupied ? new Date(occupied.start) : null,
      occupiedUntil: occupied ? new Date(occupied.end) : null,
      eventTypeId,
      bookingId,
      createdAt: now,
      sweepPending: true,
      marks: 0,
      markedAt: now,
    };
    try {
      // Written as it is (every field set here, typed): no hydration, casting or defaults.
      await this.model.insertMany([claim], { lean: true });
      return claimId;
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new DomainError(ErrorCode.SlotTaken, SLOT_TAKEN);
      throw error;
    }
  }

  /** The id of the claim on the slot if `bookingId` holds it (an earlier attempt's), else null. */
  async heldBy(hostId: string, startTime: Date, bookingId: string): Promise<string | null> {
    const claim = await this.model
      .findOne({ slotKey: slotKey(hostId, startTime) }, { bookingId: 1 })
      .lean<Pick<SlotClaimDocument, '_id' | 'bookingId'>>()
      .exec();
    return claim?.bookingId === bookingId ? claim._id : null;
  }

  /**
   * Holds the cells of `occupied` for the claim, or fails with SLOT_TAKEN when another claim
   * holds one of them: the unique keys decide (see occupied-cells.ts). The cells are inserted
   * unordered in one command; a cell this claim inserted before (an earlier run of the same
   * command) is its own. On SLOT_TAKEN the cells this call did insert stay until the claim is
   * released, which every caller does (or the sweeper, for a caller that died).
   */
  async occupy(claimId: string, hostId: string, occupied: Interval): Promise<void> {
    const cells = occupiedCells(hostId, claimId, occupied);
    try {
      await this.cells.insertMany(cells, { ordered: false, lean: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const held = await this.cells
        .find({ claimId }, { _id: 1 })
        .lean<Array<Pick<SlotCellDocument, '_id'>>>()
        .exec();
      const own = new Set(held.map((cell) => cell._id));
      if (!cells.every((cell) => own.has(cell._id))) {
        throw new DomainError(ErrorCode.SlotTaken, SLOT_TAKEN);
      }
    }
  }

  /**
   * Frees the time held by exactly this claim: its cells first, then the claim, so a release
   * that dies half-way leaves the claim, which is pending whenever it is released, for the
   * sweeper to release again.
   */
  async release(claimId: string, hostId: string): Promise<void> {
    await this.cells.deleteMany({ claimId });
    await this.model.deleteOne({ _id: claimId });
    await this.touch(hostId);
  }

  /**
   * Held slots whose start lies in `[from, to)`, including those being booked this very moment:
   * one equality lookup per month the window touches. A range booking being made does not know
   * its end yet; its start alone (one millisecond) is reported as occupied.
   */
  async held(hostId: string, from: Date, to: Date): Promise<HeldSlot[]> {
    const months = await Promise.all(
      hostMonthsTouched(hostId, from, to).map((bucket) =>
        this.claimsIn({ hostMonth: bucket, startTime: { $gte: from, $lt: to } }),
      ),
    );
    return months
      .flat()
      .sort((a, b) => a.startTime.getTime() - b.startTime.getTime())
      .map(toHeldSlot);
  }

  /**
   * The occupied time (as `[from, until, …]` pairs) of the claims whose start lies in
   * `[from, to)`, for listings. A month read before is answered from its copy while the host's
   * stamp is unchanged, so a listing costs one `_id` lookup however many bookings the host has.
   * Every settle and release changes the stamp before the change is answered, so a copy is
   * never older than the last change a client was told of; only claims still being made may be
   * missing from it (see {@link touch}).
   */
  async busy(hostId: string, from: Date, to: Date): Promise<number[]> {
    const stamp = await this.stampOf(hostId);
    const months = await Promise.all(
      hostMonthsTouched(hostId, from, to).map((bucket) => this.busyInMonth(bucket, stamp)),
    );
    const [start, end] = [from.getTime(), to.getTime()];
    const busy: number[] = [];
    // Months come in order and each is sorted by start, so the result is too.
    for (const month of months) {
      for (let i = 0; i < month.length; i += 3) {
        if (month[i] >= start && month[i] < end) busy.push(month[i + 1], month[i + 2]);
      }
    }
    return busy;
  }

  /** `[start, from, until, …]` of the month's claims by start, from the copy made under `stamp`. */
  private async busyInMonth(bucket: string, stamp: number): Promise<number[]> {
    const copy = this.busyMonths.get(bucket);
    if (copy && copy.stamp === stamp) return copy.busy;
    const claims = await this.claimsIn({ hostMonth: bucket });
    claims.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const busy = claims.flatMap((claim) => {
      const { start, end } = occupiedOf(claim);
      return [claim.startTime.getTime(), start, end];
    });
    // Only a copy made under the newest stamp seen is kept: an older one could miss a change.
    const kept = this.busyMonths.get(bucket);
    if (!kept || kept.stamp <= stamp) this.busyMonths.set(bucket, { stamp, busy });
    return busy;
  }

  private claimsIn(filter: Record<string, unknown>): Promise<HeldClaim[]> {
    return this.model
      .find(filter, { startTime: 1, endTime: 1, occupiedFrom: 1, occupiedUntil: 1, eventTypeId: 1 })
      .lean<HeldClaim[]>()
      .exec();
  }

  private async stampOf(hostId: string): Promise<number> {
    const doc = await this.stamps.findById(hostId).lean<HeldStampDocument>().exec();
    return doc?.changes ?? 0;
  }

  /**
   * The host's held time changed: copies of it made before are stale. Called after the change
   * is written and before it is answered. A stamp lost to a crash in between leaves copies at
   * most BUSY_CACHE_TTL_MS old.
   */
  private async touch(hostId: string): Promise<void> {
    try {
      await this.stamps.updateOne({ _id: hostId }, { $inc: { changes: 1 } }, { upsert: true });
    } catch (error) {
      // Two first changes of a host raced to insert its stamp: the other insert stands.
      if (!isDuplicateKeyError(error)) throw error;
      await this.stamps.updateOne({ _id: hostId }, { $inc: { changes: 1 } });
    }
  }

  /**
   * Tells the sweeper the claim's booking is about to let go of it. Called before the booking's
   * write, so a writer that dies after that write leaves a claim the sweeper frees; and a mark
   * defeats any settle judged before it (see {@link settle}).
   */
  async markForCheck(claimId: string): Promise<void> {
    await this.model.updateOne(
      { _id: claimId },
      { $set: { sweepPending: true, markedAt: new Date() }, $inc: { marks: 1 } },
    );
  }

  /**
   * The claim is held by its booking, which ends at `endTime`: the sweeper need not look at it.
   * A compare-and-set on `marks` as the caller read them, so a booking that started letting go
   * of the claim since (and marked it) keeps it pending. False when the claim was marked
   * meanwhile or is gone. (Until settled, a claim's end is unknown: see {@link held}.)
   */
  async settle(
    claimId: string,
    hostId: string,
    marks: number,
    endTime: Date,
    occupied: Interval,
  ): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: claimId, marks },
        {
          $set: {
            sweepPending: false,
            endTime,
            occupiedFrom: new Date(occupied.start),
            occupiedUntil: new Date(occupied.end),
          },
        },
      )
      .exec();
    if (result.matchedCount === 0) return false;
    await this.touch(hostId);
    return true;
  }

  /** Claims the sweeper should judge: an equality on an indexed flag that few claims carry. */
  due(limit: number): Promise<SlotClaimDocument[]> {
    return this.model.find({ sweepPending: true }).limit(limit).lean<SlotClaimDocument[]>().exec();
  }
}

/**
 * The time a claim holds: its occupied time once known; before that (a range booking being
 * made) its slot if its end is known, else its start alone (one millisecond).
 */
function occupiedOf(claim: HeldClaim): Interval {
  const start = claim.startTime.getTime();
  const end = claim.endTime?.getTime() ?? start;
  return {
    start: claim.occupiedFrom?.getTime() ?? start,
    end: claim.occupiedUntil?.getTime() ?? Math.max(end, start + 1),
  };
}

function toHeldSlot(claim: HeldClaim): HeldSlot {
  const occupied = occupiedOf(claim);
  return {
    startTime: claim.startTime.toISOString(),
    endTime: (claim.endTime ?? claim.startTime).toISOString(),
    occupiedFrom: new Date(occupied.start).toISOString(),
    occupiedUntil: new Date(occupied.end).toISOString(),
    eventTypeId: claim.eventTypeId ?? null,
  };
}
