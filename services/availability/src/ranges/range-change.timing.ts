import type { TimingFlaw } from '@slotbook/runtime';

/*
 * The timing of a range change (PATCH or DELETE of a range) against bookings landing in it,
 * in one place. The steps: the change takes a lease on the range (its slots close to new
 * bookings until the lease ends, plus BOOKING_LEASE_GRACE_MS); it asks booking for the time
 * held in the range (one RPC, RPC_TIMEOUT_MS at most; asked again up to ORPHAN_CHECKS times,
 * ORPHAN_RECHECK_MS apart, while a refusal may be a booking giving up); it writes its result
 * only while at least LEASE_MARGIN_MS of the lease is left. range-change.model.spec.ts runs
 * these steps against a booking's in every order, the lease running out anywhere; the
 * orderings of the environment they rely on are checked at boot by
 * {@link rangeChangeTimingFlaws}.
 */

/**
 * How long one write of a host's document keeps deciding again while writers on other replicas
 * change the host: a time budget rather than a number of attempts, because every change of any
 * of a host's ranges, schedules and event types meets on its one document.
 */
export const WRITE_WAIT_MS = 3_000;
/** A change must still hold this much of its lease when it writes its result. */
export const LEASE_MARGIN_MS = 2_000;
/** How often, and how far apart, booking is asked before a change is refused for a booking. */
export const ORPHAN_CHECKS = 3;
export const ORPHAN_RECHECK_MS = 150;
/**
 * How much longer than its lease a range under change stays closed to new bookings: the
 * change's write, or another replica's clock, may run a little late.
 */
export const BOOKING_LEASE_GRACE_MS = 5_000;

/** What of the environment the timing depends on. */
export interface RangeChangeEnv {
  CHANGE_LEASE_MS: number;
  RPC_TIMEOUT_MS: number;
}

/**
 * The orderings the change relies on, each named by the variable that breaks it (none when all
 * hold): the lease outlasts one ask of booking and the margin its write needs, so a change
 * that asked in time can still write.
 */
export function rangeChangeTimingFlaws(env: RangeChangeEnv): TimingFlaw<keyof RangeChangeEnv>[] {
  return env.CHANGE_LEASE_MS > env.RPC_TIMEOUT_MS + LEASE_MARGIN_MS
    ? []
    : [
        {
          variable: 'CHANGE_LEASE_MS',
          message: `must exceed RPC_TIMEOUT_MS + ${LEASE_MARGIN_MS} ms (one ask of booking and the margin of the write)`,
        },
      ];
}
