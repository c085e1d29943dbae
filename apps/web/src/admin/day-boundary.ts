/** A date input's `YYYY-MM-DD` as the API's instant: that day's start in UTC, or the next day's. */
export function dayBoundary(date: string, plusDays: 0 | 1): string {
  const instant = new Date(`${date}T00:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() + plusDays);
  return instant.toISOString();
}
