import type { TimingFlaw } from '@slotbook/runtime';

/*
 * The timing of holding a slot's time (slot-hold.ts), in one place. A create holds the time
 * (one insert of its keys), confirms the slot's terms (from booking's copy; on a miss, one ask
 * of availability, RPC_TIMEOUT_MS at most), then writes its booking (one insert). Keys no
 * booking holds are reclaimed by the next writer that wants the time once they are older than
 * HOLD_GRACE_MS, and the reclaim fences their writer first (its booking id is buried), so a
 * writer stalled past the grace can never write late, and, refused, gives back only keys its
 * booking still holds: the guarantee does not rest on the grace. slot-hold.model.spec.ts runs
 * the steps of a writer against those of a reclaimer in every order, the grace running out
 * anywhere. What the grace buys is that a writer that is
 * merely slow is not taken for a dead one; {@link slotHoldTimingFlaws} checks, at boot, that
 * it outlasts the slowest live path from hold to write.
 */

/**
 * Time held longer than this without its booking holding it is a leftover of a writer that
 * died (or stalled) between two writes, and whoever needs that time reclaims it; younger, it
 * may belong to a change still under way, and refuses others.
 */
export const HOLD_GRACE_MS = 30_000;

/** Of a live writer's path from hold to write, what is not the ask of availability. */
export const HOLD_WRITE_MARGIN_MS = 5_000;

/** What of the environment the timing depends on. */
export interface SlotHoldEnv {
  RPC_TIMEOUT_MS: number;
}

/**
 * The orderings the hold relies on, each named by the variable that breaks it (none when all
 * hold): a writer that waits out one ask of availability for the slot's terms, and then
 * writes, is not fenced as a leftover.
 */
export function slotHoldTimingFlaws(env: SlotHoldEnv): TimingFlaw<keyof SlotHoldEnv>[] {
  return env.RPC_TIMEOUT_MS + HOLD_WRITE_MARGIN_MS < HOLD_GRACE_MS
    ? []
    : [
        {
          variable: 'RPC_TIMEOUT_MS',
          message: `must be under ${HOLD_GRACE_MS - HOLD_WRITE_MARGIN_MS} ms (HOLD_GRACE_MS less the margin of a booking's write): a create waiting on availability would be fenced as a leftover`,
        },
      ];
}
