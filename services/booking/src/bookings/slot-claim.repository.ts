import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, type HeldSlot } from '@slotbook/contracts';
import { isDuplicateKeyError } from '@slotbook/persistence';
import { hostMonth, hostMonthsTouched, slotKey } from './booking-rules';
import { SlotClaimDocument } from './slot-claim.schema';

export const SLOT_TAKEN = 'the slot is already booked';

/** A claim inserted or marked less than this long ago may belong to a change still under way. */
export const CLAIM_GRACE_MS = 30_000;

@Injectable()
export class SlotClaimRepository {
  constructor(@InjectModel(SlotClaimDocument.name) readonly model: Model<SlotClaimDocument>) {}

  /**
   * Holds the slot for `bookingId`, or fails with SLOT_TAKEN: the unique index decides. The
   * claim starts out pending for the sweeper until its booking is known to hold it.
   */
  async claim(hostId: string, startTime: Date, bookingId: string): Promise<string> {
    const now = new Date();
    const claimId = randomUUID();
    const claim: SlotClaimDocument = {
      _id: claimId,
      slotKey: slotKey(hostId, startTime),
      hostId,
      hostMonth: hostMonth(hostId, startTime),
      startTime,
      endTime: null,
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

  /** Frees the slot held by exactly this claim. */
  async release(claimId: string): Promise<void> {
    await this.model.deleteOne({ _id: claimId });
  }

  /**
   * Held slots whose start lies in `[from, to)`, including those being booked this very moment
   * (their end is not known yet): one equality lookup per month the window touches.
   */
  async held(hostId: string, from: Date, to: Date): Promise<HeldSlot[]> {
    const months = await Promise.all(
      hostMonthsTouched(hostId, from, to).map((bucket) =>
        this.model
          .find(
            { hostMonth: bucket, startTime: { $gte: from, $lt: to } },
            { startTime: 1, endTime: 1 },
          )
          .lean<Array<Pick<SlotClaimDocument, 'startTime' | 'endTime'>>>()
          .exec(),
      ),
    );
    return months
      .flat()
      .sort((a, b) => a.startTime.getTime() - b.startTime.getTime())
      .map((doc) => {
        const startTime = doc.startTime.toISOString();
        const endTime = (doc.endTime ?? doc.startTime).toISOString();
        return {
          startTime,
          endTime,
          occupiedFrom: startTime,
          occupiedUntil: endTime,
          eventTypeId: null,
        };
      });
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
  async settle(claimId: string, marks: number, endTime: Date): Promise<boolean> {
    const result = await this.model
      .updateOne({ _id: claimId, marks }, { $set: { sweepPending: false, endTime } })
      .exec();
    return result.matchedCount === 1;
  }

  /** Claims the sweeper should judge: an equality on an indexed flag that few claims carry. */
  due(limit: number): Promise<SlotClaimDocument[]> {
    return this.model.find({ sweepPending: true }).limit(limit).lean<SlotClaimDocument[]>().exec();
  }
}
