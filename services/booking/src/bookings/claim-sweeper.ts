import { Injectable, Logger } from '@nestjs/common';
import { RecordMutex, recordLockKey } from '@slotbook/persistence';
import { holdsSlot } from './booking-rules';
import { BookingsRepository } from './bookings.repository';
import { CLAIM_GRACE_MS, SlotClaimRepository } from './slot-claim.repository';
import type { SlotClaimDocument } from './slot-claim.schema';

/**
 * Frees slots whose claim outlived its purpose because a replica died between two writes: a
 * claim whose booking never got written, was cancelled, or moved to another slot. It never
 * frees the slot of an active booking, so it cannot cause a double booking: a booking that
 * never appeared is buried (its id taken by a tombstone) before its claim goes, and a booking
 * that exists is judged under its record lock.
 */
@Injectable()
export class ClaimSweeper {
  private readonly logger = new Logger(ClaimSweeper.name);

  constructor(
    private readonly claims: SlotClaimRepository,
    private readonly bookings: BookingsRepository,
    private readonly mutex: RecordMutex,
  ) {}

  async sweep(now = new Date(), limit = 500): Promise<number> {
    let freed = 0;
    for (const claim of await this.claims.due(now, limit)) {
      if (await this.sweepOne(claim, now)) freed += 1;
    }
    if (freed > 0) this.logger.warn({ freed }, 'freed stale slot claims');
    return freed;
  }

  private async sweepOne(claim: SlotClaimDocument, now: Date): Promise<boolean> {
    const booking = await this.bookings.findById(claim.bookingId);
    if (!booking) {
      if (claim.createdAt.getTime() > now.getTime() - CLAIM_GRACE_MS) return false;
      // Settle the race with a slow writer first: once the id is buried, nobody can write it.
      if (!(await this.bookings.abandon(claim.bookingId))) return false;
      await this.claims.release(claim._id);
      return true;
    }
    // An existing booking may be in the middle of a change (a reschedule moving its claim):
    // decide under its record lock, or leave it for the next sweep.
    const release = await this.mutex.tryAcquire(
      recordLockKey(this.bookings.model.collection.name, booking._id),
      {
        leaseMs: 10_000,
        waitMs: 0,
      },
    );
    if (!release) return false;
    try {
      const current = await this.bookings.findById(claim.bookingId);
      if (current && holdsSlot(current.status) && current.claimId === claim._id) {
        await this.claims.settle(claim._id, now);
        return false;
      }
      await this.claims.release(claim._id);
      return true;
    } finally {
      await release();
    }
  }
}
