import { z } from 'zod';

/**
 * An instant as ISO 8601 with an explicit offset (`Z` or `±hh:mm`). Calendar-impossible dates
 * such as `2025-02-31` are rejected rather than silently rolled over, and the value is
 * normalised to a `Date`.
 */
export const Instant = z
  .string()
  .pipe(z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp with an offset' }))
  .refine(isRealCalendarDate, { message: 'is not a real calendar date' })
  .transform((value) => new Date(value));

/** An instant as it leaves the platform: ISO 8601 UTC with `Z`. */
export const InstantOut = z.iso.datetime();

function isRealCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return (
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day
  );
}
