/*
 * The timing of webhook deliveries (delivery-dispatcher.ts), in one place. A replica attempts a
 * delivery only while it holds the delivery's lease: a claim (a compare-and-set) moves its next
 * attempt to the end of the lease, and the outcome is written by compare-and-set on the claim,
 * so two replicas never both record one delivery, and a replica that dies mid-attempt leaves
 * the delivery due again at the lease's end (delivery is at least once). The lease is an
 * attempt (WEBHOOK_TIMEOUT_MS) and LEASE_MARGIN_MS to write its outcome. A new event's
 * deliveries are attempted before they are stored, and stored, leased from then, within
 * FIRST_ANSWER_WAIT_MS: an attempt started before its delivery was stored ends inside the lease
 * the stored delivery gets (delivery.timing.spec.ts).
 */

/** Of a delivery's lease, what is not the attempt: the write of its outcome. */
export const LEASE_MARGIN_MS = 5_000;
/**
 * How long a new event's deliveries wait for their first answers before they are stored: the
 * answers that came in time are stored with the deliveries (one write for all), the others are
 * stored leased and written when they come.
 */
export const FIRST_ANSWER_WAIT_MS = 1_000;
/** How long a new delivery waits for a slot of its subscription before it is stored due now. */
export const SLOT_WAIT_MS = FIRST_ANSWER_WAIT_MS / 2;
/** How soon a pass looks again for a delivery whose claim failed (the database failed us). */
export const RETRY_CLAIM_AFTER_MS = 1_000;
/** The least pause between two poll passes asked for by kicks. */
export const MIN_PASS_GAP_MS = 50;

/** How long a claimed (or newly stored) delivery is this replica's. */
export function deliveryLeaseMs(env: { WEBHOOK_TIMEOUT_MS: number }): number {
  return env.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
}
