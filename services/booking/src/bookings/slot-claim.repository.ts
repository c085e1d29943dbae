import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, type HeldSlot } from '@slotbook/contracts';
import { isDuplicateKeyError } from '@slotbook/persistence';
import { slotKey } from './booking-rules';
import { SlotClaimDocument } from './slot-claim.schema';

export const SLOT_TAKEN = 'the slot is already booked';

/** A claim younger than this may belong to a booking still being written. */
export const CLAIM_GRACE_MS = 30_000;
/** Healthy claims are looked at again now and then, to repair what a crash mid-change left. */
const RECHECK_HEALTHY_MS = 60 * 60 * 1000;

@Injectable()
export class SlotClaimRepository {
  constructor(@InjectModel(SlotClaimDocument.name) readonly model: Model<SlotClaimDocument>) {}

  /** Holds the slot for `bookingId`, or fails with SLOT_TAKEN: the unique index decides. */
  async claim(hostId: string, startTime: Date, bookingId: string): Promise<string> {
    const now = new Date();
    const claimId = randomUUID();
    try {
      await this.model.create({
        _id: claimId,
        slotKey: slotKey(hostId, startTime),
        hostId,
        startTime,
        endTime: null,
        bookingId,
        createdAt: now,
        checkAfter: new Date(now.getTime() + CLAIM_GRACE_MS),
      });
      return claimId;
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new DomainError(ErrorCode.SlotTaken, SLOT_TAKEN);
      throw error;
    }
  }

  async setEnd(claimId: string, endTime: Date): Promise<void> {
    await this.model.updateOne({ _id: claimId }, { $set: { endTime } });
  }

  /** Frees the slot held by exactly this claim. */
  async release(claimId: string): Promise<void> {
    await this.model.deleteOne({ _id: claimId });
  }

  /** Held slots, including those being booked this very moment (their end is not known yet). */
  async held(hostId: string, from: Date, to: Date): Promise<HeldSlot[]> {
    const docs = await this.model
      .find({ hostId, startTime: { $gte: from, $lt: to } }, { startTime: 1, endTime: 1 })
      .sort({ startTime: 1 })
      .lean<Array<Pick<SlotClaimDocument, 'startTime' | 'endTime'>>>()
      .exec();
    return docs.map((doc) => ({
      startTime: doc.startTime.toISOString(),
      endTime: (doc.endTime ?? doc.startTime).toISOString(),
    }));
  }

  /** Asks the sweeper to look at the claim now, before its booking lets go of it. */
  async markForCheck(claimId: string): Promise<void> {
    await this.model.updateOne({ _id: claimId }, { $set: { checkAfter: new Date() } });
  }

  /** The claim is healthy (its booking holds it); look again in an hour. */
  async settle(claimId: string, now: Date): Promise<void> {
    await this.model.updateOne(
      { _id: claimId },
      { $set: { checkAfter: new Date(now.getTime() + RECHECK_HEALTHY_MS) } },
    );
  }

  due(now: Date, limit: number): Promise<SlotClaimDocument[]> {
    return this.model
      .find({ checkAfter: { $lte: now } })
      .limit(limit)
      .lean<SlotClaimDocument[]>()
      .exec();
  }
}
