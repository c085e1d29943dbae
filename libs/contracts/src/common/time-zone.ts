import { z } from 'zod';

/**
 * An IANA zone name, as the runtime's `Intl` knows it (`Europe/Berlin`, `UTC`). Fixed offsets
 * such as `+01:00` are refused: hours follow the rules of a place, which an offset does not
 * carry.
 */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isIanaZone, { message: 'must be an IANA time zone name such as Europe/Berlin' });

export function isIanaZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
