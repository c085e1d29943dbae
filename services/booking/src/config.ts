import { z } from 'zod';
import { CommandServiceEnv, loadEnv, timingRules } from '@slotbook/runtime';
import { slotHoldTimingFlaws } from './bookings/slot-hold.timing';

export const BookingEnv = CommandServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3003),
  /** Prometheus `/metrics`, apart from the API port (for the scraper, not for clients). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9303),
  PREFETCH_COUNT: z.coerce.number().int().min(1).max(1000).default(32),
  /** `off` runs on the unique index alone (used by the guard-bypass tests). */
  SLOT_LOCK: z.enum(['redlock', 'off']).default('redlock'),
  /** Long enough for check-and-write; a lock that expires early is harmless (the index decides). */
  SLOT_LOCK_TTL_MS: z.coerce.number().int().min(1).max(60_000).default(5_000),
  /**
   * Tests only: how long a write's handler waits after its write and before it answers, so a
   * fault spec can kill the replica in between. 0 (the default) in every real deployment.
   */
  TEST_STALL_AFTER_WRITE_MS: z.coerce.number().int().min(0).max(60_000).default(0),
}).superRefine(timingRules(slotHoldTimingFlaws));
export type BookingConfig = z.infer<typeof BookingEnv>;

export const BOOKING_CONFIG = Symbol('BOOKING_CONFIG');

export function loadBookingConfig(): BookingConfig {
  return loadEnv(BookingEnv);
}
