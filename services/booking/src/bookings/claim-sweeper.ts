import { Injectable, Logger } from '@nestjs/common';
import { occupiedBy } from '@slotbook/scheduling';
import { holdsSlot } from './booking-rules';
import { BookingsRepository } from './bookings.repository';
import { CLAIM_GRACE_MS, SlotClaimRepository } from './slot-claim.repository';
import type { SlotClaimDocument } from './slot-claim.schema';

/**
 * Frees slots whose claim outlived its purpose because a replica died between two writes: a
 * claim whose booking never got written, was cancelled, or moved to another slot. It takes no
 * lock; its safety rests on two facts of the protocol:
 *
 * - A claim gets into a booking only through the booking's insert under the claim's
 *   `bookingId` (a create, or another run of the same create command carrying on with the
 *   claim), which a tombstone under that id refuses; or through one compare-and-set of the
 *   booking's version (reschedule), made by the very attempt that inserted the claim, from the
 *   version that attempt read *before* the insert. So once the sweeper has seen a claim, any
 *   write that could still put it into its booking is an insert or a compare-and-set from a
 *   version no newer than the one the sweeper reads next.
 * - Every change that lets go of a claim (cancel, reschedule) marks the claim first (pending
 *   again, `marks` incremented) and only then writes the booking by compare-and-set.
 *
 * Only pending claims are judged, and only once they were inserted or marked longer ago than
 * the grace period, so a change under way is normally left to finish. Then, for claim C of
 * booking B:
 *
 * - B was never written: its id is buried first (a tombstone insert; the unique `_id` makes a
 *   late insert of B fail), then C is freed. A slow creator finds its insert refused.
 * - B no longer holds a slot (cancelled, completed): those states are final, and every later
 *   write of B is a compare-and-set from a version older than the one that made them final;
 *   C is freed.
 * - B holds a slot but points at another claim (C is the new claim of a stalled reschedule, or
 *   the old one of a reschedule that got through but died before freeing it): the sweeper
 *   bumps B's version by compare-and-set from the version it judged, and frees C only if that
 *   succeeds. By the first fact, a stalled reschedule could write C into B only by a
 *   compare-and-set from a version no newer than the judged one, and the bump makes that fail
 *   (it then gives C back and decides again). If the reschedule got there first, the bump
 *   fails and C is left for the next sweep, which finds it held. So B never points at a freed
 *   claim, and a reschedule never ends holding two claims.
 * - B holds C: C is settled (no longer pending) by a compare-and-set on the `marks` read with
 *   C. If C was never marked, every change letting go of it marks it after this read, which
 *   defeats the settle or makes C pending again. If C was marked (a cancel or reschedule that
 *   failed or is stalled between its mark and its write), that change may have read B before
 *   the sweeper did; the sweeper bumps B first, so such a write fails and must mark again.
 *   Either way a claim its booking lets go of ends up pending, and so is eventually freed.
 *
 * A claim its booking holds is never freed, so the sweeper cannot cause a double booking; and
 * because a claim is pending whenever its booking may not hold it, no periodic re-check of
 * settled claims is needed (the old hourly re-check was the backstop of a protocol without
 * that invariant).
 */
@Injectable()
export class ClaimSweeper {
  private readonly logger = new Logger(ClaimSweeper.name);

  constructor(
    private readonly claims: SlotClaimRepository,
    private readonly bookings: BookingsRepository,
  ) {}

  async sweep(now = new Date(), limit = 500): Promise<number> {
    let freed = 0;
    for (const claim of await this.claims.due(limit)) {
      if (await this.sweepOne(claim, now)) freed += 1;
    }
    if (freed > 0) this.logger.warn({ freed }, 'freed stale slot claims');
    return freed;
  }

  private async sweepOne(claim: SlotClaimDocument, now: Date): Promise<boolean> {
    if (claim.markedAt.getTime() > now.getTime() - CLAIM_GRACE_MS) return false;
    const booking = await this.bookings.findById(claim.bookingId);
    if (!booking) {
      // Settle the race with a slow writer first: once the id is buried, nobody can write it.
      if (!(await this.bookings.abandon(claim.bookingId))) return false;
      await this.claims.release(claim._id, claim.hostId);
      return true;
    }
    if (!holdsSlot(booking.status)) {
      await this.claims.release(claim._id, claim.hostId);
      return true;
    }
    if (booking.claimId !== claim._id) {
      if (!(await this.bookings.bump(booking))) return false;
      await this.claims.release(claim._id, claim.hostId);
      return true;
    }
    if (claim.marks > 0 && !(await this.bookings.bump(booking))) return false;
    const occupied = occupiedBy(
      { start: booking.startTime.getTime(), end: booking.endTime.getTime() },
      { bufferBefore: booking.bufferBefore ?? 0, bufferAfter: booking.bufferAfter ?? 0 },
    );
    await this.claims.settle(claim._id, claim.hostId, claim.marks, booking.endTime, occupied);
    return false;
  }
}
