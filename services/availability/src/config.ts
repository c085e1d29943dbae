import { z } from 'zod';
import { CommandServiceEnv, loadEnv, timingRules } from '@slotbook/runtime';
import { rangeChangeTimingFlaws } from './ranges/range-change.timing';

export const AvailabilityEnv = CommandServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3002),
  /** Prometheus `/metrics`, apart from the API port (for the scraper, not for clients). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9302),
  /**
   * How long a range stays marked as changing while a PATCH/DELETE asks booking for the slots
   * it holds (see range-change.timing.ts); a crash leaves only this lease.
   */
  CHANGE_LEASE_MS: z.coerce.number().int().min(1_000).max(120_000).default(10_000),
}).superRefine(timingRules(rangeChangeTimingFlaws));
export type AvailabilityConfig = z.infer<typeof AvailabilityEnv>;

export const AVAILABILITY_CONFIG = Symbol('AVAILABILITY_CONFIG');

export function loadAvailabilityConfig(): AvailabilityConfig {
  return loadEnv(AvailabilityEnv);
}
