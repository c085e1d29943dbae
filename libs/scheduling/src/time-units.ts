/** Lengths of time in epoch milliseconds: the one definition for the platform. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
/** A UTC day. A day in a time zone may be 23 or 25 hours: see weekly-schedule.ts. */
export const DAY_MS = 24 * HOUR_MS;
